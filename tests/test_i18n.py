"""Interface languages and the Kyrgyz-first rule, as editors and readers see them."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sitekit import absorb_child_hits, child_env, site_builder_argv

import site_builder
from site_builder.build import build
from site_builder.outputs.render import LOCALES, fast_format, long_date_pattern

PACKAGE = Path(site_builder.__file__).parent
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def template_msgids() -> dict[str, str]:
    """Every `_()` string in the theme's templates, with the file it comes from."""
    found: dict[str, str] = {}
    for filename, _line, msgid, _comments, _context in extract_from_dir(
        str(PACKAGE / "theme" / "templates"),
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        found.setdefault(msgid if isinstance(msgid, str) else msgid[0], filename)
    return found


def code_msgids() -> dict[str, str]:
    """UI strings the Python code translates: gettext("…") literals and the label tables."""
    from site_builder.outputs import calendars, changes, feeds, structured

    found: dict[str, str] = {}
    for filename, _line, msgid, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords={"gettext": None}
    ):
        if filename != "i18n.py":  # editors' messages: the site_builder domain, tested elsewhere
            found.setdefault(msgid, filename)
    for module, labels in (
        ("calendars.py", calendars.KINDS.values()),
        ("changes.py", changes.LABELS.values()),
        ("feeds.py", [title for _section, title in feeds.KINDS.values()]),
        ("structured.py", [label for _rating, label in structured.VERDICTS.values()]),
    ):
        for label in labels:
            found.setdefault(label, module)
    return found


def catalog(lang: str) -> dict[str, str]:
    with (PACKAGE / "locale" / lang / "LC_MESSAGES" / "ui.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy}


def test_templates_have_strings_to_translate():
    assert len(template_msgids()) > 50


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_every_interface_string_is_translated(lang):
    translated = catalog(lang)
    msgids = code_msgids() | template_msgids()
    missing = [f"{name}: {msgid!r}" for msgid, name in msgids.items() if not translated.get(msgid)]
    assert not missing, f"untranslated in locale/{lang}/LC_MESSAGES/ui.po:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_placeholders_survive_translation(lang):
    for msgid, text in catalog(lang).items():
        for token in ("%(n)s", "%(count)s", "%(date)s", "%(done)s", "%(total)s", "[SEARCH_TERM]", "[COUNT]"):
            assert (token in msgid) == (token in text), (lang, msgid, text)


CONFIG = """\
site:
  title: Пресс-служба мэрии
  base_url: https://press.example.kg/
  timezone: Asia/Bishkek
  language: ru
  languages: [ru, ky]
divisions:
  - {id: pr, name: Отдел}
people:
  - {id: chief, name: Начальник, roles: [pr_department], division: pr}
  - {id: writer, name: Автор, division: pr}
rules:
  kyrgyz_first: KYRGYZ_FIRST
  types:
    press-release: {approval_hash: optional}
    rebuttal: {approval_hash: optional}
    announcement: {approval_hash: optional}
    media-plan: {approval_hash: optional}
"""


def release(title: str, lang: str = "ru", extra: str = "") -> str:
    return f"""---
title: {title}
id: water-2026
lang: {lang}
date: 2026-11-20T10:00:00+06:00
author: writer
status: approved
approval: {{by: chief, at: "2026-11-20T09:00:00+06:00"}}
{extra}---
Текст.
"""


def make_site(root: Path, files: dict[str, str], kyrgyz_first: bool = True) -> Path:
    config = CONFIG.replace("KYRGYZ_FIRST", "true" if kyrgyz_first else "false")
    for rel, text in {"config.yaml": config, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    env = child_env(dict(os.environ))
    done = subprocess.run(
        site_builder_argv("check", "--root", str(root), "--now", NOW.isoformat()),
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    absorb_child_hits(env)
    return done


def test_kyrgyz_first_reports_a_missing_translation(tmp_path):
    root = make_site(tmp_path, {"content/press-releases/water.md": release("Вода")})
    result = run_check(root)
    assert result.returncode != 0
    assert "content/press-releases/water.md" in result.stdout + result.stderr
    assert "KY_TRANSLATION_MISSING" in result.stdout + result.stderr or "кыргызском" in result.stdout


def test_kyrgyz_first_message_names_file_and_hint(tmp_path):
    root = make_site(tmp_path, {"content/press-releases/water.md": release("Вода")})
    result = build(root, NOW, tmp_path / "out")
    [found] = [p for p in result.problems if p.code == "KY_TRANSLATION_MISSING"]
    assert found.path == "content/press-releases/water.md" and found.is_error
    assert not (tmp_path / "out").exists()


def test_kyrgyz_version_satisfies_the_rule(tmp_path):
    root = make_site(
        tmp_path,
        {
            "content/press-releases/water.md": release("Вода"),
            "content/press-releases/water.ky.md": release("Суу", "ky", "slug: suu\n"),
        },
    )
    result = build(root, NOW, tmp_path / "out")
    assert result.ok, result.problems
    ru = (tmp_path / "out" / "press-releases").rglob("index.html")
    page = next(p for p in ru if "Вода" in p.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    assert 'hreflang="ky"' in html and "Кыргызча" in html


def test_stated_exception_satisfies_the_rule_and_is_shown(tmp_path):
    extra = 'translation_exception: "Техническое сообщение для СМИ"\n'
    root = make_site(tmp_path, {"content/press-releases/water.md": release("Вода", extra=extra)})
    result = build(root, NOW, tmp_path / "out")
    assert result.ok, result.problems
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("index.html")]
    assert any("Техническое сообщение для СМИ" in html for html in pages)


def test_rule_is_off_by_default(tmp_path):
    root = make_site(tmp_path, {"content/press-releases/water.md": release("Вода")}, kyrgyz_first=False)
    assert build(root, NOW, tmp_path / "out").ok


def test_default_site_speaks_russian_and_kyrgyz_pages_speak_kyrgyz(tmp_path):
    root = make_site(
        tmp_path,
        {
            "content/press-releases/water.md": release("Вода"),
            "content/press-releases/water.ky.md": release("Суу", "ky", "slug: suu\n"),
        },
    )
    assert build(root, NOW, tmp_path / "out").ok
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    ky = (tmp_path / "out" / "ky" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in home and "Пресс-релизы" in home and "Версия для слабовидящих" in home
    assert "Press releases" not in home
    assert '<html lang="ky"' in ky and "Пресс-релиздер" in ky and "Начар көргөндөр үчүн версия" in ky
    assert "20 ноября 2026" in home


@pytest.mark.parametrize("lang", ["ru", "ky", "en"])
def test_dates_are_written_as_babel_writes_them(lang):
    """render.fast_format stands in for Babel on every page: it must write what Babel does."""
    locale = Locale.parse(LOCALES[lang])
    long_date = long_date_pattern(lang)
    day = fast_format(long_date, locale)
    assert day is not None  # the theme's own patterns all take the fast way
    for n in range(0, 20_000, 3):  # every third day of 55 years, every month and weekday
        value = date(1995, 1, 1) + timedelta(days=n)
        assert day(value) == format_date(value, long_date, locale=locale)
    zone = ZoneInfo("Asia/Bishkek")
    for pattern in (f"{long_date}, HH:mm", "dd.MM.y HH:mm", "HH:mm", "d MMM y H:m", "yyyy-MM-dd"):
        written = fast_format(pattern, locale, time=True)
        assert written is not None, pattern
        for n in range(0, 600_000, 997):  # minutes and hours of all kinds over 400 days
            value = datetime(2026, 1, 1, tzinfo=zone) + timedelta(minutes=n * 7)
            assert written(value) == format_datetime(value, pattern, locale=locale), (pattern, value)
            if pattern == "HH:mm":  # the `when` filter's "time" style asks Babel's format_time
                assert written(value) == format_time(value, pattern, locale=locale), value
    # Fields it does not write (weekday names, eras, time zones) are left to Babel.
    assert fast_format("EEEE, d MMMM y", locale) is None
    assert fast_format("HH:mm z", locale, time=True) is None
    assert fast_format("dd.MM.y HH:mm", locale) is None  # a time in a date pattern


def test_a_withdrawn_kyrgyz_version_does_not_satisfy_the_rule(tmp_path):
    """Withdrawing the Kyrgyz version left the Russian original published with no Kyrgyz
    text and no stated reason: the rule counted the withdrawal notice as a translation."""
    withdrawn = 'withdrawn: {at: "2026-11-21T10:00:00+06:00", reason: "Ошибка перевода"}\nslug: suu\n'
    files = {
        "content/press-releases/water.md": release("Вода"),
        "content/press-releases/water.ky.md": release("Суу", "ky", withdrawn).replace(
            "status: approved", "status: withdrawn"
        ),
    }
    # strict: the rule's own error only (a held-back build without git history adds HELD_NO_HISTORY)
    result = build(make_site(tmp_path, files), NOW, tmp_path / "out", strict=True)
    found = [(p.path, p.code) for p in result.problems if p.is_error]
    assert found == [("content/press-releases/water.md", "KY_TRANSLATION_MISSING")], result.problems
    exception = release("Вода", extra='translation_exception: "Перевод отозван, готовится новый"\n')
    files["content/press-releases/water.md"] = exception
    assert build(make_site(tmp_path, files), NOW, tmp_path / "out").ok
