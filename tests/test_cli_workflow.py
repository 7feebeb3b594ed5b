"""An editor's day from the command line: new → check → mistake → fix → approve → build; status; schema."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sitekit import require_now

from site_builder.cli import main
from site_builder.load.skeleton import PLACEHOLDERS

NOW = "2026-11-22T12:00:00+06:00"
MINUTE_LATER = "2026-11-22T12:01:00+06:00"
LATER = "2026-11-22T13:00:00+06:00"
CONFIG = {
    "site": {"title": "Пресс-служба", "base_url": "https://press.example.kg/", "timezone": "Asia/Bishkek"},
    "divisions": [
        {"id": "pr", "name": "Отдел по связям с общественностью"},
        {"id": "transport", "name": "Управление транспорта"},
    ],
    "people": [
        {
            "id": "petrov",
            "name": "Петров Иван",
            "roles": ["press_secretary"],
            "division": "transport",
            "emails": ["petrov@example.kg"],
        },
        {"id": "aliev", "name": "Алиев Марат", "roles": ["pr_department"], "division": "pr"},
    ],
    "rules": {"types": {"press-release": {"approval_hash": "optional"}}},
}
LEGACY = """---
title: "Старый выпуск"
date: 2026-10-01T10:00:00+06:00
author: petrov
status: approved
approval:
  by: aliev
  at: 2026-10-01T09:00:00+06:00
---

Согласовано до введения хеша.
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "press-releases").mkdir(parents=True)
    (root / "config.yaml").write_text(yaml.safe_dump(CONFIG, allow_unicode=True), encoding="utf-8")
    return root


def fill(path: Path) -> None:
    """Write the item's own text over every placeholder `new` left (load/skeleton.py)."""
    text = path.read_text(encoding="utf-8").replace('summary: ""', 'summary: "Кратко о главном."')
    text = text.replace('claim: ""', 'claim: "Утверждение."').replace('fact: ""', 'fact: "Факт."')
    for placeholder in PLACEHOLDERS:
        if placeholder.text:
            text = text.replace(placeholder.text, "Свой текст.")
    path.write_text(text, encoding="utf-8")


def run(capsys, *args: str) -> tuple[int, str, str]:
    require_now(args)
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_new_check_fix_approve_build(site, capsys):
    code, out, _ = run(
        capsys,
        "new",
        "press-release",
        "Новый бюджет города",
        "--root",
        str(site),
        "--author",
        "petrov",
        "--now",
        NOW,
    )
    assert code == 0
    rel = out.strip()
    assert rel == "content/press-releases/2026/novyi-biudzhet-goroda.md"
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert 'title: "Новый бюджет города"' in text
    assert "\ndate:" not in text and "# date: 2026-11-23T10:00  # эмбарго" in text  # out when approved
    assert "author: petrov" in text and "division: transport" in text and "status: draft" in text

    assert run(capsys, "check", "--root", str(site), "--now", NOW)[0] == 0  # a fresh draft is fine

    path.write_text(text.replace("author: petrov", "autor: petrov"), encoding="utf-8")
    code, _, err = run(capsys, "check", "--root", str(site), "--now", NOW)
    assert code == 1
    assert f"{rel}:6:" in err
    assert "подсказка:" in err  # Russian by default, with a hint
    assert "author" in err  # the hint points to the right key

    path.write_text(
        text.replace("Первый абзац — главное: кто, что, когда и где.", "Бюджет города на 2027 год принят."),
        encoding="utf-8",
    )
    fill(path)
    assert run(capsys, "check", "--root", str(site), "--now", NOW)[0] == 0

    code, out, err = run(
        capsys, "approve", str(path), "--by", "aliev", "--yes", "--root", str(site), "--now", MINUTE_LATER
    )
    assert code == 0, err
    assert "Новый бюджет города" in out and "согласовано" in out

    code, out, err = run(capsys, "build", "--root", str(site), "--now", LATER)
    assert code == 0, err
    page = site / "output/press-releases/novyi-biudzhet-goroda/index.html"
    assert page.is_file()
    html = page.read_text(encoding="utf-8")
    assert "Бюджет города на 2027 год принят." in html
    assert "__sb" not in html and "ЧЕРНОВИК" not in html  # serve-only additions never reach a build


def test_new_never_overwrites_and_explains(site, capsys):
    args = ("new", "rebuttal", "Ложь о тарифах", "--root", str(site), "--author", "petrov", "--now", NOW)
    assert run(capsys, *args)[0] == 0
    path = site / "content/rebuttals/2026/lozh-o-tarifakh.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nМоя правка.\n", encoding="utf-8")
    code, _, err = run(capsys, *args)
    assert code == 1
    assert "NEW_EXISTS" in err and "не перезаписан" in err and "--slug" in err
    assert "Моя правка." in path.read_text(encoding="utf-8")

    code, _, err = run(
        capsys, "new", "press-release", "Тест", "--root", str(site), "--author", "nobody", "--now", NOW
    )
    assert code == 1 and "UNKNOWN_PERSON" in err and "petrov" in err


@pytest.mark.parametrize("kind", ["press-release", "rebuttal", "announcement", "media-plan"])
def test_every_skeleton_passes_check(site, capsys, kind):
    code, out, _ = run(
        capsys,
        "new",
        kind,
        "Заголовок материала",
        "--root",
        str(site),
        "--author",
        "petrov",
        "--date",
        "2026-12-01T10:00",
        "--now",
        NOW,
    )
    assert code == 0
    assert out.strip().startswith(f"content/{kind}s/2026/zagolovok-materiala")
    assert "date: 2026-12-01T10:00:00+06:00" in (site / out.strip()).read_text(encoding="utf-8")
    code, out, err = run(capsys, "check", "--root", str(site), "--now", NOW)
    assert code == 0, err


def test_new_takes_author_from_git_email(site, capsys):
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    subprocess.run(["git", "-C", str(site), "config", "user.email", "Petrov@example.kg"], check=True)
    code, out, _ = run(capsys, "new", "announcement", "Пресс-конференция", "--root", str(site), "--now", NOW)
    assert code == 0
    text = (site / out.strip()).read_text(encoding="utf-8")
    assert "author: petrov" in text and "division: transport" in text


def test_status_groups_items_and_exports_csv(site, capsys):
    (site / "content/press-releases/old.md").write_text(LEGACY, encoding="utf-8")
    run(capsys, "new", "press-release", "Черновик", "--root", str(site), "--author", "petrov", "--now", NOW)
    run(
        capsys,
        "new",
        "press-release",
        "Завтра",
        "--root",
        str(site),
        "--author",
        "petrov",
        "--date",
        "2026-11-23",
        "--now",
        NOW,
    )
    tomorrow = site / "content/press-releases/2026/zavtra.md"
    fill(tomorrow)
    assert (
        run(capsys, "approve", str(tomorrow), "--by", "aliev", "--yes", "--root", str(site), "--now", NOW)[0]
        == 0
    )
    broken = site / "content/press-releases/broken.md"
    broken.write_text('---\ntitle: "Сломан"\nstatus: approved\n---\nТекст\n', encoding="utf-8")

    code, out, _ = run(capsys, "status", "--root", str(site), "--now", NOW)
    assert code == 0
    assert "Черновики (1)" in out and "content/press-releases/2026/chernovik.md" in out
    assert "Согласованы, ждут публикации (1)" in out and "выйдет 2026-11-23 00:00" in out
    assert "Опубликованы (1)" in out and "«Старый выпуск»" in out
    assert "С ошибками — не будут опубликованы (1)" in out and "APPROVAL_MISSING" in out

    code, out, _ = run(capsys, "status", "--root", str(site), "--now", NOW, "--format", "csv")
    assert code == 0
    rows = {r["item"]: r for r in csv.DictReader(io.StringIO(out))}
    assert list(next(csv.reader(io.StringIO(out)))) == [
        "item",
        "type",
        "title",
        "author",
        "approver",
        "approval_time",
        "publication_time",
        "state",
        "legacy_approval",
    ]
    old = rows["content/press-releases/old.md"]
    assert old["state"] == "published" and old["approver"] == "aliev" and old["legacy_approval"] == "yes"
    assert old["approval_time"] == "2026-10-01T09:00:00+06:00"
    assert old["publication_time"] == "2026-10-01T10:00:00+06:00"
    scheduled = rows["content/press-releases/2026/zavtra.md"]
    assert scheduled["state"] == "scheduled" and scheduled["legacy_approval"] == "no"
    assert rows["content/press-releases/broken.md"]["state"] == "invalid"


def test_schema_writes_one_schema_per_type_and_config(site, capsys):
    code, out, _ = run(capsys, "schema", "--root", str(site))
    assert code == 0
    assert "schemas/press-release.schema.json" in out
    folder = site / "schemas"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "announcement.schema.json",
        "config.schema.json",
        "media-plan.schema.json",
        "media-request.schema.json",
        "monitoring.schema.json",
        "press-release.schema.json",
        "question.schema.json",
        "rebuttal.schema.json",
    ]
    release = json.loads((folder / "press-release.schema.json").read_text(encoding="utf-8"))
    assert release["additionalProperties"] is False  # a typo like `aproved_by:` is flagged in the editor
    assert {"title", "date", "status", "approval"} <= release["properties"].keys()
    assert release["required"] == ["title"]
    announcement = json.loads((folder / "announcement.schema.json").read_text(encoding="utf-8"))
    assert "event" in announcement["required"]
    config = json.loads((folder / "config.schema.json").read_text(encoding="utf-8"))
    assert "site" in config["required"] and "people" in config["properties"]
    plan = json.loads((folder / "media-plan.schema.json").read_text(encoding="utf-8"))
    assert "from" in plan["$defs"]["Period"]["properties"]  # the key editors write, not from_


def test_status_says_why_an_item_edited_after_approval_stays_out(site, capsys):
    run(
        capsys,
        "new",
        "press-release",
        "Правка",
        "--root",
        str(site),
        "--author",
        "petrov",
        "--date",
        "2026-11-23",
        "--now",
        NOW,
    )
    path = site / "content/press-releases/2026/pravka.md"
    fill(path)
    assert (
        run(capsys, "approve", str(path), "--by", "aliev", "--yes", "--root", str(site), "--now", NOW)[0] == 0
    )
    path.write_text(path.read_text(encoding="utf-8") + "Дописано.\n", encoding="utf-8")
    code, out, _ = run(capsys, "status", "--root", str(site), "--now", NOW)
    assert code == 0
    group = out[out.index("С ошибками — не будут опубликованы (1)") :]
    assert "content/press-releases/2026/pravka.md" in group and "APPROVAL_HASH_MISMATCH" in group


def test_command_line_messages_come_from_the_catalog(site, capsys):
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    import site_builder
    from site_builder.commands import progress, serve, status

    package = Path(site_builder.__file__).parent
    msgids = {m for _f, _l, m, _c, _x in extract_from_dir(str(package), keywords={"word": None})}
    msgids |= {*serve.TEXTS.values(), *status.HEADINGS.values(), *progress.LABELS.values()}
    assert (
        "built {count} files ({pages} pages) into {output} in {seconds:.2f} s" in msgids and len(msgids) > 35
    )
    with (package / "locale/ru/LC_MESSAGES/site_builder.po").open("rb") as handle:
        russian = {m.id: m.string for m in read_po(handle) if m.id}
    assert not [m for m in msgids if not russian.get(m)]
    code, out, _ = run(capsys, "build", "--root", str(site), "--now", NOW)  # after HISTORY_UNKNOWN
    assert code == 0 and out.splitlines()[-1].startswith("собрано файлов: ")
    code, out, _ = run(capsys, "build", "--root", str(site), "--now", NOW, "--lang", "en", "--no-cache")
    assert code == 0 and out.splitlines()[-1].startswith("built ")


def test_example_site_validates_against_its_schemas(tmp_path):
    """What a YAML-aware editor checks agrees with `check` on every example file."""
    import jsonschema

    from site_builder.commands.schema import schemas
    from site_builder.load import frontmatter, yamlsafe
    from site_builder.load.content import SECTIONS

    root = Path(__file__).parent.parent
    found = schemas()
    # Editors' YAML servers enforce "format: date-time", which demands an offset that the
    # contract lets editors leave out; the schemas give a pattern instead.
    assert '"date-time"' not in json.dumps(found)
    config, _lines, problems = yamlsafe.load(
        (root / "config.yaml").read_text(encoding="utf-8"), "config.yaml"
    )
    assert not problems
    jsonschema.validate(config, found["config.schema.json"])
    checked = 0
    for path in sorted((root / "content").rglob("*.md")):
        section = path.relative_to(root / "content").parts[0]
        kind = {**SECTIONS, "media-requests": "media-request", "monitoring": "monitoring"}.get(section)
        if kind is None:
            continue
        document, problems = frontmatter.read(path.read_bytes(), str(path))
        assert document is not None and not problems, path
        jsonschema.validate(document.data, found[f"{kind}.schema.json"])
        checked += 1
    assert checked > 30
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "x", "date": "20.11.2026"}, found["press-release.schema.json"])


def test_the_command_exits_at_once_but_flushes_its_output_and_waits_for_threads(tmp_path):
    """`cli.run` ends the process without Python's shutdown, after the exit handlers and a
    flush of the output streams; while another thread still works, it exits as usual."""
    script = """
import sys, threading, time
from site_builder import cli

def main():
    print("x" * 200_000)  # the newline, at least, is still in the buffer when main returns
    if sys.argv[1] == "thread":
        threading.Thread(target=lambda: (time.sleep(0.3), open(sys.argv[2], "w").write("done"))).start()
    return 3

cli.main = main
cli.run()
"""
    for mode in ("plain", "thread"):
        marker = tmp_path / f"{mode}.txt"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
        done = subprocess.run(
            [sys.executable, "-c", script, mode, str(marker)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert done.returncode == 3 and done.stdout == "x" * 200_000 + "\n"
        assert marker.exists() == (mode == "thread")


def test_the_command_under_a_profiler_exits_as_usual_so_the_report_is_written(tmp_path):
    script = tmp_path / "command.py"
    script.write_text("from site_builder import cli\ncli.main = lambda: 0\ncli.run()\n", encoding="utf-8")
    report = tmp_path / "run.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(report), str(script)], capture_output=True, timeout=60
    )
    assert done.returncode == 0 and report.stat().st_size > 0


def test_the_command_started_with_its_output_closed_still_exits_with_its_code(tmp_path):
    script = "from site_builder import cli\ncli.main = lambda: 3\ncli.run()\n"
    done = subprocess.run(["sh", "-c", f'exec "{sys.executable}" -c "$0" >&-', script], capture_output=True)
    assert done.returncode == 3 and b"Traceback" not in done.stderr
