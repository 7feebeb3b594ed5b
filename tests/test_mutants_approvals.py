"""The steps of an approval (judge/approvals.py), checked directly: who may give each step,
the order, time order and people of the steps given, where each problem is said, and
which steps `approve` keeps.  Fast and in-process: the module's mutation selection
(tests/MUTANTS.md); the CLI tests (test_trust_sig_approve.py, test_approve.py) reach these
only through whole runs.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sitekit import config_dict, config_text, item

from site_builder.judge import approvals
from site_builder.judge.approvals import (
    Lines,
    line_of,
    next_step,
    order_problems,
    role_problems,
    standing,
    step_of,
    steps,
)
from site_builder.load import markdown
from site_builder.load.config import parse_config
from site_builder.load.content import parse
from site_builder.load.discover import Source
from site_builder.load.model import Approval

REL = "press-releases/a.md"
PATH = "content/" + REL
MD = markdown.make_parser()
STEPS = ["division_head", "press_secretary", "pr_department"]


def config_with(steps_of_release: list[str] | None = None, **person_changes):
    data = config_dict()
    if steps_of_release is not None:
        data["rules"]["types"]["press-release"] = {"steps": steps_of_release, "four_eyes": True}
    data["people"].append(
        {"id": "head", "name": "Начальник", "roles": ["press_secretary"], "heads": ["transport"]}
    )
    data["people"].append({"id": "nobody", "name": "Без ролей", "roles": []})
    for person in data["people"]:
        person.update(person_changes.get(person["id"], {}))
    return parse_config(config_text(data))


CONFIG = config_with()
STEPPED = config_with(STEPS)


def with_steps(rows: list[dict], author: str = "sydykova", division: str | None = "transport") -> str:
    """A release whose `approval:` is this list of steps (keys in the order given)."""
    head = item("Т", approval=None, author=author, division=division).split("status: approved\n")[0]
    lines = [head + "status: approved", "approval:"]
    for row in rows:
        first = True
        for key, value in row.items():
            lines.append(("  - " if first else "    ") + f"{key}: {value}")
            first = False
    return "\n".join(lines) + "\n---\nТекст.\n"


def parsed(text: str, config=STEPPED):
    found, problems = parse(Source(REL, text.encode("utf-8")), config, MD)
    assert found is not None, problems
    return found


def lines_where(text: str, start: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start)]


def said(problems) -> list[tuple]:
    assert all(p.path == PATH for p in problems), problems  # every problem names its file
    return [(p.line, p.severity, p.code, dict(p.args)) for p in problems]


def test_a_type_without_steps_has_the_one_step_approval() -> None:
    assert steps(CONFIG, "press-release") == ("approval",) == (approvals.SINGLE,)
    assert steps(STEPPED, "press-release") == tuple(STEPS)
    assert steps(STEPPED, "rebuttal") == ("approval",)


def test_an_approval_without_a_step_is_for_the_last() -> None:
    at = datetime.fromisoformat("2026-11-20T09:00:00+06:00")
    assert step_of(Approval(by="a", at=at), ("x", "y")) == "y"
    assert step_of(Approval(by="a", at=at, step="x"), ("x", "y")) == "x"


# --- where a problem is said ------------------------------------------------------------------


def test_lines_of_one_approval_mapping() -> None:
    text = item("Т")
    found = parsed(text, CONFIG)
    [by] = lines_where(text, "  by:")
    [at] = lines_where(text, "  at:")
    [approval] = lines_where(text, "approval:")
    assert Lines(found).of(0, "by") == by == line_of(found, 0, "by")
    assert Lines(found).of(0, "at") == at
    assert Lines(found).of(0, "step") == approval  # no step: the approval's line
    assert Lines(found).of(0) == approval


def test_lines_of_a_list_of_steps() -> None:
    text = with_steps(
        [
            {"step": "division_head", "by": "head", "at": "2026-11-20T08:00:00+06:00"},
            {"by": "aliev", "at": "2026-11-20T09:00:00+06:00"},
        ]
    )
    found = parsed(text)
    lines = Lines(found)
    assert lines.of(0, "step") == lines_where(text, "  - step:")[0]
    assert lines.of(0, "by") == lines_where(text, "    by:")[0]
    assert lines.of(1, "by") == lines_where(text, "  - by:")[0]
    assert lines.of(1, "step") == lines_where(text, "  - by:")[0]  # no step: the element's line
    assert lines.of(1, "at") == lines_where(text, "    at:")[1]
    assert lines.of(1, "at") == lines.of(1, "at")  # asked again: the same map


def test_lines_without_an_approval_fall_back_to_the_status() -> None:
    text = item("Т", approval=None)
    found = parsed(text, CONFIG)
    assert Lines(found).of(0, "by") == lines_where(text, "status:")[0]


# --- who may give a step ------------------------------------------------------------------------


def roles_of(text: str, config, person: str, step: str | None) -> list[tuple]:
    found = parsed(text, config)
    rule = config.rules.for_type("press-release")
    return said(role_problems(found, rule, config.person(person), step, 9))


def test_one_step_is_given_by_a_person_with_an_allowed_role() -> None:
    text = item("Т")
    assert roles_of(text, CONFIG, "aliev", None) == []
    assert roles_of(text, CONFIG, "aliev", "approval") == []
    args = {
        "person": "petrov",
        "kind": "press-release",
        "roles": "press_secretary",
        "allowed": "pr_department",
    }
    assert roles_of(text, CONFIG, "petrov", None) == [(9, "error", "APPROVER_ROLE", args)]
    args = {"person": "nobody", "kind": "press-release", "roles": "—", "allowed": "pr_department"}
    assert roles_of(text, CONFIG, "nobody", None) == [(9, "error", "APPROVER_ROLE", args)]


def test_two_allowed_roles_are_both_named() -> None:
    data = config_dict()
    data["rules"]["types"]["press-release"]["approver_roles"] = ["pr_department", "head_of_office"]
    data["people"][0]["roles"] = ["head_of_office"]
    config = parse_config(config_text(data))
    assert roles_of(item("Т"), config, "aliev", None) == []
    args = {"person": "petrov", "kind": "press-release", "roles": "press_secretary"}
    assert roles_of(item("Т"), config, "petrov", None) == [
        (9, "error", "APPROVER_ROLE", {**args, "allowed": "pr_department, head_of_office"})
    ]


def test_a_step_unknown_to_the_type_is_for_order_problems_to_say() -> None:
    assert roles_of(item("Т"), STEPPED, "nobody", "editor") == []
    assert roles_of(item("Т"), CONFIG, "nobody", "editor") == []


def test_the_division_head_step_is_given_by_the_head_of_the_item_s_division() -> None:
    text = item("Т", approval=None)
    assert roles_of(text, STEPPED, "head", "division_head") == []
    args = {"person": "aliev", "division": "transport"}
    assert roles_of(text, STEPPED, "aliev", "division_head") == [(9, "error", "NOT_DIVISION_HEAD", args)]
    other = item("Т", approval=None, division="education")
    args = {"person": "head", "division": "education"}
    assert roles_of(other, STEPPED, "head", "division_head") == [(9, "error", "NOT_DIVISION_HEAD", args)]
    none = with_steps([{"by": "aliev", "at": "2026-11-20T09:00:00+06:00"}], division=None)
    none = none.replace("division: transport\n", "")
    assert roles_of(none, STEPPED, "head", "division_head") == [(9, "error", "DIVISION_HEAD_NO_DIVISION", {})]


def test_a_role_step_is_given_by_a_person_with_that_role() -> None:
    text = item("Т", approval=None)
    assert roles_of(text, STEPPED, "petrov", "press_secretary") == []
    assert roles_of(text, STEPPED, "aliev", None) == []  # the last step, pr_department
    args = {"person": "petrov", "step": "pr_department", "roles": "press_secretary"}
    assert roles_of(text, STEPPED, "petrov", None) == [(9, "error", "STEP_ROLE", args)]
    args = {"person": "nobody", "step": "press_secretary", "roles": "—"}
    assert roles_of(text, STEPPED, "nobody", "press_secretary") == [(9, "error", "STEP_ROLE", args)]


# --- the steps given: each once, in order, in time, by different people --------------------


def order_of(rows: list[dict], config=STEPPED, names: tuple[str, ...] | None = None) -> tuple[str, list]:
    text = with_steps(rows)
    found = parsed(text, config)
    names = names or steps(config, "press-release")
    return text, said(order_problems(found, config, names))


def row(step: str | None, by: str, at: str) -> dict:
    return ({"step": step} if step else {}) | {"by": by, "at": f"2026-11-20T{at}:00+06:00"}


ALL = [
    row("division_head", "head", "07:00"),
    row("press_secretary", "petrov", "08:00"),
    row(None, "aliev", "09:00"),
]


def test_every_step_once_in_order_is_no_problem() -> None:
    assert order_of(ALL)[1] == []
    same_time = [row("division_head", "head", "08:00"), row("press_secretary", "petrov", "08:00"), ALL[2]]
    assert order_of(same_time)[1] == []


def test_one_step_given_once_is_no_problem() -> None:
    found = parsed(item("Т"), CONFIG)
    assert order_problems(found, CONFIG, ("approval",)) == []


def test_one_step_given_as_another_is_unknown() -> None:
    text = with_steps([row("editor", "aliev", "09:00")])
    found = parsed(text, CONFIG)
    args = {"step": "editor", "kind": "press-release", "steps": "approval", "source": PATH}
    missing = {"missing": "approval", "kind": "press-release", "steps": "approval", "source": PATH}
    [approval] = lines_where(text, "approval:")
    assert said(order_problems(found, CONFIG, ("approval",))) == [
        (lines_where(text, "  - step:")[0], "error", "STEP_UNKNOWN", args),
        (approval, "error", "STEP_MISSING", missing),
    ]


def test_a_step_given_twice_is_named_at_the_second() -> None:
    rows = [*ALL[:2], row("press_secretary", "old", "08:30"), ALL[2]]
    text, found = order_of(rows)
    assert found == [(lines_where(text, "  - step:")[2], "error", "STEP_TWICE", {"step": "press_secretary"})]


def test_one_person_giving_two_steps_is_named_with_the_first() -> None:
    rows = [ALL[0], row("press_secretary", "head", "08:00"), ALL[2]]
    text, found = order_of(rows)
    args = {"person": "head", "other": "division_head", "step": "press_secretary"}
    assert found == [(lines_where(text, "    by:")[1], "error", "STEP_SAME_PERSON", args)]
    rows = [ALL[0], ALL[1], row(None, "head", "09:00")]
    text, found = order_of(rows)
    args = {"person": "head", "other": "division_head", "step": "pr_department"}
    assert found == [(lines_where(text, "  - by:")[0], "error", "STEP_SAME_PERSON", args)]


def test_steps_out_of_order_are_named_once_at_the_first_out_of_place() -> None:
    text, found = order_of([ALL[1], ALL[0], ALL[2]])  # the press secretary's step first
    args = {"step": "press_secretary", "first": "division_head", "steps": ", ".join(STEPS)}
    assert found == [(lines_where(text, "  - step:")[0], "error", "STEP_ORDER", args)]
    text, found = order_of([ALL[2], ALL[1], ALL[0]])  # all three reversed: still said once
    args = {"step": "pr_department", "first": "division_head", "steps": ", ".join(STEPS)}
    assert found[0] == (lines_where(text, "  - by:")[0], "error", "STEP_ORDER", args)
    assert [f[2] for f in found].count("STEP_ORDER") == 1


def test_a_later_step_given_before_an_earlier_one_is_a_time_order_error() -> None:
    rows = [row("division_head", "head", "08:00"), row("press_secretary", "petrov", "07:59"), ALL[2]]
    text, found = order_of(rows)
    args = {
        "step": "press_secretary",
        "previous": "division_head",
        "at": "2026-11-20 07:59",
        "before": "2026-11-20 08:00",
    }
    assert found == [(lines_where(text, "    at:")[1], "error", "STEP_TIME_ORDER", args)]


def test_time_order_is_said_in_the_site_s_zone() -> None:
    rows = [
        {"step": "division_head", "by": "head", "at": "2026-11-20T03:00:00+00:00"},
        {"step": "press_secretary", "by": "petrov", "at": "2026-11-20T02:59:00+00:00"},
        ALL[2],
    ]
    _, found = order_of(rows)
    assert [(f[2], f[3]["at"], f[3]["before"]) for f in found] == [
        ("STEP_TIME_ORDER", "2026-11-20 08:59", "2026-11-20 09:00")
    ]


def test_steps_missing_are_named_together_at_the_approval() -> None:
    text, found = order_of([ALL[2]])
    args = {
        "missing": "division_head, press_secretary",
        "kind": "press-release",
        "steps": ", ".join(STEPS),
        "source": PATH,
    }
    assert found == [(lines_where(text, "approval:")[0], "error", "STEP_MISSING", args)]


def test_no_approval_at_all_is_not_a_missing_step() -> None:
    found = parsed(item("Т", approval=None), STEPPED)
    assert order_problems(found, STEPPED, tuple(STEPS)) == []


# --- what `approve` keeps -----------------------------------------------------------------------


def hashed_rows(rows: list[dict], config=STEPPED) -> tuple[str, list[dict]]:
    """The rows with the hash of the text they are in (the same for every step)."""
    text = with_steps(rows)
    digest = parsed(text, config).digest
    rows = [r | {"hash": f"'{digest}'"} for r in rows]
    return with_steps(rows), rows


def test_the_first_steps_in_order_of_this_text_stand() -> None:
    text, _ = hashed_rows(ALL[:2])
    found = parsed(text)
    assert [a.by for a in standing(found, STEPPED)] == ["head", "petrov"]
    assert next_step(found, STEPPED) == "pr_department"
    text, _ = hashed_rows(ALL)
    assert next_step(parsed(text), STEPPED) is None
    text, _ = hashed_rows(ALL[:1])
    assert next_step(parsed(text), STEPPED) == "press_secretary"


def test_steps_out_of_order_or_of_another_text_start_again() -> None:
    text, _ = hashed_rows([ALL[1]])
    assert standing(parsed(text), STEPPED) == [] and next_step(parsed(text), STEPPED) == "division_head"
    text, rows = hashed_rows(ALL[:2])
    text = with_steps([rows[0], rows[1] | {"hash": "'sha256:" + "0" * 64 + "'"}])
    assert standing(parsed(text), STEPPED) == []
    text = with_steps([rows[0] | {"hash": "'sha256:" + "0" * 64 + "'"}, rows[1]])
    assert standing(parsed(text), STEPPED) == []
    unhashed = with_steps(ALL[:1])
    assert standing(parsed(unhashed), STEPPED) == []


def test_no_step_given_is_the_first_to_give() -> None:
    found = parsed(item("Т", approval=None), STEPPED)
    assert standing(found, STEPPED) == [] and next_step(found, STEPPED) == "division_head"
    assert next_step(parsed(item("Т", approval=None), CONFIG), CONFIG) == "approval"


@pytest.mark.parametrize("index", [0, 1])
def test_the_element_s_own_line_when_the_key_is_missing(index: int) -> None:
    text = with_steps(ALL)
    assert Lines(parsed(text)).of(index, "hash") == lines_where(text, "  - step:")[index]


def test_line_of_a_step_in_a_list() -> None:
    text = with_steps(ALL)
    found = parsed(text)
    assert line_of(found, 1, "by") == lines_where(text, "    by:")[1]
    assert line_of(found, 2, "at") == lines_where(text, "    at:")[2]


def test_one_step_given_twice_is_said() -> None:
    text = with_steps([row(None, "aliev", "08:00"), row(None, "sydykova", "09:00")])
    found = parsed(text, CONFIG)
    assert [p.code for p in order_problems(found, CONFIG, ("approval",))] == ["STEP_TWICE"]


def test_two_steps_the_first_given_twice_is_said() -> None:
    config = config_with(["press_secretary", "pr_department"])
    rows = [row("press_secretary", "petrov", "08:00"), row("press_secretary", "head", "08:30")]
    text = with_steps(rows)
    found = parsed(text, config)
    codes = [p.code for p in order_problems(found, config, ("press_secretary", "pr_department"))]
    assert codes == ["STEP_TWICE", "STEP_MISSING"]


def test_a_step_problem_is_said_at_its_step_key_wherever_it_is() -> None:
    rows = [*ALL[:2], {"by": "old", "at": "2026-11-20T08:30:00+06:00", "step": "press_secretary"}, ALL[2]]
    text, found = order_of(rows)
    assert found == [(lines_where(text, "    step:")[0], "error", "STEP_TWICE", {"step": "press_secretary"})]


def test_steps_out_of_order_are_said_at_the_step_key_wherever_it_is() -> None:
    rows = [{"by": "petrov", "at": "2026-11-20T08:00:00+06:00", "step": "press_secretary"}, ALL[0], ALL[2]]
    text, found = order_of(rows)
    args = {"step": "press_secretary", "first": "division_head", "steps": ", ".join(STEPS)}
    assert found == [(lines_where(text, "    step:")[0], "error", "STEP_ORDER", args)]


def test_a_person_s_roles_are_all_named() -> None:
    data = config_dict()
    data["rules"]["types"]["rebuttal"]["approver_roles"] = ["head_of_office"]
    data["people"][2]["roles"] = ["press_secretary", "head_of_office"]
    config = parse_config(config_text(data))
    [(_, _, code, args)] = roles_of(item("Т"), config, "petrov", None)
    assert code == "APPROVER_ROLE" and args["roles"] == "press_secretary, head_of_office"
    two = {"steps": ["press_secretary", "pr_department"], "four_eyes": True}
    data["rules"]["types"]["press-release"] = two
    stepped = parse_config(config_text(data))
    [(_, _, code, args)] = roles_of(item("Т", approval=None), stepped, "petrov", None)
    assert code == "STEP_ROLE" and args["roles"] == "press_secretary, head_of_office"
