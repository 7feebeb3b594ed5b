"""Property (issue 22): hostile bytes in front matter and bodies never break `check` or `build`.

A small valid site (a published press release, a draft, a restricted item, a withdrawn
one, a rebuttal, an announcement, a media plan and a media request) is built once; each
example copies it, mutates one or two of its files — random text and bytes (invalid
UTF-8, every C0 and C1 control character, U+FFFE/U+FFFF, lone surrogates as YAML escapes)
spliced into front-matter values and bodies, huge and tiny dates with odd offsets, and
YAML oddities (aliases, tags, nesting, keys that are not text, duplicate keys, tabs) —
and runs `check --format json` and `build --format json` through the CLI's own `main`
in-process (its printing to a strict UTF-8 stream, as a real terminal or pipe has),
then asserts:

1. no traceback, and the exit codes are the documented ones (0 or 1) and agree;
2. every problem `build` reports (path, line, code), `check` reported first;
3. a failed build leaves `output/` byte for byte as the last successful build left it;
4. a successful build shows nothing of the draft, the restricted item, the withdrawn
   item's body or the private media request.

A few examples also go through `python -m site_builder` in a subprocess (the real entry
point, `run`, with its exit and flushing).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import tempfile
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from string import Template

import pytest
from hardkit import identity
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import NOW, approve_records, make_site, output_bytes, run_cli, tree

from site_builder.cli import main
from site_builder.load import frontmatter
from site_builder.load.approval import content_hash

EXIT_CODES = {0, 1}

# --- the base site: each file a template whose $slots hold raw YAML (or the body) ----------

PRESS = """---
title: $title
date: $date
summary: $summary
division: transport
author: petrov
tags: [$tag, город]
image_alt: $alt
corrections:
  - at: $correction_at
    note: $note
${extra}status: approved
approval:
  by: aliev
  at: $approval_at
$hash---
$body"""

DRAFT = """---
title: Черновик ZQDRAFT
date: $date
summary: $summary
division: transport
author: petrov
tags: [$tag]
${extra}status: draft
---
Текст черновика ZQDRAFT. $body"""

RESTRICTED = """---
title: Секретно ZQSECRET
date: $date
summary: $summary
division: transport
author: petrov
confidentiality: restricted
${extra}status: approved
approval:
  by: aliev
  at: $approval_at
---
Служебный текст ZQSECRET. $body"""

WITHDRAWN = """---
title: $title
date: $date
division: transport
author: petrov
withdrawn:
  at: $withdrawn_at
  reason: $reason
${extra}status: withdrawn
approval:
  by: aliev
  at: $approval_at
$hash---
Отозванный текст ZQWDBODY. $body"""

REBUTTAL = """---
title: $title
date: $date
division: education
author: petrov
original:
  outlet: $outlet
  title: $summary
  url: $url
  published: $published
detected_at: $detected_at
verdict: $verdict
facts:
  - claim: $claim
    fact: $fact
    evidence: [$url]
${extra}status: approved
approval:
  by: aliev
  at: $approval_at
$hash---
$body"""

ANNOUNCEMENT = """---
title: $title
date: $date
division: pr
author: petrov
event:
  kind: press_conference
  starts: $starts
  ends: $ends
  location: $location
  online_url: $online
  accreditation:
    how: $how
    deadline: $deadline
    url: $url
  speakers:
    - name: $speaker
      position: $position
    - $speaker
  status: $event_status
  cancel_reason: $reason
  changes:
    - at: $change_at
      note: $note
${extra}status: approved
approval:
  by: aliev
  at: $approval_at
$hash---
$body"""

PLAN = """---
title: $title
date: $date
division: pr
author: petrov
period:
  from: $from
  to: $to
entries:
  - date: $entry_date
    channel: media
    outlet: $outlet
    topic: $topic
    format: $format
    responsible: pr
    ref: $ref
${extra}status: approved
approval:
  by: aliev
  at: $approval_at
$hash---
$body"""

REQUEST = """---
received: $received
outlet: $outlet
topic: Частный запрос ZQREQUEST $topic
answered: $answered
answer_summary: $summary
public: false
${extra}---
Текст запроса ZQREQUEST. $body"""

PUBLIC_REQUEST = """---
title: $title
received: $received
outlet: $outlet
topic: $topic
answered: $answered
answer_summary: $summary
public: true
${extra}---
$body"""

DEFAULTS = {
    "title": "Заголовок материала",
    "date": "2026-11-20T10:00:00+06:00",
    "summary": "Кратко о главном",
    "tag": "транспорт",
    "alt": "Фото",
    "correction_at": "2026-11-21T10:00:00+06:00",
    "note": "Уточнено время",
    "extra": "",
    "approval_at": "2026-11-20T09:00:00+06:00",
    "withdrawn_at": "2026-11-21T12:00:00+06:00",
    "reason": "Ошибка в данных",
    "outlet": "Газета «Вести»",
    "url": "https://vesti.example.com/a",
    "published": "2026-11-19T08:00:00+06:00",
    "detected_at": "2026-11-19T09:00:00+06:00",
    "verdict": "distorted",
    "claim": "Школы закрывают",
    "fact": "Школы работают",
    "starts": "2026-11-25T11:00:00+06:00",
    "ends": "2026-11-25T12:00:00+06:00",
    "location": "Мэрия, зал 1",
    "speaker": "Мэр города",
    "position": "мэр",
    "online": "https://example.kg/live",
    "how": "Заявка по почте",
    "deadline": "2026-11-24T18:00:00+06:00",
    "event_status": "scheduled",
    "change_at": "2026-11-20T12:00:00+06:00",
    "from": "2026-11-01",
    "to": "2026-11-30",
    "entry_date": "2026-11-10",
    "topic": "Тема",
    "format": "интервью",
    "ref": "press-releases/pub.md",
    "received": "2026-11-10",
    "answered": "2026-11-12",
    "body": "Текст материала.\n\nВторой абзац с [ссылкой](https://example.kg/).\n",
}

FILES: dict[str, Template] = {
    "content/press-releases/pub.md": Template(PRESS),
    "content/press-releases/draft.md": Template(DRAFT),
    "content/press-releases/restricted.md": Template(RESTRICTED),
    "content/press-releases/withdrawn.md": Template(WITHDRAWN),
    "content/rebuttals/reb.md": Template(REBUTTAL),
    "content/announcements/ann.md": Template(ANNOUNCEMENT),
    "content/media-plans/plan.md": Template(PLAN),
    "content/media-requests/req.md": Template(REQUEST),
    "content/media-requests/public.md": Template(PUBLIC_REQUEST),
}
# What must never show in a built site, whatever happened to the other files.
HIDDEN = {
    "content/press-releases/draft.md": b"ZQDRAFT",
    "content/press-releases/restricted.md": b"ZQSECRET",
    "content/press-releases/withdrawn.md": b"ZQWDBODY",
    "content/media-requests/req.md": b"ZQREQUEST",
}


def slots_of(template: Template) -> list[str]:
    return sorted(
        {m.group("named") or m.group("braced") for m in template.pattern.finditer(template.template)}
    )


def render(rel: str, values: dict[str, str]) -> str:
    """One file's text; an approved item gets the approval hash of its (mutated) content."""
    template = FILES[rel]
    fields = DEFAULTS | {"hash": ""} | values
    text = template.substitute(fields)
    if "$hash" not in template.template:
        return text
    with contextlib.suppress(Exception):  # unparseable or odd data: no hash (it is optional)
        document, _ = frontmatter.read(text.encode("utf-8", "surrogatepass"), rel)
        if document is not None:
            key, lang = identity(rel.removeprefix("content/"), document.data)
            digest = content_hash(document.data, document.split.body, key, lang)
            return template.substitute(fields | {"hash": f'  hash: "{digest}"\n'})
    return text


# --- hostile values ---------------------------------------------------------------------------

CONTROLS = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]]
SPECIALS = ["\ufffe", "\uffff", "\ufeff", "\u2028", "\u2029", "\u200b", "\u202e", "\u00a0", "\U0010ffff"]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
YAML_MARKS = [*list("\\\"':#&*!|>%@`{}[],-?<=+"), "- ", ": ", " #", "---", "...", "<script>", "&amp;"]
nasty_chars = st.sampled_from(CONTROLS + SPECIALS + SURROGATES + YAML_MARKS)
nasty_text = st.lists(st.one_of(nasty_chars, st.characters()), max_size=12).map("".join)


def escaped(text: str) -> str:
    """A YAML double-quoted scalar holding `text` (surrogates and controls as escapes)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def offset(seconds: int) -> timezone:
    return timezone(timedelta(seconds=seconds))


DATES = [
    "0001-01-01T00:00:00+06:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00-23:59",
    "0001-01-01T05:59:59+06:00",
    "0001-01-01",
    "9999-12-31T23:00:00Z",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T23:59:59+23:59",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31T18:00:00",
    "9999-12-31",
    "1970-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "2038-01-19T03:14:08Z",
    "1900-02-28T00:00:00+05:45",
    "2026-11-20T10:00:00+23:59",
    "2026-11-20T10:00:00-23:59",
    "2026-11-20T10:00:00+05:45:30",
    "2026-11-20T10:00:00.123456+06:00",
    "2026-11-20T24:00:00+06:00",
    "2026-11-20T10:00:00+24:00",
    "2026-02-29T10:00:00+06:00",
    "2026-11-20 10:00",
    "2026-11-20T10",
    "20261120T100000Z",
    "+10000-01-01T00:00:00Z",
    "-0001-01-01",
    "2026-W47-5",
    "0000-00-00",
    "1e400",
    "2026-11-20T10:00:00+06:00 # comment",
]
random_dates = st.builds(
    lambda moment, seconds, zoned: (
        moment.replace(tzinfo=offset(seconds)).isoformat() if zoned else moment.isoformat()
    ),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    st.integers(-86_399, 86_399),
    st.booleans(),
)
dates = st.one_of(st.sampled_from(DATES), random_dates, random_dates.map(lambda d: d[:10]))

ODD_VALUES = [
    "!!binary aGVsbG8=",
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!float 1e400",
    "!!int 0x7fffffffffffffffffff",
    "!!timestamp 2001-12-14t21:59:43.10-05:00",
    "!!str",
    "!!null ''",
    "!local x",
    "!<tag:evil.example,2026:x> y",
    "*undefined",
    "&anchor value",
    "[a, [b, [c, [d, [e]]]]]",
    "{a: 1, b: {c: 2}}",
    "{? [a, b] : c}",
    "null",
    "~",
    "yes",
    "no",
    "on",
    "true",
    "0o17",
    "0x1F",
    "-.inf",
    ".nan",
    "123456789012345678901234567890",
    "-0",
    "1_000",
    "12:30:45",
    "''",
    '""',
    "|\n  literal\n  block",
    ">-\n  folded",
    "'it''s'",
    '"\\N\\_\\L\\P\\e\\a"',
    '"\\uD83D\\uDE00"',
    '"\\uD800"',
    '"\\uDFFF\\uD800"',
    '"\\U0010FFFF"',
    '"\\uFFFE"',
    '"\\uFFFF"',
    '"\\x00"',
    '"\\x1b[31m"',
    '"\\x85"',
    '"\\v\\f"',
    "\t tabbed",
    "x\n\tbad: indent",
    "- a\n- b",
    "a: b",
    "'unclosed",
    '"unclosed',
    "[unclosed",
    "{{ 7*7 }}",
    "{% include 'x' %}",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "https://ex.example/" + "a" * 5000,
    "x" * 100_000,
    "../../../etc/passwd",
    "/etc/passwd",
    "C:\\Windows",
    "%00",
    '=HYPERLINK("http://evil")',
]

ODD_LINES = [
    "1: one\n",
    "yes: true\n",
    "~: null\n",
    "null: x\n",
    "[a, b]: list key\n",
    "{a: b}: map key\n",
    "? [x]\n: y\n",
    "3.5: float\n",
    "2026-11-20: date key\n",
    "title: twice\n",
    "date: 2026-11-20T10:00:00+06:00\n",
    "unknown_field: x\n",
    "<<: {slug: merged}\n",
    "<<: *nothing\n",
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: [*b, *b, *b, *b, *b, *b]\n",
    "deep: " + "[" * 40 + "]" * 40 + "\n",
    "deep: " + "[" * 200 + "]" * 200 + "\n",
    "deep: " + "{a: " * 40 + "x" + "}" * 40 + "\n",
    "\ttabbed: x\n",
    "slug: ../../etc\n",
    "slug: " + "a" * 200 + "\n",
    "slug: pub\n",
    "slug: page\n",
    "slug: index\n",
    "slug: feed.xml\n",
    "id: ../x\n",
    "id: press-releases/pub\n",
    "lang: ky\n",
    "lang: en\n",
    "lang: xx\n",
    "image: ../../../../etc/passwd\n",
    "image: /etc/passwd\n",
    "image: missing.png\n",
    "translation_exception: x\n",
    "confidentiality: public\n",
    "%YAML 1.1\n",
    "--- \n",
    "...\n",
    "# comment \x01\n",
    "\ufeffbom: x\n",
]

values = st.one_of(
    nasty_text.map(escaped),  # controls, surrogates, U+FFFE as escapes: valid YAML
    nasty_text,  # raw: often invalid YAML
    st.sampled_from(ODD_VALUES),
    dates,
    st.text(max_size=30).map(escaped),
)
LINK_TARGETS = [
    "pub.md",
    "./pub.md#x",
    "draft.md",
    "restricted.md",
    "../rebuttals/reb.md",
    "../media-requests/req.md",
    "../../config.yaml",
    "../../../../etc/passwd",
    "/etc/passwd",
    "//evil.example/x",
    "#",
    "?q=1",
    "",
    "<>",
    "http://[::1",
    "https://example.kg/a b",
    "mailto:",
    "tel:+996",
    "javascript:alert(1)",
    "JaVa\tScRiPt:x",
    "&#106;avascript:x",
    "data:text/html,<script>",
    "vbscript:x",
    "%zz",
    "%2e%2e/%2e%2e/x",
    "a%00b.md",
    "pub.md%0a",
    "file:///etc/passwd",
    "photo.png",
    "index.html",
    "2",
]
link_targets = st.one_of(st.sampled_from(LINK_TARGETS), nasty_text)
markdown_parts = st.one_of(
    st.builds("[{}]({})".format, nasty_text, link_targets),
    st.builds("![{}]({})".format, nasty_text, link_targets),
    st.builds("[{}][r]\n\n[r]: {}".format, nasty_text, link_targets),
    st.builds("<{}>".format, link_targets),
    st.builds(
        "{} {}".format, st.sampled_from(["#", "##", "######", ">", "-", "1.", "***", "```"]), nasty_text
    ),
    st.builds("| {} | b |\n|---|:-:|\n| {} | {} |".format, nasty_text, nasty_text, nasty_text),
    st.builds("```{}\n{}\n```".format, nasty_text, nasty_text),
    nasty_text,
)
bodies = st.one_of(
    st.lists(markdown_parts, max_size=5).map("\n\n".join),
    st.lists(markdown_parts, max_size=5).map(" ".join),
    nasty_text,
    st.text(max_size=200),
    st.lists(st.sampled_from(CONTROLS + SPECIALS + YAML_MARKS), max_size=20).map("".join),
    st.sampled_from(
        [
            "---\ntitle: x\n---\n",
            "[x](missing.md) ![i](../../../etc/passwd) [a](/etc/passwd)",
            "<script>alert(1)</script><img src=x onerror=alert(1)>",
            "{{ 7*7 }} {% raw %}",
            "[ref]: javascript:alert(1)\n[x][ref]",
            "# h\n" * 300,
            "> " * 500 + "deep",
            "- " * 500 + "deep",
            "*" * 10_000,
            "x" * 2_000_001,
        ]
    ),
)


@dataclass(frozen=True)
class Mutation:
    rel: str
    slot: str
    value: str  # text, or for "bytes" the bytes as latin-1
    where: float = 0.0  # for "bytes": the position in the file, as a fraction


@st.composite
def mutations(draw: st.DrawFn) -> Mutation:
    rel = draw(st.sampled_from(sorted(FILES)))
    kind = draw(st.sampled_from(["value", "value", "date", "body", "extra", "bytes"]))
    slots = [s for s in slots_of(FILES[rel]) if s not in ("hash", "extra", "body")]
    if kind == "value":
        return Mutation(rel, draw(st.sampled_from(slots)), draw(values))
    if kind == "date":
        dated = [s for s in slots if DEFAULTS[s][:2] in ("20",)] or slots
        return Mutation(rel, draw(st.sampled_from(dated)), draw(dates))
    if kind == "body":
        return Mutation(rel, "body", draw(bodies))
    if kind == "extra":
        return Mutation(rel, "extra", draw(st.sampled_from(ODD_LINES)))
    data = draw(st.binary(min_size=1, max_size=16)).decode("latin-1")
    return Mutation(rel, "bytes", data, draw(st.floats(0, 1)))


def apply(root: Path, changes: list[Mutation]) -> None:
    values: dict[str, dict[str, str]] = {}
    for change in changes:
        if change.slot != "bytes":
            values.setdefault(change.rel, {})[change.slot] = change.value
    for rel in {change.rel for change in changes}:
        raw = render(rel, values.get(rel, {})).encode("utf-8", "surrogatepass")
        for change in changes:
            if change.rel == rel and change.slot == "bytes":
                at = int(change.where * len(raw))
                raw = raw[:at] + change.value.encode("latin-1") + raw[at:]
        (root / rel).write_bytes(raw)
    approve_records(root)  # a public record is published once approved: its text, as mutated


# --- running the CLI --------------------------------------------------------------------------


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    """`site-builder ARGS --root ROOT --now NOW` through `cli.main`, printing to strict UTF-8
    streams; a traceback (any exception out of `main`) comes back in stderr, code -1."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    code = -1
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([*args[:1], "--root", str(root), "--now", NOW, *args[1:]])
        except BaseException:
            trace = traceback.format_exc()
        else:
            trace = ""
    text = [stream.buffer.getvalue().decode("utf-8", "replace") for stream in (out, err)]  # type: ignore[attr-defined]
    return code, text[0], text[1] + trace


def problems(stdout: str) -> set[tuple[str, int, str]]:
    return {(p["path"], p["line"], p["code"]) for p in json.loads(stdout or "[]")}


def check_property(root: Path, before: dict[str, str], changes: list[Mutation]) -> None:
    """Assertions 1-4 of the module docstring on a mutated copy of the base site."""
    code, stdout, stderr = cli(root, "check", "--format", "json")
    assert "Traceback" not in stderr, stderr
    assert code in EXIT_CODES, (code, stderr)
    checked = problems(stdout)
    for form in ("text", "github"):  # the same problems, printed for people and for CI
        code_f, _stdout, stderr_f = cli(root, "check", "--format", form)
        assert "Traceback" not in stderr_f, stderr_f
        assert code_f == code, (form, code_f, code)
    code_b, stdout_b, stderr_b = cli(root, "build", "--strict", "--format", "json")
    assert "Traceback" not in stderr_b, stderr_b
    assert code_b in EXIT_CODES, (code_b, stderr_b)
    built = problems(stdout_b)
    assert built <= checked, f"build reported what check did not: {sorted(built - checked)}"
    assert code_b == code, f"check exited {code}, build {code_b}: {sorted(built)}"
    output = root / "output"
    if code_b != 0:
        assert tree(output) == before, "a failed build changed output/"
        return
    touched = {change.rel for change in changes}
    found = output_bytes(output)
    for rel, marker in HIDDEN.items():
        if rel in touched and rel.endswith("withdrawn.md"):
            continue  # a mutated withdrawal may be in the future: then the item is out, rightly
        leaks = sorted({name for name, data in found if marker in data})
        assert not leaks, f"{marker.decode()} leaks into {leaks[:5]}"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The base site, built once: its folder and its output's tree."""
    root = make_site(tmp_path_factory.mktemp("base"), {rel: render(rel, {}) for rel in FILES})
    approve_records(root)
    code, stdout, stderr = cli(root, "build", "--format", "json")
    assert code == 0, stdout + stderr
    assert not [p for p in json.loads(stdout) if p["severity"] != "info"], stdout
    names = {name for name, _data in output_bytes(root / "output")}
    assert {"press-releases/pub/index.html", "rebuttals/reb/index.html"} <= names
    return root, tree(root / "output")


@contextlib.contextmanager
def copy_of(root: Path):
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(root, site, symlinks=True)
        yield site


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(changes=st.lists(mutations(), min_size=1, max_size=3))
def test_hostile_input_never_breaks_check_or_build(
    base: tuple[Path, dict[str, str]], changes: list[Mutation]
):
    root, before = base
    with copy_of(root) as site:
        apply(site, changes)
        check_property(site, before, changes)


# Every control character (C0, DEL, C1), the non-characters and the lone surrogates, each alone
# in a body and as an escape in a title: the random examples above need not hit each one.
# One copy of the site takes them in turn, as an editor's successive builds would: a failed
# build must leave the output of the last successful one.
EVERY_CHAR = CONTROLS + SPECIALS + SURROGATES


def test_every_control_character(base: tuple[Path, dict[str, str]]):
    root, before = base
    rel = "content/press-releases/pub.md"
    failures = []
    with copy_of(root) as site:
        for char in EVERY_CHAR:
            changes = [Mutation(rel, "title", escaped(f"До{char}после"))]
            if not 0xD800 <= ord(char) < 0xE000:  # no UTF-8 file holds a lone surrogate
                changes.append(Mutation(rel, "body", f"До{char}после\n"))
            apply(site, changes)
            try:
                check_property(site, before, changes)
            except AssertionError as exc:
                failures.append(f"U+{ord(char):04X}: {str(exc).strip().splitlines()[-1][:200]}")
            if (site / "output").is_dir():
                before = tree(site / "output")
    assert not failures, "\n".join(failures)


# The real entry point, `python -m site_builder` (`run`, with its exit and flushing), on a few
# inputs of the kinds above: a control character in a body, an extreme date, bytes that are
# not UTF-8 in front matter, a key that is not text.
REAL = {
    "vertical-tab-in-body": [Mutation("content/press-releases/pub.md", "body", "Из Word:\x0bстрока\n")],
    "year-one-approval": [
        Mutation("content/press-releases/pub.md", "approval_at", "0001-01-01T00:00:00+06:00")
    ],
    "not-utf8-in-title": [Mutation("content/rebuttals/reb.md", "bytes", "\xff\xfe\xc0", 0.02)],
    "key-not-text": [Mutation("content/announcements/ann.md", "extra", "yes: true\n")],
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_command_line(base: tuple[Path, dict[str, str]], name: str):
    root, before = base
    with copy_of(root) as site:
        apply(site, REAL[name])
        code, stdout, stderr = run_cli("check", "--format", "json", "--now", NOW, cwd=site)
        assert "Traceback" not in stderr and code in EXIT_CODES, stderr
        code_b, stdout_b, stderr_b = run_cli("build", "--strict", "--format", "json", "--now", NOW, cwd=site)
        assert "Traceback" not in stderr_b and code_b in EXIT_CODES, stderr_b
        built = problems(stdout_b)
        assert built <= problems(stdout), (
            f"build reported what check did not: {sorted(built - problems(stdout))}"
        )
        assert code_b == code
        if code_b:
            assert tree(site / "output") == before


def test_event_title_with_a_newline_is_escaped_in_calendars(base: tuple[Path, dict[str, str]]):
    """Found by the property above: YAML lets a title hold a newline ("\\n", a block scalar);
    the event's own calendar is named after it (X-WR-CALNAME), which icalendar wrote as given
    and refused with an AssertionError.  It is TEXT: newline, ';', ',' and '\\' escaped."""
    import icalendar

    root, _before = base
    title = escaped("Брифинг;\nмэра, \\ итоги")
    with copy_of(root) as site:
        apply(site, [Mutation("content/announcements/ann.md", "title", title)])
        code, _stdout, stderr = cli(site, "build", "--format", "json")
        assert code == 0 and "Traceback" not in stderr, stderr
        data = (site / "output/announcements/ann/event.ics").read_bytes()
        lines = re.sub(rb"\r\n[ \t]", b"", data).decode().split("\r\n")  # unfolded
        assert "X-WR-CALNAME:Пресс-служба мэрии — Брифинг\\;\\nмэра\\, \\\\ итоги" in lines
        calendar = icalendar.Calendar.from_ical(data)
        (event,) = calendar.walk("VEVENT")
        assert str(event["summary"]) == "Брифинг;\nмэра, \\ итоги"
