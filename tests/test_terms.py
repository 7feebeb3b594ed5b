"""Terms of office ("history mode", issue 26 §3): a political item published under a head of
the administration whose term has ended carries a banner on its page, in its JSON-LD and in
open data; it stays at its address, in feeds, search and the archive.  Bad terms are config
errors with their line and a hint."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sitekit import NOW, announcement_fields, config_dict, item, make_site, tree

from site_builder.build import build
from site_builder.cli import main
from site_builder.commands import vnu
from site_builder.commands.livereload import Hub
from site_builder.commands.serve import Preview
from site_builder.speed.session import Session

ROOT = Path(__file__).resolve().parent.parent  # the example site
MOMENT = datetime.fromisoformat(NOW)
TERMS = [
    {
        "name": "Бакыт Осмонов",
        "names": {"ky": "Бакыт Осмонов", "en": "Bakyt Osmonov"},
        "position": "Мэр города",
        "from": "2020-01-01",
        "to": "2026-06-30",
    },
    {"name": "Айбек Усенов", "position": "Мэр города", "from": "2026-07-01"},
]
BANNER_RU = "Опубликовано при прежнем главе администрации: Бакыт Осмонов, 1 января 2020 – 30 июня 2026"
OLD = "2026-05-20T10:00:00+06:00"  # under the former head
NEW = "2026-11-20T10:00:00+06:00"  # under the present one
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def site_with(tmp_path: Path, files: dict[str, str], terms: list | None = None, **config) -> Path:
    data = config_dict(terms=TERMS if terms is None else terms, **config)
    data["site"]["languages"] = ["ru", "ky", "en"]
    return make_site(tmp_path, files, data)


def built(root: Path, now: datetime = MOMENT) -> Path:
    result = build(root, now, root / "output", session=Session.of(root, cache=False))
    assert result.ok, [p for p in result.problems if p.is_error]
    return root / "output"


def page(out: Path, url: str) -> str:
    return (out / url.strip("/") / "index.html").read_text(encoding="utf-8")


def banner(html: str) -> str | None:
    found = re.findall(r'<div class="notice notice-former-head" role="note">\s*<p>(.*?)</p>', html)
    assert len(found) <= 1
    return found[0] if found else None


def article(html: str) -> dict:
    graph = json.loads(SCRIPT.findall(html)[0])["@graph"]
    return next(node for node in graph if node["@type"] in ("NewsArticle", "Article"))


RELEASE = "content/press-releases/old.md"
RELEASE_URL, EVENT_URL = "press-releases/old", "announcements/old-event"
FILES = {
    RELEASE: item("Старый пресс-релиз", OLD),
    "content/press-releases/old.ky.md": item("Эски пресс-релиз", OLD),
    "content/press-releases/new.md": item("Новый пресс-релиз", NEW),
    "content/announcements/old-event.md": item("Старый анонс", OLD, **announcement_fields()),
}


def test_the_banner_is_on_the_page_in_json_ld_and_in_open_data(tmp_path: Path) -> None:
    out = built(site_with(tmp_path, FILES))
    old = page(out, "press-releases/old")
    assert banner(old) == BANNER_RU
    data = article(old)
    assert data["backstory"] == BANNER_RU  # the same words as the page
    role = data["accountablePerson"]
    assert role["@type"] == "Role" and (role["startDate"], role["endDate"]) == ("2020-01-01", "2026-06-30")
    assert role["accountablePerson"] == {"@type": "Person", "name": "Бакыт Осмонов", "jobTitle": "Мэр города"}
    ky = page(out, "ky/press-releases/old")
    assert banner(ky) == (
        "Администрациянын мурунку башчысынын тушунда жарыяланган: Бакыт Осмонов, "
        "2020-ж., 1-январь – 2026-ж., 30-июнь"
    )
    assert article(ky)["backstory"] == banner(ky)
    # under the present head, and a type that is not political: no banner, nothing in JSON-LD
    for url in ("press-releases/new", "announcements/old-event"):
        html = page(out, url)
        assert banner(html) is None and "former-head" not in html
        assert "backstory" not in article(html) and "accountablePerson" not in article(html)
    records = {r["url"]: r for r in json.loads((out / "data/items.json").read_text(encoding="utf-8"))}
    base = "https://press.example.kg/"
    assert records[base + "press-releases/old/"]["former_head"] == "Бакыт Осмонов"
    assert records[base + "press-releases/old/"]["former_head_term"] == "2020-01-01/2026-06-30"
    assert records[base + "press-releases/new/"]["former_head"] is None
    rows = {r["url"]: r for r in csv.DictReader(io.StringIO((out / "data/items.csv").read_text("utf-8")))}
    assert rows[base + "press-releases/old/"]["former_head"] == "Бакыт Осмонов"
    assert rows[base + "announcements/old-event/"]["former_head_term"] == ""
    schema = json.loads((out / "data/schema/items.schema.json").read_text(encoding="utf-8"))
    assert {"former_head", "former_head_term"} <= set(schema["items"]["required"])


def test_the_item_stays_where_it_was(tmp_path: Path) -> None:
    """Nothing else changes: the same address, in the feeds, the archive, search and the sitemap."""
    out = built(site_with(tmp_path, FILES))
    plain = built(site_with(tmp_path / "plain", FILES, terms=[]))
    assert banner(page(plain, "press-releases/old")) is None
    changed = {
        name for name in tree(out).keys() | tree(plain).keys() if tree(out).get(name) != tree(plain).get(name)
    }
    # only the item pages (and the open data that has the new columns' values) differ
    assert changed == {
        "press-releases/old/index.html",
        "ky/press-releases/old/index.html",
        "data/items.json",
        "data/items.csv",
    }


def test_a_term_that_has_not_ended_marks_nothing(tmp_path: Path) -> None:
    terms = [{**TERMS[0], "to": "2026-11-30"}, {**TERMS[1], "from": "2026-12-01"}]
    out = built(site_with(tmp_path, FILES, terms=terms))
    assert banner(page(out, "press-releases/old")) is None  # the build's day is 22 November
    out = built(site_with(tmp_path / "later", FILES, terms=terms), datetime(2026, 12, 1, 0, 5, tzinfo=UTC))
    assert banner(page(out, "press-releases/old")) is not None


def test_before_the_first_term_listed_nothing_is_said(tmp_path: Path) -> None:
    files = {RELEASE: item("Очень старый", "2019-05-20T10:00:00+06:00")}
    out = built(site_with(tmp_path, files))
    assert banner(page(out, "press-releases/old")) is None


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ({}, {"press-releases/old": True, "announcements/old-event": False}),
        (
            {"announcement": {"political": True}},
            {"press-releases/old": True, "announcements/old-event": True},
        ),
        (
            {"press-release": {"political": False}},
            {"press-releases/old": False, "announcements/old-event": False},
        ),
    ],
)
def test_the_political_types_are_configured_per_type(tmp_path: Path, types: dict, expected: dict) -> None:
    config = config_dict()
    for kind, rule in types.items():
        config["rules"]["types"][kind].update(rule)
    out = built(site_with(tmp_path, FILES, rules=config["rules"]))
    assert {url: banner(page(out, url)) is not None for url in expected} == expected


def said(text: str, political: str) -> str:
    return text.replace("\nstatus: ", f"\npolitical: {political}\nstatus: ", 1)


def test_an_item_says_itself_whether_it_is_political(tmp_path: Path) -> None:
    files = {
        RELEASE: said(item("Старый пресс-релиз", OLD), "false"),
        "content/announcements/old-event.md": said(
            item("Старый анонс", OLD, **announcement_fields()), "true"
        ),
    }
    out = built(site_with(tmp_path, files))
    assert banner(page(out, "press-releases/old")) is None
    assert banner(page(out, "announcements/old-event")) is not None
    assert article(page(out, "announcements/old-event"))["backstory"].startswith("Опубликовано при прежнем")


def check(capsys, root: Path) -> tuple[int, str]:
    code = main(["check", "--root", str(root), "--now", NOW, "--lang", "ru"])
    return code, capsys.readouterr().err


def line_of(root: Path, text: str, after: str) -> int:
    """The line of `text` after the line holding `after` (the config as the test wrote it)."""
    lines = (root / "config.yaml").read_text(encoding="utf-8").splitlines()
    start = next(number for number, line in enumerate(lines) if after in line)
    return next(number for number, line in enumerate(lines[start:], start + 1) if line.strip() == text)


@pytest.mark.parametrize(
    ("terms", "line", "after", "code", "message", "hint"),
    [
        (
            [{**TERMS[0], "from": "2026-07-01", "to": "2026-06-30"}],
            "to: '2026-06-30'",
            "Бакыт Осмонов",
            "TERM_REVERSED",
            "срок полномочий Бакыт Осмонов заканчивается (2026-06-30) раньше, чем начинается (2026-07-01)",
            "Проверьте from: и to: срока полномочий",
        ),
        (
            [TERMS[0], {**TERMS[1], "from": "2026-06-15"}],
            "from: '2026-06-15'",
            "Айбек Усенов",
            "TERMS_OVERLAP",
            "срок полномочий Айбек Усенов начинается 2026-06-15, когда ещё длится срок Бакыт Осмонов "
            "(to: 2026-06-30)",
            "В один день не может быть двух глав",
        ),
        (
            [TERMS[0], {**TERMS[1], "from": "2026-08-01"}],
            "from: '2026-08-01'",
            "Айбек Усенов",
            "TERMS_GAP",
            "с 2026-07-01 до дня перед 2026-08-01 нет главы администрации: срок Бакыт Осмонов заканчивается "
            "2026-06-30, срок Айбек Усенов начинается 2026-08-01",
            "добавьте исполняющего обязанности",
        ),
        (  # two current heads: the earlier one has no end
            [{**TERMS[0], "to": None}, TERMS[1]],
            "from: '2026-07-01'",
            "Айбек Усенов",
            "TERMS_OVERLAP",
            "когда ещё длится срок Бакыт Осмонов (to: —)",
            "только у действующего главы нет to:",
        ),
    ],
)
def test_bad_terms_are_config_errors_with_line_and_hint(
    tmp_path: Path, capsys, terms: list, line: str, after: str, code: str, message: str, hint: str
) -> None:
    terms = [{k: v for k, v in term.items() if v is not None} for term in terms]
    root = site_with(tmp_path, {RELEASE: item("Пресс-релиз", OLD)}, terms=terms)
    exit_code, err = check(capsys, root)
    assert exit_code == 1
    at = line_of(root, line, after)
    assert f"config.yaml:{at}: error {code} " in err
    assert message in err and hint in err
    assert "Traceback" not in err


def test_the_example_shows_a_former_mayors_banner(tmp_path_factory: pytest.TempPathFactory) -> None:
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    assert [t.get("to") is None for t in config["terms"]] == [False] * (len(config["terms"]) - 1) + [True]
    out = tmp_path_factory.mktemp("example") / "output"
    assert build(ROOT, MOMENT, out).ok
    marked = sorted(
        p.parent.relative_to(out).as_posix() for p in out.rglob("index.html") if banner(p.read_text())
    )
    assert "press-releases/novye-avtobusy" in marked
    assert "press-releases/byudzhet-2026-slushaniya" not in marked  # under the present mayor
    html = (out / "press-releases/novye-avtobusy/index.html").read_text(encoding="utf-8")
    assert banner(html).startswith("Опубликовано при прежнем главе администрации: Талант Исмаилов, ")
    assert article(html)["backstory"] == banner(html)


def jar() -> Path | None:
    given = os.environ.get("SITE_BUILDER_VNU")
    found = Path(given) if given else ROOT / "tests/browser/node_modules/vnu-jar/build/dist/vnu.jar"
    return found if found.is_file() else None


def test_the_banner_pages_are_valid_html(tmp_path: Path) -> None:
    """The Nu Html Checker, as the gate and the browser suite run it, on the marked pages."""
    if jar() is None:
        if os.environ.get("SITE_BUILDER_SKIP_BROWSER") == "1":
            pytest.skip("no vnu.jar (.ci/install-browser-deps.sh), and SITE_BUILDER_SKIP_BROWSER=1")
        pytest.fail("vnu.jar missing: run .ci/install-browser-deps.sh, or set SITE_BUILDER_VNU")
    out = built(site_with(tmp_path, FILES))
    pages = [out / "press-releases/old/index.html", out / "ky/press-releases/old/index.html"]
    assert all(banner(p.read_text(encoding="utf-8")) for p in pages)
    assert vnu.check(pages, jar()) == []


def test_changing_the_terms_rebuilds_the_marked_pages(tmp_path: Path) -> None:
    """A cached build after the terms change equals a clean build: the banner is in the keys."""
    root = site_with(tmp_path, FILES, terms=[])
    assert build(root, MOMENT, root / "output").ok  # with the cache
    assert banner(page(root / "output", "press-releases/old")) is None
    text = (root / "config.yaml").read_text(encoding="utf-8")
    (root / "config.yaml").write_text(
        text.replace("terms: []\n", yaml.safe_dump({"terms": TERMS}, allow_unicode=True)), encoding="utf-8"
    )
    assert build(root, MOMENT, root / "output").ok
    assert banner(page(root / "output", "press-releases/old")) == BANNER_RU
    clean = built(site_with(tmp_path / "clean", FILES))
    assert tree(root / "output") == tree(clean)


def test_a_term_ending_at_midnight_marks_the_pages_of_a_running_preview(tmp_path: Path) -> None:
    """The preview server keeps its entries from build to build while none moves: the day a
    term ends is something `now` decides, so its pages follow the clock as a clean build does."""
    terms = [{**TERMS[0], "to": "2026-11-22"}, {**TERMS[1], "from": "2026-11-23"}]
    root = site_with(tmp_path, FILES, terms=terms)
    clock = [datetime.fromisoformat("2026-11-22T23:50:00+06:00")]
    preview = Preview(root, tmp_path / "preview", Hub(), False, "en", lambda: clock[0])
    assert preview.rebuild()
    preview.settle()
    assert banner(page(tmp_path / "preview", "press-releases/old")) is None
    clock[0] = datetime.fromisoformat("2026-11-23T00:10:00+06:00")
    assert preview.rebuild()
    preview.settle()
    assert banner(page(tmp_path / "preview", "press-releases/old")) is not None
    assert build(root, clock[0], tmp_path / "clean", session=Session.of(root, cache=False)).ok
    assert tree(tmp_path / "preview") == tree(tmp_path / "clean")


def test_a_term_ending_at_midnight_marks_a_cached_build(tmp_path: Path) -> None:
    """Scheduled builds with the cache: the first after midnight on the day after a term ends
    marks its pages and open data, as a clean build does."""
    terms = [{**TERMS[0], "to": "2026-11-22"}, {**TERMS[1], "from": "2026-11-23"}]
    root = site_with(tmp_path, FILES, terms=terms)
    assert build(root, datetime.fromisoformat("2026-11-22T23:50:00+06:00"), root / "output").ok
    assert banner(page(root / "output", "press-releases/old")) is None
    later = datetime.fromisoformat("2026-11-23T00:10:00+06:00")
    assert build(root, later, root / "output").ok
    assert banner(page(root / "output", "press-releases/old")) is not None
    assert build(root, later, tmp_path / "clean", session=Session.of(root, cache=False)).ok
    assert tree(root / "output") == tree(tmp_path / "clean")
