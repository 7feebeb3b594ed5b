"""Issue 22, T1/T2/W4/W5: control characters, extreme dates, empty list entries and keys that
are not text are each a diagnostic with file and line from `check` and `build` alike: exit 1,
no traceback, the previous output/ left as it was.

A CLI run costs a second or more, so the cases are batched: every content case is a file of its
own in one site, checked once and built once (`batch`); the config cases share a few sites (one
config each). Each case is still asserted on its own, for both commands. The cases the issue
names also run alone in a site (`test_the_issue_s_case_alone`), for a direct failure."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sitekit import NOW, approve_records, config_dict, config_text, item, make_site, run_cli, tree

from site_builder.speed.session import Session

LINE = re.compile(
    r"^(?P<path>\S.*?):(?P<line>\d+)?:? (?P<severity>error|warning|info) (?P<code>[A-Z_]+) (?P<msg>.*)$"
)


def found(output: str) -> list[tuple[str, int, str, str, str]]:
    """(path, line, severity, code, message) of every problem printed."""
    rows = []
    for raw in output.splitlines():
        m = LINE.match(raw)
        if m:
            rows.append((m["path"], int(m["line"] or 0), m["severity"], m["code"], m["msg"]))
    return rows


def line_of(text: str, marker: str) -> int:
    """The file line of the first line holding `marker`."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if marker in line)


# --- T1: characters no page or feed may hold ------------------------------------------------

CHARS = {
    "vertical-tab": "\x0b",  # Word's Shift+Enter, pasted
    "form-feed": "\x0c",
    "escape": "\x1b",
    "u0001": "\x01",
    "ufffe": "\ufffe",
    "uffff": "\uffff",
    "delete": "\x7f",
    "c1-nel": "\x85",
    "c1-csi": "\x9b",
    "nonchar-fdd0": "\ufdd0",
}

PRESS = """---
title: "Заголовок @title@"
date: 2026-11-20T10:00:00+06:00
summary: "Кратко @summary@"
division: transport
author: petrov
corrections:
  - at: 2026-11-21T10:00:00+06:00
    note: "Исправлено @note@"
status: approved
approval:
  by: aliev
  at: 2026-11-20T09:00:00+06:00
---
Первый абзац.

Текст @body@ тела.
"""
ANNOUNCEMENT = """---
title: Пресс-конференция
date: 2026-11-20T10:00:00+06:00
division: transport
author: petrov
event:
  kind: press_conference
  starts: 2026-11-25T11:00:00+06:00
  location: Мэрия, зал 1
  speakers:
    - name: "Иванов @x@"
      position: Мэр
status: approved
approval:
  by: aliev
  at: 2026-11-20T09:00:00+06:00
---
Текст.
"""
PLAN = """---
title: План
date: 2026-11-01T10:00:00+06:00
division: pr
author: petrov
period:
  from: 2026-11-01
  to: 2026-11-30
entries:
  - date: 2026-11-10
    channel: site
    outlet: Сайт
    topic: "Тема @x@"
    responsible: pr
status: approved
approval:
  by: aliev
  at: 2026-10-30T09:00:00+06:00
---
План.
"""
REBUTTAL = """---
title: Опровержение
date: 2026-11-20T10:00:00+06:00
division: transport
author: petrov
original:
  outlet: Вести
  title: Ложь
detected_at: 2026-11-19T09:00:00+06:00
facts:
  - claim: "Школы закрывают @x@"
    fact: Школы работают
status: approved
approval:
  by: aliev
  at: 2026-11-20T09:00:00+06:00
---
Текст.
"""
REQUEST = """---
outlet: "Газета @x@"
topic: Ремонт дорог
received: 2026-11-02
answered: 2026-11-05
public: true
---
"""
# (place, template, placeholder, section): every text that reaches an output
PLACES = [
    ("body", PRESS, "@body@", "press-releases"),
    ("title", PRESS, "@title@", "press-releases"),
    ("summary", PRESS, "@summary@", "press-releases"),
    ("correction-note", PRESS, "@note@", "press-releases"),
    ("event-speaker", ANNOUNCEMENT, "@x@", "announcements"),
    ("plan-entry", PLAN, "@x@", "media-plans"),
    ("rebuttal-claim", REBUTTAL, "@x@", "rebuttals"),
    ("media-request", REQUEST, "@x@", "media-requests"),
]


def _clean(text: str) -> str:
    return re.sub(r" ?@[a-z]+@", "", text)


def char_cases() -> list[tuple[str, str, str, int, str, str]]:
    """(id, path, text, line, code, what the message must say) for each character × place,
    once as the character itself and once as a YAML escape in a double-quoted value."""
    cases = []
    for char_id, char in CHARS.items():
        code = f"U+{ord(char):04X}"
        for place, template, marker, section in PLACES:
            for form in ("raw", "escape"):
                if form == "escape" and place == "body":
                    continue  # Markdown has no escapes that make one (entities become U+FFFD)
                written = char if form == "raw" else f"\\u{ord(char):04X}"
                text = _clean(template.replace(marker, f"x{written}y"))
                line = line_of(text, f"x{written}y")
                path = f"content/{section}/{char_id}-{place}-{form}.md"
                if form == "raw":  # the message says which, what it is, and where
                    column = text.split("\n")[line - 1].index(char) + 1
                    cases.append(
                        (
                            f"{char_id}-{place}-raw",
                            path,
                            text,
                            line,
                            "BAD_CHAR",
                            f"{code} (*) at column {column}",
                        )
                    )
                else:
                    cases.append(
                        (
                            f"{char_id}-{place}-escape",
                            path,
                            text,
                            line,
                            "BAD_TEXT",
                            f"contains the invisible character {code} (*)",
                        )
                    )
    return cases


CHAR_CASES = char_cases()
GOOD = {"content/press-releases/good.md": item("Хороший материал", tags=["город"])}


def attachment_cases() -> list[tuple[str, str, str]]:
    """(id, file written, path the message shows) for names holding such a character."""
    return [
        (
            "attachment",
            "content/press-releases/bundle/отчёт\x0b2026.pdf",
            "content/press-releases/bundle/отчёт[U+000B]2026.pdf",
        ),
        ("folder", "content/press-releases/pa\x1bpka/index.md", "content/press-releases/pa[U+001B]pka"),
        ("item", "content/press-releases/и\ufffe.md", "content/press-releases/и[U+FFFE].md"),
    ]


def _matches(message: str, pattern: str) -> bool:
    return re.search(re.escape(pattern).replace(r"\(\*\)", r"\(.+\)"), message) is not None


# --- T2: dates out of range -------------------------------------------------------------------

MOMENTS = [
    "0001-01-01T00:00:00+06:00",
    "9999-12-31T23:00:00Z",
    "1899-12-31T23:59:00+06:00",
    "3000-01-01T00:00:00+06:00",
]
DAYS = ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"]
WITHDRAWN = PRESS.replace(
    "status: approved", "status: withdrawn\nwithdrawn:\n  at: 2026-11-21T12:00:00+06:00\n  reason: Ошибка"
)
ANNOUNCEMENT_DATES = ANNOUNCEMENT.replace(
    "  location: Мэрия, зал 1\n",
    "  ends: 2026-11-25T12:00:00+06:00\n  location: Мэрия, зал 1\n"
    "  accreditation:\n    how: По телефону\n    deadline: 2026-11-24T18:00:00+06:00\n"
    "  changes:\n    - at: 2026-11-21T10:00:00+06:00\n      note: Перенос зала\n",
)
REBUTTAL_DATES = REBUTTAL.replace(
    "  title: Ложь\n", "  title: Ложь\n  published: 2026-11-19T08:00:00+06:00\n"
)
# (field, template, the default it replaces, section, kind of value)
DATE_FIELDS = [
    ("date", PRESS, "date: 2026-11-20T10:00:00+06:00", "press-releases", "moment"),
    ("approval.at", PRESS, "  at: 2026-11-20T09:00:00+06:00", "press-releases", "moment"),
    ("corrections.at", PRESS, "  - at: 2026-11-21T10:00:00+06:00", "press-releases", "moment"),
    ("withdrawn.at", WITHDRAWN, "  at: 2026-11-21T12:00:00+06:00", "press-releases", "moment"),
    ("event.starts", ANNOUNCEMENT_DATES, "  starts: 2026-11-25T11:00:00+06:00", "announcements", "moment"),
    ("event.ends", ANNOUNCEMENT_DATES, "  ends: 2026-11-25T12:00:00+06:00", "announcements", "moment"),
    (
        "event.changes.at",
        ANNOUNCEMENT_DATES,
        "    - at: 2026-11-21T10:00:00+06:00",
        "announcements",
        "moment",
    ),
    (
        "accreditation.deadline",
        ANNOUNCEMENT_DATES,
        "    deadline: 2026-11-24T18:00:00+06:00",
        "announcements",
        "moment",
    ),
    ("detected_at", REBUTTAL_DATES, "detected_at: 2026-11-19T09:00:00+06:00", "rebuttals", "moment"),
    ("original.published", REBUTTAL_DATES, "  published: 2026-11-19T08:00:00+06:00", "rebuttals", "moment"),
    ("period.from", PLAN, "  from: 2026-11-01", "media-plans", "day"),
    ("period.to", PLAN, "  to: 2026-11-30", "media-plans", "day"),
    ("entries.date", PLAN, "  - date: 2026-11-10", "media-plans", "day"),
    ("received", REQUEST, "received: 2026-11-02", "media-requests", "day"),
    ("answered", REQUEST, "answered: 2026-11-05", "media-requests", "day"),
]


def date_cases() -> list[tuple[str, str, str, int]]:
    cases = []
    for field, template, default, section, kind in DATE_FIELDS:
        assert template.count(default) == 1, field
        for index, value in enumerate(MOMENTS if kind == "moment" else DAYS):
            key = default.rpartition(": ")[0]
            text = _clean(template).replace(default, f"{key}: {value}")
            path = f"content/{section}/{field.replace('.', '-')}-{index}.md"
            cases.append((f"{field}={value}", path, text, line_of(text, f"{key}: {value}")))
    return cases


DATE_CASES = date_cases()

# --- W5: keys that are not text, W4/W1-like: empty entries ----------------------------------

KEY_CASES = [
    ("top-1", "content/press-releases/key-1.md", item("Ключ").replace("status:", "1: x\nstatus:"), "1: x"),
    (
        "top-yes",
        "content/press-releases/key-yes.md",
        item("Ключ").replace("status:", "yes: x\nstatus:"),
        "yes: x",
    ),
    (
        "top-null",
        "content/press-releases/key-null.md",
        item("Ключ").replace("status:", "~: x\nstatus:"),
        "~: x",
    ),
    (
        "nested",
        "content/press-releases/key-nested.md",
        item("Ключ").replace("  by: aliev", "  by: aliev\n  on: x"),
        "on: x",
    ),
    (
        "in-list",
        "content/media-plans/key-list.md",
        _clean(PLAN).replace("    responsible: pr", "    responsible: pr\n    2.5: x"),
        "2.5: x",
    ),
    (
        "list-as-key",
        "content/press-releases/key-list.md",
        item("Ключ").replace("status:", "[a, b]: x\nstatus:"),
        "[a, b]: x",
    ),
    (
        "media-request",
        "content/media-requests/key.md",
        _clean(REQUEST).replace("public: true", "public: true\nno: x"),
        "no: x",
    ),
]
EMPTY_CASES = [
    ("tag-empty", "content/press-releases/tag-empty.md", item("Теги", tags=["город", ""]), "- ''"),
    ("tag-blank", "content/press-releases/tag-blank.md", item("Теги", tags=["   "]), "- '   '"),
]


def _config(**changes) -> str:
    config = config_dict()
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = config
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target.setdefault(part, {})
        target[last] = value
    return config_text(config)


# The config cases, grouped by the stage of loading that finds them (a stage that finds an
# error stops the later ones): each group is one site whose config holds all its cases.
# (id, group, text of CONFIG_BASE, what replaces it, code); the line to blame ends in "# <id>".
CONFIG_BASE = _config(**{"rules.restricted_markers": ["ДСП"], "calendar": {"extra_days_off": ["2026-12-31"]}})
TITLE = "  title: Пресс-служба мэрии\n"
CONFIG_CASES = [
    ("marker-empty", "values", "  - ДСП\n", "  - ''  # marker-empty\n  - ДСП\n", "EMPTY_ENTRY"),
    ("marker-blank", "values", "  - ДСП\n", "  - ДСП\n  - '  '  # marker-blank\n", "EMPTY_ENTRY"),
    ("email-empty", "values", "  - aliev@example.kg\n", "  - ''  # email-empty\n", "EMPTY_ENTRY"),
    (
        "active-0001",
        "values",
        "    from: '2020-01-01'\n    to: '2024-12-31'\n",
        "    from: '0001-01-01'  # active-0001\n",
        "DATE_RANGE",
    ),
    ("day-off-9999", "values", "  - '2026-12-31'\n", "  - '9999-12-31'  # day-off-9999\n", "DATE_RANGE"),
    ("key-number", "keys", "  timezone:", "  1: x  # key-number\n  timezone:", "KEY_NOT_TEXT"),
    ("key-yes", "keys", "\nrules:\n", "\nyes: x  # key-yes\nrules:\n", "KEY_NOT_TEXT"),
    ("title-escape", "keys", TITLE, '  title: "Пресс\\uFFFEслужба"  # title-escape\n', "BAD_TEXT"),
    ("title-raw", "characters", TITLE, "  title: Пресс\x0bслужба  # title-raw\n", "BAD_CHAR"),
]


def config_groups() -> dict[str, tuple[str, dict[str, tuple[int, str]]]]:
    """group → (its config text, case id → (line, code))."""
    groups: dict[str, tuple[str, dict[str, tuple[int, str]]]] = {}
    for case_id, group, old, new, code in CONFIG_CASES:
        text, cases = groups.get(group, (CONFIG_BASE, {}))
        assert text.count(old) == 1, case_id
        groups[group] = (text.replace(old, new), {**cases, case_id: (0, code)})
    return {
        group: (
            text,
            {case_id: (line_of(text, f"  # {case_id}"), code) for case_id, (_, code) in cases.items()},
        )
        for group, (text, cases) in groups.items()
    }


CONFIG_GROUPS = config_groups()


# --- the runs: every content case in one site, the config cases in a few -----------------------


class Row(NamedTuple):
    path: str
    line: int
    severity: str
    code: str
    message: str


class Run(NamedTuple):
    status: int
    output: str  # stdout and stderr
    rows: list[Row]

    def about(self, path: str) -> str:
        """What a failed assertion shows: the exit code and the problems of `path`."""
        mine = "\n".join(map(str, (r for r in self.rows if r.path == path))) or "none"
        return f"exit {self.status}; problems of {path}:\n{mine}\noutput ends:\n{self.output[-1500:]}"


def run(command: str, root: Path) -> Run:
    """`check --format json` or `build` (problems as text), in English."""
    if command == "check":
        status, out, err = run_cli("check", "--now", NOW, "--lang", "en", "--format", "json", cwd=root)
        try:
            rows = [
                Row(p["path"], p["line"], p["severity"], p["code"], p["message"]) for p in json.loads(out)
            ]
        except (ValueError, KeyError, TypeError):
            pytest.fail(f"`check --format json` printed no list of problems:\n{out}{err}")
    else:
        status, out, err = run_cli(command, "--now", NOW, "--lang", "en", cwd=root)
        rows = [Row(*r) for r in found(out + err)]
    return Run(status, out + err, rows)


def errors(result: Run) -> list[tuple[str, int, str]]:
    return sorted((r.path, r.line, r.code) for r in result.rows if r.severity == "error")


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory) -> Path:
    """GOOD, built: every site below starts as a copy, output/ and all."""
    root = make_site(tmp_path_factory.mktemp("clean"), GOOD)
    status, out, err = run_cli("build", "--now", NOW, cwd=root)
    assert status == 0, out + err
    return root


def copy_of(clean: Path, into: Path) -> Path:
    root = into / "site"
    shutil.copytree(clean, root, symlinks=True)
    return root


class Case(NamedTuple):
    id: str
    path: str
    text: str
    line: int
    code: str


CASES = (
    [Case(i, path, text, line, code) for i, path, text, line, code, _says in CHAR_CASES]
    + [Case(i, path, text, line, "DATE_RANGE") for i, path, text, line in DATE_CASES]
    + [Case(i, path, text, line_of(text, marker), "KEY_NOT_TEXT") for i, path, text, marker in KEY_CASES]
    + [Case(i, path, text, line_of(text, marker), "EMPTY_ENTRY") for i, path, text, marker in EMPTY_CASES]
)
BY_ID = {case.id: case for case in CASES}
assert len(BY_ID) == len(CASES) == len({case.path for case in CASES})


class Batch(NamedTuple):
    runs: dict[str, Run]
    before: dict[str, str]
    after: dict[str, str]


@pytest.fixture(scope="module")
def batch(clean_site, tmp_path_factory) -> Batch:
    """Every content case a file of its own in one site (and the bad names): checked, then built."""
    root = copy_of(clean_site, tmp_path_factory.mktemp("batch"))
    before = tree(root / "output")
    for case in CASES:
        (root / case.path).parent.mkdir(parents=True, exist_ok=True)
        (root / case.path).write_text(case.text, encoding="utf-8")
    (root / "content/press-releases/bundle").mkdir(parents=True)
    (root / "content/press-releases/bundle/index.md").write_text(item("Вложение"), encoding="utf-8")
    for _id, written, _shown in attachment_cases():
        target = root / written
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item("Имя") if written.endswith(".md") else "%PDF-1.4", encoding="utf-8")
    runs = {command: run(command, root) for command in ("check", "build")}
    return Batch(runs, before, tree(root / "output"))


@pytest.mark.parametrize("command", ["check", "build"])
def test_every_case_fails_the_run_and_nothing_else_does(batch, command):
    result = batch.runs[command]
    assert result.status == 1, result.output[-3000:]
    for crash in ("Traceback", "ValueError", "OverflowError"):
        assert crash not in result.output, result.output
    assert batch.after == batch.before
    names = [(shown, 0, "FILE_NAME_CHAR") for _id, _written, shown in attachment_cases()]
    assert errors(result) == sorted([(case.path, case.line, case.code) for case in CASES] + names)


# --- T1 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    ("path", "line", "code", "says"), [c[1:2] + c[3:] for c in CHAR_CASES], ids=[c[0] for c in CHAR_CASES]
)
def test_a_bad_character_is_named_with_its_line(batch, command, path, line, code, says):
    result = batch.runs[command]
    assert result.status == 1 and "Traceback" not in result.output and "ValueError" not in result.output
    assert batch.after == batch.before
    rows = [r for r in result.rows if r.path == path]
    assert [(r.line, r.severity, r.code) for r in rows] == [(line, "error", code)], result.about(path)
    assert _matches(rows[0].message, says), rows[0].message


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    ("written", "shown"), [c[1:] for c in attachment_cases()], ids=[c[0] for c in attachment_cases()]
)
def test_a_bad_character_in_a_name_is_reported_without_printing_it(batch, command, written, shown):
    result = batch.runs[command]
    assert (shown, 0, "error", "FILE_NAME_CHAR") in [r[:4] for r in result.rows], result.about(shown)
    assert "\x0b" not in result.output and "\x1b" not in result.output and "\ufffe" not in result.output


# --- T2 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(("path", "line"), [(c[1], c[3]) for c in DATE_CASES], ids=[c[0] for c in DATE_CASES])
def test_an_extreme_date_is_named_with_its_line(batch, command, path, line):
    result = batch.runs[command]
    assert result.status == 1 and "Traceback" not in result.output and "OverflowError" not in result.output
    assert batch.after == batch.before
    rows = [r for r in result.rows if r.path == path and r.severity == "error"]
    assert [(r.line, r.code) for r in rows] == [(line, "DATE_RANGE")], result.about(path)
    assert "between 1900-01-01 and 2999-12-31" in result.output  # the hint


# --- W5, and W4 in content ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    ("path", "text", "marker"), [c[1:] for c in KEY_CASES], ids=[c[0] for c in KEY_CASES]
)
def test_a_key_that_is_not_text_is_named_on_its_line(batch, command, path, text, marker):
    result = batch.runs[command]
    assert result.status == 1 and "Traceback" not in result.output
    assert batch.after == batch.before
    rows = [r for r in result.rows if r.path == path and r.severity == "error"]
    assert [(r.line, r.code) for r in rows] == [(line_of(text, marker), "KEY_NOT_TEXT")], result.about(path)
    assert "is not text" in rows[0].message
    assert "has the value" not in result.output


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    ("path", "text", "marker"), [c[1:] for c in EMPTY_CASES], ids=[c[0] for c in EMPTY_CASES]
)
def test_an_empty_tag_is_refused(batch, command, path, text, marker):
    result = batch.runs[command]
    assert result.status == 1 and "Traceback" not in result.output
    assert batch.after == batch.before
    rows = [r for r in result.rows if r.path == path and r.severity == "error"]
    assert [(r.line, r.code) for r in rows] == [(line_of(text, marker), "EMPTY_ENTRY")], result.about(path)


# --- config.yaml ----------------------------------------------------------------------------


class ConfigRuns(NamedTuple):
    runs: dict[str, Run]
    before: dict[str, str]
    after: dict[str, str]


@pytest.fixture(scope="module")
def config_runs(clean_site, tmp_path_factory) -> dict[str, ConfigRuns]:
    """Each group's config in a copy of the clean site: checked, then built."""
    results = {}
    for group, (text, _cases) in CONFIG_GROUPS.items():
        root = copy_of(clean_site, tmp_path_factory.mktemp(f"config-{group}"))
        before = tree(root / "output")
        (root / "config.yaml").write_text(text, encoding="utf-8")
        runs = {command: run(command, root) for command in ("check", "build")}
        results[group] = ConfigRuns(runs, before, tree(root / "output"))
    return results


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("group", list(CONFIG_GROUPS))
def test_a_bad_config_fails_with_each_of_its_cases_and_nothing_else(config_runs, group, command):
    runs, before, after = config_runs[group]
    result = runs[command]
    assert result.status == 1 and "Traceback" not in result.output, result.output
    assert "RESTRICTED_MARKER" not in result.output
    assert after == before
    expected = sorted(("config.yaml", line, code) for line, code in CONFIG_GROUPS[group][1].values())
    assert errors(result) == expected, result.output


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    ("case_id", "group"), [c[:2] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES]
)
def test_a_bad_config_entry_is_named_on_its_config_line(config_runs, case_id, group, command):
    runs, before, after = config_runs[group]
    result = runs[command]
    line, code = CONFIG_GROUPS[group][1][case_id]
    assert result.status == 1 and "Traceback" not in result.output, result.output
    assert "RESTRICTED_MARKER" not in result.output
    assert after == before
    rows = [r for r in result.rows if r.severity == "error" and r.line == line]
    assert [(r.path, r.code) for r in rows] == [("config.yaml", code)], result.output


# --- the issue's cases, each alone in a site, as an editor would run them -------------------

W4_CONFIG = _config(**{"rules.restricted_markers": ["", "ДСП"]})
# (id, the cases' files, config, the problems expected, what the (Russian) output must say)
ISSUE_CASES = [
    (
        "T1-vertical-tab-in-a-body",
        ["vertical-tab-body-raw"],
        None,
        "невидимый символ U+000B (вертикальная табуляция: так Word вставляет перенос строки) в столбце",
    ),
    ("T1-uFFFE-escape-in-a-title", ["ufffe-title-escape"], None, "U+FFFE"),
    ("T2-approval.at-0001-01-01", ["approval.at=0001-01-01T00:00:00+06:00"], None, "0001-01-01"),
    ("T2-date-9999-12-31T23:00:00Z", ["date=9999-12-31T23:00:00Z"], None, "9999-12-31"),
    ("W5-keys-1-yes-null", ["top-1", "top-yes", "top-null"], None, "KEY_NOT_TEXT"),
    ("W4-restricted-markers-empty", [], W4_CONFIG, "EMPTY_ENTRY"),
]


@pytest.mark.parametrize(
    ("case_ids", "config", "says"), [c[1:] for c in ISSUE_CASES], ids=[c[0] for c in ISSUE_CASES]
)
def test_the_issue_s_case_alone(clean_site, tmp_path: Path, case_ids, config, says):
    """`check` passed or died, then `build` died: now both name the file and the line, and the
    build leaves output/ as it was."""
    root = copy_of(clean_site, tmp_path)
    before = tree(root / "output")
    expected = sorted((BY_ID[i].path, BY_ID[i].line, BY_ID[i].code) for i in case_ids)
    for case_id in case_ids:
        (root / BY_ID[case_id].path).parent.mkdir(parents=True, exist_ok=True)
        (root / BY_ID[case_id].path).write_text(BY_ID[case_id].text, encoding="utf-8")
    if config is not None:
        (root / "config.yaml").write_text(config, encoding="utf-8")
        expected = [("config.yaml", line_of(config, "- ''"), "EMPTY_ENTRY")]
    for command in (["check"], ["build", "--strict"]):  # (all or nothing: judge/held.py is test_held's)
        status, out, err = run_cli(*command, "--now", NOW, cwd=root)
        output = out + err
        assert status == 1 and "Traceback" not in output, output
        assert sorted((r[0], r[1], r[3]) for r in found(output) if r[2] == "error") == expected, output
        assert says in output and "RESTRICTED_MARKER" not in output, output
    assert tree(root / "output") == before


# --- T2: the edges of the range; approve ----------------------------------------------------


def test_dates_at_the_edges_of_the_range_build(tmp_path: Path):
    """Dates just inside the range, shifted by the widest time zones, overflow nothing: not a
    feed, a calendar, a working-day count or a plan, whether published or embargoed."""
    edge_press = item(
        "Старая новость",
        date="1900-01-01T00:00:00+14:00",
        approval={"by": "aliev", "at": "1900-01-01T00:00:00+14:00"},
        corrections=[{"at": "2999-12-31T23:59:00-12:00", "note": "Уточнение"}],
    )
    far = item(
        "Далёкая новость",
        date="2999-12-31T23:59:00-12:00",
        approval={"by": "aliev", "at": "1900-01-01T00:00:00+14:00"},
    )
    announcement = _clean(ANNOUNCEMENT_DATES).replace(
        "2026-11-25T11:00:00+06:00", "2999-12-31T22:00:00-12:00"
    )
    announcement = announcement.replace("2026-11-25T12:00:00+06:00", "2999-12-31T23:59:00-12:00")
    plan = (
        _clean(PLAN)
        .replace("from: 2026-11-01", "from: 1900-01-01")
        .replace("to: 2026-11-30", "to: 2999-12-31")
    )
    plan = plan.replace("date: 2026-11-10", "date: 1900-01-01")
    rebuttal = _clean(REBUTTAL).replace(
        "detected_at: 2026-11-19T09:00:00+06:00", "detected_at: 1900-01-01T00:00:00+14:00"
    )
    old_request = _clean(REQUEST).replace(
        "received: 2026-11-02\nanswered: 2026-11-05\n", "received: 1900-01-01\n"
    )
    future_request = _clean(REQUEST).replace(
        "received: 2026-11-02\nanswered: 2026-11-05\n", "received: 2999-12-31\n"
    )
    root = make_site(
        tmp_path,
        {
            "content/press-releases/edge.md": edge_press,
            "content/press-releases/far.md": far,
            "content/announcements/edge.md": announcement,
            "content/media-plans/edge.md": plan,
            "content/rebuttals/edge.md": rebuttal,
            "content/media-requests/old.md": old_request,
            "content/media-requests/future.md": future_request,
        },
    )
    approve_records(root)
    code, out, err = run_cli("build", "--now", NOW, "--lang", "en", cwd=root)
    assert code == 0, out + err
    rows = found(out + err)
    assert not [r for r in rows if r[2] == "error"], out + err
    # the working days of a century are not counted one by one
    late = [r for r in rows if r[0] == "content/rebuttals/edge.md" and r[3] == "REBUTTAL_LATE"]
    assert [r[1] for r in late] == [line_of(rebuttal, "date:")] and "1000+" in late[0][4], out + err
    overdue = [r for r in rows if r[0] == "content/media-requests/old.md" and r[3] == "REQUEST_OVERDUE"]
    assert len(overdue) == 1 and "1000+" in overdue[0][4], out + err
    for page in ("press-releases/edge", "announcements/edge", "media-plans/edge", "rebuttals/edge"):
        assert (root / "output" / page / "index.html").is_file(), page
    assert not (root / "output/press-releases/far").exists()  # embargoed for nearly a thousand years


def test_approve_refuses_an_extreme_date(tmp_path: Path):
    """(`approve --at` out of range, and `new --date`: tests/test_hardening_cli.py.)"""
    rel = "content/press-releases/a.md"
    text = item("Материал", date="9999-12-31T23:00:00Z", status="review", approval=None)
    root = make_site(tmp_path, {rel: text})
    code, out, err = run_cli("approve", rel, "--by", "aliev", "--yes", "--now", NOW, cwd=root)
    assert code == 1, out + err
    assert "Traceback" not in out + err
    assert (rel, line_of(text, "date:"), "error", "DATE_RANGE") in [r[:4] for r in found(out + err)], (
        out + err
    )
    assert (root / rel).read_text(encoding="utf-8") == text


# --- the quick test that lets most files skip the exact scan ------------------------------

texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from([*CHARS.values(), "\U0001fffe", "\U0010ffff", "\ud800", "«", "\xa0", "\ufeff", "😀"]),
    ),
    max_size=40,
)


def refused(char: str) -> bool:
    """The policy, from the code point alone (XML 1.0's Char production, DEL, C1 controls
    and every noncharacter)."""
    code = ord(char)
    return (
        (code < 0x20 and char not in "\t\n\r")
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


@settings(max_examples=500, deadline=None, derandomize=True)
@given(texts)
def test_a_quick_clean_verdict_is_never_wrong(text):
    from site_builder.load import chars

    bad = [c for c in text if refused(c)]
    if chars.surely_clean(text.encode("utf-8", "surrogatepass")):
        assert not bad
    assert (chars.first_bad(text) is None) == (not bad)
    if bad:
        assert chars.first_bad(text) == bad[0]
        assert not chars.first_bad(chars.shown(text))


def test_every_code_point_is_judged_by_the_policy():
    """Every code point of the BMP, and the ends of every other plane."""
    from site_builder.load import chars

    ends = [plane * 0x10000 + low for plane in range(1, 17) for low in (*range(16), *range(0xFFF0, 0x10000))]
    for code in [*range(0x10000), *ends]:
        char = chr(code)
        assert (chars.first_bad(char) is not None) == refused(char), hex(code)
        if refused(char):
            assert not chars.surely_clean(char.encode("utf-8", "surrogatepass")), hex(code)


@pytest.mark.parametrize("folder", ["static", "templates", "static/css"])
@pytest.mark.parametrize("char", ["\x01", "\n", "\x7f", "\u0085"])
def test_a_bad_character_in_a_static_or_template_name_is_refused(tmp_path: Path, folder: str, char: str):
    """static/ names become output paths and addresses (the sitemap's, a page's links), as
    content/ names do: a control character in one is FILE_NAME_CHAR, never copied out."""
    from datetime import datetime

    from site_builder.build import build, check

    root = make_site(tmp_path, GOOD)
    name = f"a{char}b.txt"
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / name).write_text("x", encoding="utf-8")
    now = datetime.fromisoformat(NOW)
    for result in (check(root, now), build(root, now, root / "output")):
        errors = [(p.path, p.code) for p in result.problems if p.is_error]
        shown = f"{folder}/a[U+{ord(char):04X}]b.txt"
        assert errors == [(shown, "FILE_NAME_CHAR")], errors
    assert not (root / "output").exists()


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u202e", "\u2066", "\u200f"])
def test_a_separator_or_bidi_control_in_a_name_is_refused(tmp_path: Path, char: str):
    """A content file named «счет\u202efdp.exe» shows as «счетexe.pdf»: names become
    addresses, link texts and message lines, so no bidi control or line separator in one."""
    from datetime import datetime

    from site_builder.build import check

    root = make_site(tmp_path, GOOD)
    (root / "content/press-releases/bundle").mkdir(parents=True)
    (root / "content/press-releases/bundle/index.md").write_text(item("Вложение"), encoding="utf-8")
    (root / f"content/press-releases/bundle/a{char}b.pdf").write_bytes(b"%PDF-1.4")
    (root / "static").mkdir(exist_ok=True)
    (root / f"static/s{char}t.txt").write_text("x", encoding="utf-8")
    result = check(root, datetime.fromisoformat(NOW), session=Session.of(root, cache=False))
    errors = sorted((p.path, p.code) for p in result.problems if p.is_error)
    u = f"[U+{ord(char):04X}]"
    assert errors == [
        (f"content/press-releases/bundle/a{u}b.pdf", "FILE_NAME_CHAR"),
        (f"static/s{u}t.txt", "FILE_NAME_CHAR"),
    ], errors
