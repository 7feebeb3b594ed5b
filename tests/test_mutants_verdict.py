"""One item's verdict (judge/verdict.py), checked directly: each state, each problem with its
line, severity and message arguments, and each comparison at its boundary.

The build tests reach `judge` through whole sites and read only the codes they expect; these
parse one file and ask `judge`, `looks_out`, `after_date` and `approver_problems` what the
mutation run (tests/MUTANTS.md) found unchecked.  Fast and in-process: the module's mutation
selection.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hardkit import hashed
from sitekit import announcement_fields, config_dict, config_text, item

from site_builder.judge import verdict
from site_builder.judge.verdict import State, Verdict, after_date, approver_problems, fmt, judge, looks_out
from site_builder.load import markdown
from site_builder.load.config import parse_config
from site_builder.load.content import parse
from site_builder.load.discover import Source

CONFIG = parse_config(config_text())
NOW = datetime.fromisoformat("2026-11-22T12:00:00+06:00")
DATE = "2026-11-20T10:00:00+06:00"
REL = "press-releases/a.md"
MD = markdown.make_parser()
WRONG = "sha256:" + "0" * 64


def parsed(text: str, rel: str = REL, config=CONFIG):
    found, problems = parse(Source(rel, text.encode("utf-8")), config, MD)
    assert found is not None, problems
    return found


def line_of(text: str, start: str) -> int:
    [number] = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start)]
    return number


def said(problems, rel: str = REL) -> list[tuple]:
    assert all(p.path == "content/" + rel for p in problems), problems  # every problem names its file
    return [(p.line, p.severity, p.code, dict(p.args)) for p in problems]


def verdict_of(text: str, now: datetime = NOW, rel: str = REL, config=CONFIG) -> tuple[Verdict, list[tuple]]:
    found, problems = judge(parsed(text, rel, config), config, now)
    return found, said(problems)


def test_a_draft_is_a_draft_and_says_nothing() -> None:
    assert verdict_of(item("Т", status="draft", approval={"by": "nobody", "at": DATE})) == (
        Verdict(State.DRAFT),
        [],
    )


def test_an_item_under_review_says_so_at_its_status() -> None:
    text = item("Т", status="review")
    assert verdict_of(text) == (Verdict(State.REVIEW), [(line_of(text, "status:"), "info", "IN_REVIEW", {})])


def test_a_restricted_item_says_so_at_its_confidentiality() -> None:
    text = item("Т", confidentiality="restricted")
    assert verdict_of(text) == (
        Verdict(State.RESTRICTED),
        [(line_of(text, "confidentiality:"), "info", "RESTRICTED_ITEM", {})],
    )


def test_a_withdrawn_status_without_its_withdrawal_is_an_error() -> None:
    text = item("Т", status="withdrawn")
    assert verdict_of(text) == (
        Verdict(State.INVALID),
        [(line_of(text, "status:"), "error", "WITHDRAWN_MISSING", {})],
    )


@pytest.mark.parametrize(
    ("at", "state"),
    [
        ("2026-11-20T09:59:59+06:00", State.UNPUBLISHED),
        (DATE, State.WITHDRAWN),  # withdrawn at exactly its date: it was out for no time, a notice
        ("2026-11-20T04:00:00+00:00", State.WITHDRAWN),  # the same instant in another offset
    ],
)
def test_an_item_withdrawn_before_its_date_never_went_out(at: str, state: State) -> None:
    text = item("Т", status="withdrawn", withdrawn={"at": at, "reason": "Ошибка"})
    found, problems = verdict_of(text)
    assert found == Verdict(state)
    if state == State.UNPUBLISHED:
        line = line_of(text, "withdrawn:") + 1  # its `at:`
        assert problems == [(line, "info", "WITHDRAWN_UNPUBLISHED", {"date": "2026-11-20 10:00"})]
    else:
        assert problems == []


def test_a_withdrawal_is_in_effect_from_exactly_its_time() -> None:
    text = item("Т", status="withdrawn", withdrawn={"at": "2026-11-22T12:00:00+06:00", "reason": "Ошибка"})
    assert verdict_of(text, NOW) == (Verdict(State.WITHDRAWN), [])
    assert verdict_of(text, NOW - timedelta(seconds=1)) == (Verdict(State.PUBLISHED), [])


def test_an_approved_item_without_an_approval_is_an_error_naming_its_status() -> None:
    text = item("Т", approval=None)
    assert verdict_of(text) == (
        Verdict(State.INVALID),
        [(line_of(text, "status:"), "error", "APPROVAL_MISSING", {"status": "approved"})],
    )


def test_an_approval_dated_later_holds_the_item_until_then() -> None:
    at = "2026-11-22T12:00:01+06:00"
    text = item("Т", "2026-11-22T12:00:01+06:00", approval={"by": "aliev", "at": at})
    found, problems = verdict_of(text)
    assert found == Verdict(State.SCHEDULED, datetime.fromisoformat(at))
    assert problems == [(line_of(text, "  at:"), "info", "APPROVAL_PENDING", {"at": "2026-11-22 12:00"})]
    # at exactly its time the approval holds: the date (the same instant) has come too
    assert verdict_of(text, NOW + timedelta(seconds=1)) == (Verdict(State.PUBLISHED), [])


def test_a_date_to_come_is_an_embargo_until_exactly_then() -> None:
    date = "2026-11-22T12:00:01+06:00"
    text = item("Т", date, approval={"by": "aliev", "at": DATE})
    found, problems = verdict_of(text)
    assert found == Verdict(State.SCHEDULED, datetime.fromisoformat(date))
    assert problems == [(line_of(text, "date:"), "info", "EMBARGOED", {"date": "2026-11-22 12:00"})]
    assert verdict_of(text, NOW + timedelta(seconds=1)) == (Verdict(State.PUBLISHED), [])


def test_an_item_out_and_approved_as_it_is_is_published() -> None:
    text = hashed(item("Т"), REL)
    assert verdict_of(text) == (Verdict(State.PUBLISHED), [])


@pytest.mark.parametrize(
    ("date", "live"),
    [("2026-11-22T12:00:00+06:00", True), ("2026-11-22T12:00:01+06:00", False), (DATE, True)],
)
def test_a_text_other_than_the_approved_one_is_an_error_from_its_date(date: str, live: bool) -> None:
    text = item("Т", date, approval={"by": "aliev", "at": "2026-11-20T09:00:00+06:00", "hash": WRONG})
    found, problems = verdict_of(text)
    assert found == Verdict(State.INVALID)
    shown = fmt(datetime.fromisoformat(date), CONFIG)
    args = {"by": "aliev", "at": "2026-11-20 09:00", "date": shown, "source": "content/" + REL}
    code = "APPROVAL_HASH_LIVE" if live else "APPROVAL_HASH_MISMATCH"
    assert problems == [(line_of(text, "approval:"), "error" if live else "warning", code, args)]


def test_the_first_step_approved_over_another_text_is_named() -> None:
    rules = config_dict()["rules"]
    rules["types"]["press-release"] = {"steps": ["press_secretary", "pr_department"], "four_eyes": True}
    config = parse_config(config_text(config_dict(rules=rules)))
    head = item("Т", approval=None, author="aliev").split("status: approved\n")[0]
    text = (
        head
        + "status: approved\napproval:\n"
        + "  - step: press_secretary\n    by: petrov\n"
        + f"    at: 2026-11-20T08:00:00+06:00\n    hash: '{WRONG}'\n"
        + f"  - by: sydykova\n    at: 2026-11-20T09:00:00+06:00\n    hash: '{WRONG.replace('0', '1')}'\n"
        + "---\nТекст.\n"
    )
    found, problems = judge(parsed(text, config=config), config, NOW)
    assert found == Verdict(State.INVALID)
    [(_, _, code, args)] = said(problems)
    assert code == "APPROVAL_HASH_LIVE" and args["by"] == "petrov" and args["at"] == "2026-11-20 08:00"


def test_fmt_shows_a_moment_in_the_site_s_zone_and_nothing_as_a_dash() -> None:
    assert fmt(datetime.fromisoformat("2026-11-20T04:05:00+00:00"), CONFIG) == "2026-11-20 10:05"
    assert fmt(None, CONFIG) == "—"


# --- looks_out: does the file alone say its approved version went out? -----------------------


@pytest.mark.parametrize(
    ("text", "now", "out"),
    [
        (hashed(item("Т"), REL), NOW, True),
        (
            hashed(
                item("Т", status="draft", approval={"by": "aliev", "at": "2026-11-20T09:00:00+06:00"}), REL
            ),
            NOW,
            True,
        ),  # a draft keeping its approval
        (item("Т"), NOW, False),  # no hash: proves nothing
        (item("Т", approval=None, status="draft"), NOW, False),
        (hashed(item("Т", "2026-11-22T12:00:00+06:00"), REL), NOW, True),  # date exactly now
        (hashed(item("Т", "2026-11-22T12:00:01+06:00"), REL), NOW, False),
        (
            hashed(
                item(
                    "Т",
                    "2026-11-22T12:00:00+06:00",
                    approval={"by": "aliev", "at": "2026-11-22T12:00:00+06:00"},
                ),
                REL,
            ),
            NOW,
            True,
        ),  # approved at exactly now
        (
            hashed(
                item(
                    "Т",
                    "2026-11-22T12:00:01+06:00",
                    approval={"by": "aliev", "at": "2026-11-22T12:00:01+06:00"},
                ),
                REL,
            ),
            NOW,
            False,
        ),
        (hashed(item("Т", approval={"by": "nobody", "at": "2026-11-20T09:00:00+06:00"}), REL), NOW, False),
        # the date passed, approved (after it) only a second from now; approved, dated later
        (hashed(item("Т", approval={"by": "aliev", "at": "2026-11-22T12:00:01+06:00"}), REL), NOW, False),
        (
            hashed(item("Т", "2026-11-22T12:00:01+06:00", approval={"by": "aliev", "at": DATE}), REL),
            NOW,
            False,
        ),
        (hashed(item("Т", approval={"by": "petrov", "at": "2026-11-20T09:00:00+06:00"}), REL), NOW, False),
        # approved after its date: a timing problem, the approval still released the text
        (hashed(item("Т", approval={"by": "aliev", "at": "2026-11-21T09:00:00+06:00"}), REL), NOW, True),
    ],
)
def test_looks_out(text: str, now: datetime, out: bool) -> None:
    assert looks_out(parsed(text), CONFIG, now) is out


# --- the approval's problems -----------------------------------------------------------------


def test_a_required_hash_missing_is_an_error_at_the_step() -> None:
    rules = config_dict()["rules"]
    rules["types"]["press-release"]["approval_hash"] = "required"
    config = parse_config(config_text(config_dict(rules=rules)))
    text = item("Т")
    found, problems = judge(parsed(text, config=config), config, NOW)
    assert found == Verdict(State.INVALID)
    source = "content/" + REL
    assert said(problems) == [
        (line_of(text, "approval:"), "error", "APPROVAL_HASH_MISSING", {"source": source, "by": "aliev"})
    ]


def test_an_unknown_approver_is_named_with_the_people_known() -> None:
    text = item("Т", approval={"by": "nobody", "at": "2026-11-21T09:00:00+06:00"})  # after the date too
    found, problems = verdict_of(text)
    assert found == Verdict(State.INVALID)
    known = "aliev, sydykova, petrov, old"
    line = line_of(text, "  by:")
    assert problems == [
        (line, "error", "UNKNOWN_PERSON", {"key": "approval.by", "value": "nobody", "known": known})
    ]


def test_the_author_may_not_approve_with_four_eyes() -> None:
    text = item("Т", author="aliev")
    found, problems = verdict_of(text)
    assert found == Verdict(State.INVALID)
    assert problems == [(line_of(text, "  by:"), "error", "APPROVER_IS_AUTHOR", {"person": "aliev"})]
    rules = config_dict()["rules"]
    rules["types"]["press-release"]["four_eyes"] = False
    config = parse_config(config_text(config_dict(rules=rules)))
    assert verdict_of(text, config=config) == (Verdict(State.PUBLISHED), [])


@pytest.mark.parametrize(
    ("active", "day", "window"),
    [
        ({"from": "2020-01-01", "to": "2024-12-31"}, "2026-11-20", ("2020-01-01", "2024-12-31")),
        ({"to": "2024-12-31"}, "2026-11-20", ("…", "2024-12-31")),
        ({"from": "2026-11-21"}, "2026-11-20", ("2026-11-21", "…")),
    ],
)
def test_an_approver_out_of_office_is_named_with_the_window(active: dict, day: str, window: tuple) -> None:
    data = config_dict()
    data["people"][1] = {**data["people"][1], "active": active}
    config = parse_config(config_text(data))
    # 20 Nov 01:00 in Bishkek is still 19 Nov in UTC: the day is the site's
    at = f"{day}T01:00:00+06:00"
    text = item("Т", f"{day}T10:00:00+06:00", approval={"by": "sydykova", "at": at})
    found, problems = verdict_of(text, config=config)
    assert found == Verdict(State.INVALID)
    args = {"person": "sydykova", "at": f"{day} 01:00", "start": window[0], "end": window[1]}
    assert problems == [(line_of(text, "  by:"), "error", "APPROVER_INACTIVE", args)]


def test_an_approver_active_on_the_site_s_day_passes() -> None:
    data = config_dict()
    data["people"][1] = {**data["people"][1], "active": {"from": "2026-11-20", "to": "2026-11-20"}}
    config = parse_config(config_text(data))
    # 20 Nov 01:00 in Bishkek is 19 Nov 19:00 UTC: still the 20th for the site
    text = item("Т", approval={"by": "sydykova", "at": "2026-11-20T01:00:00+06:00"})
    assert verdict_of(text, config=config) == (Verdict(State.PUBLISHED), [])


def test_approver_problems_are_at_the_line_given() -> None:
    found = approver_problems(parsed(item("Т")), CONFIG, "petrov", NOW, 7)
    assert [p.line for p in found] == [7, 7] and all(p.is_error for p in found)  # role; author


# --- an approval after the item's date -------------------------------------------------------


def _after(text: str, at: str, config=CONFIG) -> list[tuple]:
    return said(after_date(parsed(text), config, datetime.fromisoformat(at), 5))


def test_an_approval_at_or_before_the_date_is_no_problem() -> None:
    text = item("Т")
    assert _after(text, DATE) == []
    assert _after(text, "2026-11-20T04:00:00+00:00") == []  # the same instant
    assert _after(text, "2026-11-20T09:00:00+06:00") == []


def test_an_approval_after_the_date_without_a_note_is_an_error() -> None:
    assert _after(item("Т"), "2026-11-20T10:00:01+06:00") == [
        (5, "error", "APPROVAL_AFTER_DATE", {"at": "2026-11-20 10:00", "date": "2026-11-20 10:00"})
    ]


def test_an_approval_of_an_event_after_its_date_needs_a_change_note() -> None:
    text = item("Т", **announcement_fields())
    rel = "announcements/a.md"
    found = said(
        after_date(parsed(text, rel), CONFIG, datetime.fromisoformat("2026-11-21T09:00:00+06:00"), 5), rel
    )
    assert found == [
        (5, "error", "EVENT_CHANGE_NOTE", {"at": "2026-11-21 09:00", "date": "2026-11-20 10:00"})
    ]


@pytest.mark.parametrize(
    ("note_at", "problem"),
    [
        ("2026-11-21T09:00:00+06:00", None),  # the note at exactly the approval: it explains it
        ("2026-11-20T10:00:01+06:00", None),
        ("2026-11-20T10:00:00+06:00", "APPROVAL_AFTER_DATE"),  # at the date: no change after it
        ("2026-11-21T09:00:01+06:00", "CORRECTION_AFTER_APPROVAL"),  # dated after the approval
    ],
)
def test_a_correction_between_the_date_and_the_approval_explains_it(
    note_at: str, problem: str | None
) -> None:
    note = "Исправлено   время\nначала."
    text = item("Т", corrections=[{"at": note_at, "note": note}])
    found = _after(text, "2026-11-21T09:00:00+06:00")
    if problem is None:
        assert found == []
    elif problem == "CORRECTION_AFTER_APPROVAL":
        args = {"note": "Исправлено время начала.", "date": "2026-11-21 09:00", "at": "2026-11-21 09:00"}
        assert found == [(line_of(text, "- at:"), "error", problem, args)]
    else:
        assert [f[2] for f in found] == [problem]


def test_the_first_correction_dated_after_the_approval_is_named() -> None:
    corrections = [
        {"at": "2026-11-19T09:00:00+06:00", "note": "Раньше даты."},
        {"at": "2026-11-21T10:00:00+06:00", "note": "Первая после."},
        {"at": "2026-11-21T11:00:00+06:00", "note": "Вторая после."},
    ]
    text = item("Т", corrections=corrections)
    [(line, _, code, args)] = _after(text, "2026-11-21T09:00:00+06:00")
    assert code == "CORRECTION_AFTER_APPROVAL" and args["note"] == "Первая после."
    lines = [n for n, row in enumerate(text.split("\n"), 1) if row.startswith("- at:")]
    assert line == lines[1]


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("a" * 60, "a" * 60),
        ("a" * 61, "a" * 59 + "…"),
        ("слово " * 11, ("слово " * 10).rstrip() + "…"),  # 65 letters: cut after a word, its space gone
        ("  два\n  слова  ", "два слова"),
    ],
)
def test_a_note_is_named_by_its_first_words(text: str, cut: str) -> None:
    assert verdict._cut(text) == cut


STEPS = ["press_secretary", "pr_department"]


def stepped(approval_hash: str = "optional"):
    rules = config_dict()["rules"]
    rules["types"]["press-release"] = {"steps": STEPS, "four_eyes": True, "approval_hash": approval_hash}
    return parse_config(config_text(config_dict(rules=rules)))


def two_steps(first: dict, second: dict) -> str:
    head = item("Т", approval=None, author="old").split("status: approved\n")[0]
    rows = []
    for row in (first, second):
        keys = list(row.items())
        rows.append(f"  - {keys[0][0]}: {keys[0][1]}")
        rows += [f"    {k}: {v}" for k, v in keys[1:]]
    return head + "status: approved\napproval:\n" + "\n".join(rows) + "\n---\nТекст.\n"


FIRST = {"step": "press_secretary", "by": "petrov", "at": "2026-11-20T08:00:00+06:00"}
SECOND = {"by": "aliev", "at": "2026-11-20T09:00:00+06:00"}


def test_each_step_s_approver_problem_is_said_at_that_step_s_by() -> None:
    config = stepped()
    text = two_steps(FIRST | {"by": "nobody"}, SECOND | {"by": "ghost"})
    found, problems = judge(parsed(text, config=config), config, NOW)
    assert found == Verdict(State.INVALID)
    bys = [n for n, line in enumerate(text.split("\n"), 1) if line.strip().startswith(("by:", "- by:"))]
    unknown = [(p[0], p[3]["value"]) for p in said(problems) if p[2] == "UNKNOWN_PERSON"]
    assert unknown == [(bys[0], "nobody"), (bys[1], "ghost")]


def test_a_required_hash_missing_is_said_at_each_step() -> None:
    config = stepped("required")
    text = two_steps(FIRST, SECOND)
    found, problems = judge(parsed(text, config=config), config, NOW)
    assert found == Verdict(State.INVALID)
    starts = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith("  - ")]
    missing = [(p[0], p[3]["by"]) for p in said(problems) if p[2] == "APPROVAL_HASH_MISSING"]
    assert missing == [(starts[0], "petrov"), (starts[1], "aliev")]


def test_steps_in_the_wrong_time_order_are_said_in_the_site_s_zone() -> None:
    config = stepped()
    text = two_steps(FIRST | {"at": "2026-11-20T03:30:00+00:00"}, SECOND)  # 09:30 in Bishkek
    found, problems = judge(parsed(text, config=config), config, NOW)
    assert found == Verdict(State.INVALID)
    [(_, _, code, args)] = said(problems)
    assert code == "STEP_TIME_ORDER" and args["before"] == "2026-11-20 09:30", args


def test_a_note_cut_at_a_space_loses_the_space() -> None:
    assert verdict._cut("а" * 58 + " " + "б" * 10) == "а" * 58 + "…"


def test_an_approval_after_the_date_is_said_at_its_time() -> None:
    text = item("Т", approval={"by": "aliev", "at": "2026-11-21T09:00:00+06:00"})
    found, problems = verdict_of(text)
    assert found == Verdict(State.INVALID)
    args = {"at": "2026-11-21 09:00", "date": "2026-11-20 10:00"}
    assert problems == [(line_of(text, "  at:"), "error", "APPROVAL_AFTER_DATE", args)]


def test_a_missing_final_step_is_said_once_not_as_a_missing_date() -> None:
    config = stepped()
    text = two_steps(FIRST, SECOND).replace("date: 2026-11-20T10:00:00+06:00\n", "")
    text = text.split("  - by: aliev")[0] + "---\nТекст.\n"  # the first step only, no date
    found, problems = judge(parsed(text, config=config), config, NOW)
    assert found == Verdict(State.INVALID)
    assert [p[2] for p in said(problems)] == ["STEP_MISSING"]


def test_a_correction_after_the_approval_is_said_at_its_time_key() -> None:
    corrections = "corrections:\n  - note: Поздняя правка.\n    at: 2026-11-21T10:00:00+06:00\n"
    text = item("Т").replace("status: approved\n", corrections + "status: approved\n")
    [(line, _, code, _)] = _after(text, "2026-11-21T09:00:00+06:00")
    assert code == "CORRECTION_AFTER_APPROVAL" and line == line_of(text, "    at:")
