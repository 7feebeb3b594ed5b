"""The command line as people know it from other tools: options before or after the command,
help and errors in the messages' language, "did you mean", config.yaml found upwards, a
confirmation piped on stdin; and one meaning for a time without an offset (the site's)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sitekit import item, make_site

import site_builder
from site_builder.cli import COMMANDS, main
from site_builder.commands.arguments import ARGPARSE_WORDS
from site_builder.diagnostics.values import YAML_PROBLEMS

NOW = "2026-11-22T12:00:00+06:00"
EMBARGO = "2026-12-20T10:00:00+06:00"  # Asia/Bishkek (UTC+6), the scratch site's zone


@pytest.fixture(autouse=True)
def _russian_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SITE_BUILDER_LANG", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path,
        {
            "content/press-releases/news.md": item("Новость"),
            "content/press-releases/embargo.md": item("Под эмбарго", date=EMBARGO),
            "content/press-releases/dsp.md": item(
                "Служебное", status="review", approval=None, confidentiality="restricted"
            ),
            "content/press-releases/pending.md": item(
                "На согласование", date="2026-11-23T10:00:00+06:00", status="review", approval=None
            ),
        },
    )


def states(capsys: pytest.CaptureFixture, root: Path, *args: str) -> dict[str, str]:
    code, out, err = run(capsys, "status", "--root", str(root), "--format", "json", *args)
    assert code == 0, out + err
    return {row["item"]: row["state"] for row in json.loads(out)["items"]}


# --- point 4: a time without an offset is the site's time -------------------------------------


def test_now_without_an_offset_is_read_in_the_sites_time_zone(tmp_path, capsys):
    """04:05 in Bishkek is before the 10:00 embargo; read as UTC it would be 10:05, after it."""
    root = site(tmp_path)
    found = states(capsys, root, "--now", "2026-12-20T04:05")
    assert found["content/press-releases/embargo.md"] == "scheduled"
    found = states(capsys, root, "--now", "2026-12-20T10:05")
    assert found["content/press-releases/embargo.md"] == "published"
    found = states(capsys, root, "--now", "2026-12-20T04:05Z")  # an offset is taken as written
    assert found["content/press-releases/embargo.md"] == "published"


def test_source_date_epoch_stays_utc_seconds(tmp_path, capsys, monkeypatch):
    root = site(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1797739500")  # 2026-12-20T04:05:00Z = 10:05 in Bishkek
    assert states(capsys, root)["content/press-releases/embargo.md"] == "published"


def test_the_help_says_which_time_zone(capsys):
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0 and "в часовом поясе сайта" in " ".join(out.split())
    code, out, _ = run(capsys, "--lang", "en", "build", "--help")
    assert code == 0 and "in the site's time zone" in " ".join(out.split())


def test_a_bad_now_is_a_clear_russian_message(tmp_path, capsys):
    root = site(tmp_path)
    code, _out, err = run(capsys, "check", "--root", str(root), "--now", "20.12.2026 10:00")
    assert code == 2 and err.strip() == "--now — не дата и время ISO: «20.12.2026 10:00»", err


# --- point 7: global options in either position, did you mean ----------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("--lang", "en", "check", "--root", "{root}", "--now", NOW),
        ("--lang=en", "--root", "{root}", "--now", NOW, "check"),
        ("check", "--lang", "en", "--root", "{root}", "--now", NOW),
        ("--root", "{root}", "-q", "check", "--lang", "en", "--now", NOW),
    ],
)
def test_global_options_work_before_and_after_the_command(tmp_path, capsys, args):
    root = site(tmp_path)
    code, out, err = run(capsys, *[a.replace("{root}", str(root)) for a in args])
    assert code == 0, out + err
    assert "not published: under review" in out + err or "-q" in args
    assert "не опубликовано" not in out + err


def test_an_option_after_the_command_wins_over_its_default(tmp_path, capsys):
    """`--lang en check`: the command's own --lang default must not put Russian back."""
    root = site(tmp_path)
    code, out, err = run(capsys, "--lang", "en", "--now", NOW, "--root", str(root), "status")
    assert code == 0 and "Published (1)" in out, out + err


def test_a_mistyped_command_gets_did_you_mean(capsys):
    code, _out, err = run(capsys, "chek")
    assert code == 2
    assert "недопустимое значение «chek»" in err and "Возможно, имелось в виду 'check'?" in err
    code, _out, err = run(capsys, "--lang", "en", "stauts")
    assert code == 2 and "Did you mean 'status'?" in err


# --- point 7: help in the messages' language, with examples ------------------------------------


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_in_russian_with_an_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert out.startswith("использование: site-builder ")
    assert "\nпараметры:\n" in out and "показать эту справку и выйти" in out
    examples = out[out.index("\nпримеры:\n") :]
    assert f"site-builder {command}" in examples


def test_help_is_english_with_lang_en_or_the_environment(capsys, monkeypatch):
    code, out, _ = run(capsys, "build", "--help", "--lang", "en")
    assert code == 0 and out.startswith("usage: ") and "\nexamples:\n" in out
    monkeypatch.setenv("SITE_BUILDER_LANG", "en")
    code, out, _ = run(capsys, "--help")
    assert code == 0 and out.startswith("usage: ") and "validate content against the approval rules" in out


def test_argparse_errors_are_russian(capsys):
    code, _out, err = run(capsys)
    assert code == 2 and "site-builder: ошибка: не указаны обязательные аргументы: КОМАНДА" in err
    code, _out, err = run(capsys, "check", "--jobs", "0")
    assert code == 2 and "аргумент --jobs/-j: число процессов — от 1 до 64, а не '0'" in err
    code, _out, err = run(capsys, "check", "--bogus")
    assert code == 2 and "неизвестные аргументы: --bogus" in err


def test_argparse_words_have_russian_translations():
    po = Path(site_builder.__file__).parent / "locale/ru/LC_MESSAGES/site_builder.po"
    with po.open("rb") as handle:
        russian = {m.id: m.string for m in read_po(handle) if m.id}
    missing = [w for w in (*ARGPARSE_WORDS, *YAML_PROBLEMS) if not russian.get(w)]
    assert not missing


@pytest.mark.parametrize("command", ["new", "approve"])
def test_new_and_approve_list_only_options_they_use(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    for option in ("--jobs", "--no-cache", "--format", "--require-signed-settings"):
        assert option not in out, option


# --- point 7: the last English words -----------------------------------------------------------


def test_config_value_errors_are_russian(tmp_path, capsys):
    text = (site(tmp_path) / "config.yaml").read_text(encoding="utf-8")
    text = text.replace("timezone: Asia/Bishkek", "timezone: Asia/Bishkeq").replace(
        "language: ru", "language: de"
    )
    root = make_site(tmp_path, config=text.replace("items_per_page: 5", "items_per_page: 0"))
    code, _out, err = run(capsys, "check", "--root", str(root), "--now", NOW)
    assert code == 1
    assert "BAD_TIMEZONE 'site.timezone': неизвестный часовой пояс 'Asia/Bishkeq'" in err
    assert "Допустимо: 'ru', 'ky', 'en'." in err
    assert "NUMBER_TOO_SMALL 'site.items_per_page' должно быть не меньше 1: '0'" in err
    assert "unknown time zone" not in err and " or " not in err and "Input should" not in err


@pytest.mark.parametrize(
    ("front", "line", "russian"),
    [
        ("title: Мэр: отчёт", 2, "здесь не может быть «ключ: значение»"),
        ('title: "Мэр', 2, "текст закончился раньше, чем ожидалось"),
        ("tags: [a, b", 3, "не найдены ожидаемые ',' или ']'"),
        ("title: Отчёт\ndate", 4, "не найдено ожидаемое двоеточие ':'"),
    ],
)
def test_yaml_syntax_errors_are_russian_with_their_line(tmp_path, capsys, front, line, russian):
    root = make_site(tmp_path, {"content/press-releases/bad.md": f"---\n{front}\n---\nТекст.\n"})
    code, _out, err = run(capsys, "check", "--root", str(root), "--now", NOW)
    assert code == 1
    assert f"content/press-releases/bad.md:{line}: error YAML_SYNTAX ошибка синтаксиса YAML: {russian}" in err


# --- point 7: config.yaml found upwards; build says where ----------------------------------------


def test_commands_run_from_inside_the_site(tmp_path, capsys, monkeypatch):
    root = site(tmp_path)
    monkeypatch.chdir(root / "content" / "press-releases")
    code, out, err = run(capsys, "check", "--now", NOW)
    assert code == 0, out + err
    code, out, err = run(capsys, "build", "--now", NOW)
    assert code == 0, out + err
    assert (root / "output" / "index.html").is_file()
    assert not (root / "content" / "press-releases" / "output").exists()
    assert f"в {root / 'output'}/" in out.splitlines()[-1]


def test_build_says_where_the_output_went_and_how_many_pages(tmp_path, capsys, monkeypatch):
    root = site(tmp_path)
    monkeypatch.chdir(root)
    code, out, err = run(capsys, "build", "--now", NOW)
    assert code == 0, out + err
    pages = sum(1 for _ in (root / "output").rglob("*.html"))
    last = out.splitlines()[-1]
    assert last.startswith("собрано файлов: ") and f"(страниц: {pages}) в output/ за " in last, last
    code, out, err = run(capsys, "build", "--now", NOW)
    assert code == 0 and out.splitlines()[-1].startswith("изменений нет: output/ актуален"), out
    code, out, err = run(capsys, "build", "--now", NOW, "--quiet")
    assert code == 0 and "output/" not in out


# --- point 7: approve confirmed on stdin; status of a restricted item ----------------------------


@pytest.mark.parametrize(
    ("answer", "code", "approved"),
    [("y\n", 0, True), ("да\n", 0, True), ("n\n", 1, False), ("", 1, False)],
)
def test_approve_takes_a_confirmation_piped_on_stdin(tmp_path, capsys, monkeypatch, answer, code, approved):
    root = site(tmp_path)
    path = root / "content/press-releases/pending.md"
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    found, out, err = run(capsys, "approve", str(path), "--by", "aliev", "--root", str(root), "--now", NOW)
    assert found == code, out + err
    assert ("approval:" in path.read_text(encoding="utf-8")) == approved
    if not answer:
        assert "--yes" in err


def test_status_shows_a_restricted_item_as_never_published(tmp_path, capsys):
    root = site(tmp_path)
    assert states(capsys, root, "--now", NOW)["content/press-releases/dsp.md"] == "restricted"
    code, out, _ = run(capsys, "status", "--root", str(root), "--now", NOW)
    group = out[out.index("Ограниченного доступа (не публикуются) (1)") :].split("\n\n")[0]
    assert code == 0 and "content/press-releases/dsp.md" in group
    review = out[out.index("На согласовании (1)") :].split("\n\n")[0]
    assert "dsp.md" not in review
