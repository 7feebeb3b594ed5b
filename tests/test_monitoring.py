"""The monitoring register (content/monitoring/): its entries checked with file:line and a hint,
the warning for a negative or false report left without an outcome, a rebuttal's
`detected_at` taken from its entry, `new monitoring`, its JSON Schema, the example site's
register — and nothing of it in output/."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from sitekit import config_dict, item, make_site, output_bytes, rebuttal_fields, run_cli

from site_builder.build import build, check
from site_builder.commands.report import as_dict
from site_builder.commands.schema import schemas
from site_builder.judge import monitoring
from site_builder.load import frontmatter
from site_builder.load.config import load_config

NOW = datetime.fromisoformat("2026-11-22T12:00:00+06:00")  # a Sunday
ROOT = Path(__file__).resolve().parent.parent


def entry(
    found: str = "2026-11-20T09:00:00+06:00",
    kind: str = "publication",
    tone: str = "negative",
    division: str = "transport",
    url: str = "https://vesti.example.kg/a",
    outcome: str | None = "  kind: none\n  reason: Не требуется\n",
    notes: str = "Заметки.\n",
) -> str:
    """An entry's text: line 2 found, 3 source, 4 outlet, 5 url, 6 title, 7 kind, 8 tone,
    9 division, 10 author, 11 outcome, 12 its first key."""
    text = (
        f"---\nfound: {found}\nsource:\n  outlet: Газета «Вести»\n  url: {url}\n  title: Статья о ямах\n"
        f"kind: {kind}\ntone: {tone}\ndivision: {division}\nauthor: petrov\n"
    )
    if outcome is not None:
        text += "outcome:\n" + outcome
    return text + "---\n" + notes


REBUTTAL = item("Опровержение", status="approved", **rebuttal_fields())
DRAFT = item("Черновик", status="draft", approval=None)


def problems_of(tmp_path: Path, files: dict[str, str], now: datetime = NOW, config: dict | None = None):
    root = make_site(tmp_path, files, config)
    result = check(root, now)
    return result, [as_dict(p, "ru") for p in result.problems if p.severity != "info"]


def test_a_valid_register_loads_and_checks_clean(tmp_path: Path) -> None:
    files = {
        "content/rebuttals/otvet.md": REBUTTAL,
        "content/monitoring/2026/a.md": entry(outcome="  kind: rebuttal\n  ref: rebuttals/otvet.md\n"),
        "content/monitoring/2026/b.md": entry(
            kind="social_post", tone="false", outcome="  kind: comment\n  ref: rebuttals/otvet\n"
        ),
        "content/monitoring/2026/c.md": entry(
            kind="complaint", outcome="  kind: answer\n  at: 2026-11-20T15:00\n"
        ),
        "content/monitoring/2026/d.md": entry(tone="positive", url="null", outcome=None),
        "content/monitoring/2026/e.md": entry(
            tone="false", outcome="  kind: none\n  reason: Опровергнуто ранее\n"
        ),
    }
    result, shown = problems_of(tmp_path, files)
    assert shown == []
    assert [e.id for e in result.monitoring] == ["2026/a", "2026/b", "2026/c", "2026/d", "2026/e"]
    first = result.monitoring[0]
    assert first.source == "monitoring/2026/a.md" and first.line("outcome", "ref") == 13
    assert first.meta.tone == "negative" and first.meta.outcome.ref == "rebuttals/otvet.md"
    assert result.monitoring[1].meta.tone == "false"  # unquoted `false` is YAML's boolean: the word is meant


# (entry text, line, code, severity, Russian text in the message, in the hint)
BAD = [
    (
        entry(kind="article"),
        7,
        "BAD_VALUE",
        "error",
        "'article' в 'kind'",
        "'publication', 'social_post', 'complaint'",
    ),
    (entry(tone="angry"), 8, "BAD_VALUE", "error", "'angry' в 'tone'", "'neutral', 'negative', 'false'"),
    (
        entry(outcome="  kind: ignored\n"),
        12,
        "BAD_VALUE",
        "error",
        "'ignored' в 'outcome.kind'",
        "'rebuttal', 'comment', 'answer', 'none'",
    ),
    (entry(url="ftp://vesti.example.kg/a"), 5, "BAD_URL", "error", "ftp://vesti.example.kg/a", "https://"),
    (entry(division="mars"), 9, "UNKNOWN_DIVISION", "error", "'mars' в 'division'", "transport"),
    (entry(found="вчера"), 2, "BAD_DATE", "error", "'вчера'", ""),
    (
        entry(outcome="  kind: rebuttal\n"),
        12,
        "MONITORING_REF_NEEDED",
        "error",
        "rebuttal нужен ref:",
        "ref:",
    ),
    (entry(outcome="  kind: none\n"), 12, "MONITORING_REASON_NEEDED", "error", "reason:", "reason:"),
    (
        entry(outcome="  kind: answer\n  at: 2026-11-19T10:00\n"),
        13,
        "MONITORING_ANSWER_BEFORE",
        "error",
        "раньше, чем found:",
        "после",
    ),
    (
        entry(outcome="  kind: comment\n  ref: rebuttals/net.md\n"),
        13,
        "MONITORING_REF_UNKNOWN",
        "warning",
        "«rebuttals/net.md»",
        "content/",
    ),
    (
        entry(outcome="  kind: comment\n  ref: press-releases/chernovik.md\n"),
        13,
        "MONITORING_REF_UNPUBLISHED",
        "warning",
        "не опубликован (draft)",
        "опубликуйте",
    ),
    (
        entry(outcome="  kind: rebuttal\n  ref: press-releases/novost.md\n"),
        13,
        "MONITORING_REF_KIND",
        "warning",
        "это press-release",
        "comment",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "code", "severity", "message", "hint"), BAD, ids=[c[2] for c in BAD]
)
def test_a_mistake_in_an_entry_gets_its_file_line_and_a_hint(
    tmp_path: Path, text: str, line: int, code: str, severity: str, message: str, hint: str
) -> None:
    files = {
        "content/monitoring/2026/x.md": text,
        "content/press-releases/chernovik.md": DRAFT,
        "content/press-releases/novost.md": item("Новость"),
    }
    _result, shown = problems_of(tmp_path, files)
    found = [p for p in shown if p["path"] == "content/monitoring/2026/x.md"]
    assert [(p["line"], p["code"], p["severity"]) for p in found] == [(line, code, severity)], shown
    assert message in found[0]["message"] and hint in found[0]["hint"], found[0]


@pytest.mark.parametrize(
    ("now", "tone", "days", "warned"),
    [
        ("2026-11-23T18:00:00+06:00", "negative", None, False),  # found Friday: due Monday
        ("2026-11-24T09:00:00+06:00", "negative", None, True),  # Tuesday: a working day late
        ("2026-11-24T09:00:00+06:00", "false", None, True),
        ("2026-11-24T09:00:00+06:00", "neutral", None, False),  # only negative or false reports
        ("2026-11-24T09:00:00+06:00", "positive", None, False),
        ("2026-11-24T09:00:00+06:00", "negative", 3, False),  # calendar.monitoring_days: 3 → Wednesday
        ("2026-11-26T09:00:00+06:00", "negative", 3, True),
    ],
)
def test_a_negative_or_false_report_without_an_outcome_is_a_warning_after_the_working_days(
    tmp_path: Path, now: str, tone: str, days: int | None, warned: bool
) -> None:
    config = config_dict()
    if days is not None:
        config["calendar"] = {"monitoring_days": days}
    files = {
        "content/monitoring/2026/x.md": entry(found="2026-11-20T16:00:00+06:00", tone=tone, outcome=None)
    }
    _result, shown = problems_of(tmp_path, files, datetime.fromisoformat(now), config)
    late = [p for p in shown if p["code"] == "MONITORING_NO_OUTCOME"]
    assert bool(late) == warned, shown
    if warned:
        assert late[0]["line"] == 8 and late[0]["severity"] == "warning"
        assert f"тональностью {tone}" in late[0]["message"] and "outcome:" in late[0]["hint"]


OUTCOME = "  kind: rebuttal\n  ref: rebuttals/otvet.md\n"
FOUND = entry(found="2026-11-19T08:30:00+06:00", tone="false", outcome=OUTCOME)


def monitored_rebuttal(
    detected: str | None, ref: str = "2026/x", date: str = "2026-11-20T10:00:00+06:00"
) -> str:
    fields = rebuttal_fields()
    if detected is None:
        fields.pop("detected_at")
    else:
        fields["detected_at"] = detected
    return item("Опровержение", date=date, monitoring=ref, **fields)


def test_a_rebuttal_takes_detected_at_from_its_monitoring_entry(tmp_path: Path) -> None:
    files = {
        "content/monitoring/2026/x.md": FOUND,
        "content/rebuttals/otvet.md": monitored_rebuttal(None),
    }
    result, shown = problems_of(tmp_path, files)
    assert shown == []  # no REBUTTAL_DETECTED: the entry says when it was found
    rebuttal = next(i for i in result.items if i.kind == "rebuttal")
    assert rebuttal.meta.detected_at == datetime.fromisoformat("2026-11-19T08:30:00+06:00")


def test_the_response_limit_counts_from_the_entry(tmp_path: Path) -> None:
    """Found on Monday 9 November, rebutted on the 20th: later than the 2 working days."""
    files = {
        "content/monitoring/2026/x.md": FOUND.replace("11-19T", "11-09T"),
        "content/rebuttals/otvet.md": monitored_rebuttal(None),
    }
    _result, shown = problems_of(tmp_path, files)
    assert [p["code"] for p in shown] == ["REBUTTAL_LATE"]


@pytest.mark.parametrize(
    ("detected", "ref", "line", "code", "message"),
    [
        ("2026-11-19T08:30:00+06:00", "2026/x", 0, None, ""),  # the same moment: nothing to say
        ("2026-11-19T10:00:00+06:00", "2026/x", 10, "MONITORING_DETECTED_DIFFERS", "не совпадает с found:"),
        (None, "2026/net", 4, "MONITORING_UNKNOWN", "«2026/net»"),
        (None, "content/monitoring/2026/x.md", 0, None, ""),  # its path works as well
    ],
)
def test_a_rebuttal_naming_its_entry(
    tmp_path: Path, detected: str | None, ref: str, line: int, code: str | None, message: str
) -> None:
    files = {
        "content/monitoring/2026/x.md": FOUND,
        "content/rebuttals/otvet.md": monitored_rebuttal(detected, ref),
    }
    _result, shown = problems_of(tmp_path, files)
    if code is None:
        assert shown == []
        return
    found = [p for p in shown if p["code"] == code]
    assert found and found[0]["path"] == "content/rebuttals/otvet.md" and found[0]["line"] == line, shown
    assert found[0]["severity"] == "error" and message in found[0]["message"] and found[0]["hint"]


def test_nothing_of_the_register_reaches_output(tmp_path: Path) -> None:
    files = {
        "content/rebuttals/otvet.md": REBUTTAL,
        "content/monitoring/2026/zzmonzz.md": entry(
            outcome="  kind: rebuttal\n  ref: rebuttals/otvet.md\n", notes="Заметка MNOTEQQ.\n"
        )
        .replace("Газета «Вести»", "Газета MOUTQQ")
        .replace("Статья о ямах", "Статья MTITQQ"),
    }
    root = make_site(tmp_path, files)
    result = build(root, NOW)
    assert result.ok, result.problems
    texts = output_bytes(root / "output")
    assert any(rel.startswith("rebuttals/otvet") for rel, _ in texts)
    for token in (b"MNOTEQQ", b"MOUTQQ", b"MTITQQ", b"zzmonzz", b"mnoteqq"):
        assert not [rel for rel, data in texts if token in data], token


def test_new_monitoring_writes_an_entry_that_checks_clean(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/rebuttals/otvet.md": REBUTTAL})
    code, out, err = run_cli(
        "new",
        "monitoring",
        "Мэрия закрывает школу",
        "--author",
        "petrov",
        "--now",
        "2026-11-20T09:15:00+06:00",
        cwd=root,
    )
    assert code == 0, err
    assert out.strip() == "content/monitoring/2026/2026-11-20-meriia-zakryvaet-shkolu.md"
    text = (root / out.strip()).read_text(encoding="utf-8")
    assert "found: 2026-11-20T09:15:00+06:00" in text and "division: transport" in text
    assert 'title: "Мэрия закрывает школу"' in text
    result = check(root, datetime.fromisoformat("2026-11-20T10:00:00+06:00"))
    assert [p.code for p in result.problems if p.severity != "info"] == []
    assert len(result.monitoring) == 1 and result.monitoring[0].meta.outcome is None
    # The outcome is there to be uncommented: a negative report without it is flagged.
    path = root / out.strip()
    path.write_text(text.replace("tone: neutral", "tone: negative"), encoding="utf-8")
    late = check(root, datetime.fromisoformat("2026-11-24T10:00:00+06:00"))
    assert [p.code for p in late.problems if p.severity != "info"] == ["MONITORING_NO_OUTCOME"]
    uncommented = path.read_text(encoding="utf-8").replace("# outcome:", "outcome:")
    uncommented = uncommented.replace("#   kind: rebuttal", "  kind: rebuttal").replace("#   ref:", "  ref:")
    path.write_text(uncommented.replace("rebuttals/2026/slug.md", "rebuttals/otvet.md"), encoding="utf-8")
    done = check(root, datetime.fromisoformat("2026-11-24T10:00:00+06:00"))
    assert [p.code for p in done.problems if p.severity != "info"] == []


def test_the_schema_types_the_register(tmp_path: Path) -> None:
    schema = schemas()["monitoring.schema.json"]
    document, problems = frontmatter.read(entry(tone="false").encode(), "x.md")
    assert document is not None and not problems
    jsonschema.validate(document.data, schema)  # unquoted `false` too
    for bad in ({"kind": "article"}, {"tone": "angry"}, {"extra": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document.data | bad, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document.data | {"outcome": {"kind": "ignored"}}, schema)


def test_the_example_site_keeps_a_register_with_every_outcome() -> None:
    entries, problems = monitoring.load(ROOT / "content", load_config(ROOT))
    assert not problems and len(entries) >= 8
    assert {e.meta.outcome.kind for e in entries if e.meta.outcome} == {
        "rebuttal",
        "comment",
        "answer",
        "none",
    }
    assert {e.meta.kind for e in entries} == {"publication", "social_post", "complaint"}
    refs = {e.meta.outcome.ref for e in entries if e.meta.outcome and e.meta.outcome.ref}
    assert {"rebuttals/2026/tarify-na-vodu.md", "press-releases/2026/ugol-maloobespechennym.md"} <= refs


def test_approve_refuses_an_entry_and_says_why(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/monitoring/2026/x.md": entry()})
    before = (root / "content/monitoring/2026/x.md").read_bytes()
    code, out, err = run_cli(
        "approve",
        "content/monitoring/2026/x.md",
        "--by",
        "aliev",
        "--now",
        "2026-11-22T12:00:00+06:00",
        cwd=root,
    )
    assert code == 1, (out, err)
    assert "content/monitoring/2026/x.md: error APPROVE_MONITORING" in out + err
    assert "служебная" in out + err and "outcome:" in out + err
    assert (root / "content/monitoring/2026/x.md").read_bytes() == before
