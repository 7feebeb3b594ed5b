"""Media requests in full: kind, channel, the requester's private contact, the executor and
contributing divisions, interviews; checked with file:line and a hint; `new media-request`;
the public register shows the public fields only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from sitekit import approve_records, make_site, output_bytes, run_cli

from site_builder.build import build, check
from site_builder.commands.report import as_dict
from site_builder.commands.schema import schemas
from site_builder.judge import mediarequests
from site_builder.load import frontmatter
from site_builder.load.config import load_config

NOW = datetime.fromisoformat("2026-11-22T12:00:00+06:00")
ROOT = Path(__file__).resolve().parent.parent


def request(extra: str = "", public: bool = False) -> str:
    """Line 2 title, 3 received, 4 outlet, 5 topic, 6 answered, 7 answer_summary, 8… `extra`."""
    return (
        "---\ntitle: Запрос о дорогах RQTITLE\nreceived: 2026-11-10\noutlet: Радио «Каракол FM»\n"
        "topic: Ремонт улиц RQTOPIC\nanswered: 2026-11-12\nanswer_summary: Ответ RQANSWER\n"
        + extra
        + f"public: {'true' if public else 'false'}\n---\nЗаметки RQNOTES.\n"
    )


FULL = (
    "kind: interview\nchannel: oral\ncontact: Корреспондент RQCONTACT, +996 555 00-00-00\n"
    "executor: transport\ncontributors: [education, pr]\n"
    "interview:\n  official: petrov\n  date: 2026-11-13T09:15\n  outcome: Эфир RQOUTCOME\n"
)


def shown(tmp_path: Path, files: dict[str, str]) -> list[dict]:
    root = make_site(tmp_path, files)
    return [as_dict(p, "ru") for p in check(root, NOW).problems if p.severity != "info"]


def test_the_fields_are_read(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/media-requests/2026/a.md": request(FULL)})
    result = check(root, NOW)
    assert [p.code for p in result.problems if p.severity != "info"] == []
    meta = result.requests[0].meta
    assert (meta.kind, meta.channel, meta.executor, meta.contributors) == (
        "interview",
        "oral",
        "transport",
        ["education", "pr"],
    )
    assert meta.contact.startswith("Корреспондент") and meta.interview.official == "petrov"
    plain = make_site(tmp_path / "b", {"content/media-requests/b.md": request()})
    defaults = check(plain, NOW).requests[0].meta
    assert (defaults.kind, defaults.channel, defaults.contact, defaults.interview) == (
        "information",
        "written",
        None,
        None,
    )


# (extra keys from line 8, line, code, Russian text in the message, in the hint)
BAD = [
    ("kind: press_tour\n", 8, "BAD_VALUE", "'press_tour' в 'kind'", "'accreditation'"),
    ("channel: fax\n", 8, "BAD_VALUE", "'fax' в 'channel'", "'oral', 'written', 'email'"),
    ("executor: mars\n", 8, "UNKNOWN_DIVISION", "'mars' в 'executor'", "transport"),
    ("contributors: [pr, venus]\n", 8, "UNKNOWN_DIVISION", "'venus' в 'contributors[1]'", "education"),
    ("contact: ''\n", 8, "EMPTY_VALUE", "contact", ""),
    (
        "interview:\n  official: petrov\n  date: 2026-11-13T09:15\n",
        8,
        "REQUEST_INTERVIEW_KIND",
        "вид запроса — information",
        "kind: interview",
    ),
    (
        "kind: interview\ninterview:\n  official: ghost\n  date: 2026-11-13T09:15\n",
        10,
        "UNKNOWN_PERSON",
        "'ghost' в 'interview.official'",
        "",
    ),
    (
        "kind: interview\ninterview:\n  official: petrov\n  date: 2026-11-01T09:15\n",
        11,
        "REQUEST_INTERVIEW_BEFORE",
        "2026-11-10",
        "после запроса",
    ),
    ("kind: interview\ninterview:\n  date: 2026-11-13T09:15\n", 9, "KEY_MISSING", "interview.official", ""),
]


@pytest.mark.parametrize(
    ("extra", "line", "code", "message", "hint"), BAD, ids=[c[2] + str(c[1]) for c in BAD]
)
def test_a_mistake_gets_its_file_line_and_a_hint(
    tmp_path: Path, extra: str, line: int, code: str, message: str, hint: str
) -> None:
    found = shown(tmp_path, {"content/media-requests/2026/a.md": request(extra)})
    assert [(p["path"], p["line"], p["code"], p["severity"]) for p in found] == [
        ("content/media-requests/2026/a.md", line, code, "error")
    ], found
    assert message in found[0]["message"] and hint in found[0]["hint"] and found[0]["hint"]


def test_the_public_register_shows_only_the_public_fields(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/media-requests/2026/a.md": request(FULL, public=True)})
    approve_records(root)
    result = build(root, NOW)
    assert result.ok, result.problems
    texts = output_bytes(root / "output")
    everything = b"\n".join(data for _rel, data in texts)
    for public in ("RQTITLE", "RQTOPIC", "RQANSWER"):
        assert public.encode() in everything, public
    for private in ("RQCONTACT", "RQOUTCOME", "RQNOTES", "+996 555 00-00-00"):
        leaks = [rel for rel, data in texts if private.encode() in data or private.lower().encode() in data]
        assert not leaks, (private, leaks)


def test_new_media_request_writes_a_record_that_checks_clean(tmp_path: Path) -> None:
    root = make_site(tmp_path)
    code, out, err = run_cli(
        "new",
        "media-request",
        "Ремонт улиц в 2027 году",
        "--author",
        "petrov",
        "--now",
        "2026-11-20T09:15:00+06:00",
        cwd=root,
    )
    assert code == 0, err
    assert out.strip() == "content/media-requests/2026/2026-11-20-remont-ulits-v-2027-godu.md"
    text = (root / out.strip()).read_text(encoding="utf-8")
    for line in ("received: 2026-11-20", "kind: information", "channel: written", "executor: transport"):
        assert line in text
    result = check(root, datetime.fromisoformat("2026-11-20T10:00:00+06:00"))
    assert [p.code for p in result.problems if p.severity != "info"] == []
    meta = result.requests[0].meta
    assert meta.title == meta.topic == "Ремонт улиц в 2027 году" and meta.contact is None
    # The interview block is there to be uncommented.
    path = root / out.strip()
    interview = text.replace("kind: information", "kind: interview").replace("# interview:", "interview:")
    interview = interview.replace("#   official:", "  official:").replace("#   date:", "  date:")
    path.write_text(interview, encoding="utf-8")
    again = check(root, datetime.fromisoformat("2026-11-20T10:00:00+06:00"))
    assert [p.code for p in again.problems if p.severity != "info"] == []
    assert again.requests[0].meta.interview.official == "petrov"


def test_the_schema_types_the_record() -> None:
    schema = schemas()["media-request.schema.json"]
    document, problems = frontmatter.read(request(FULL).encode(), "x.md")
    assert document is not None and not problems
    jsonschema.validate(document.data, schema)
    for bad in ({"kind": "press_tour"}, {"channel": "fax"}, {"contacts": "x"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document.data | bad, schema)


def test_the_example_site_has_requests_of_every_kind() -> None:
    requests, problems = mediarequests.load(ROOT / "content", load_config(ROOT))
    assert not problems and len(requests) >= 4
    kinds = {r.meta.kind for r in requests}
    assert kinds == {"information", "interview", "comment", "accreditation"}
    assert all(r.meta.contact and r.meta.executor for r in requests)
    assert any(r.meta.interview is not None for r in requests)
