"""The steps of an approval: which a type has, in which order, and who may give each.

A type's `steps` (config.yaml `rules.types.<type>.steps`) are roles in the order they
approve, e.g. `[division_head, pr_department]`; `division_head` is given by a person whose
`heads` lists the item's division.  A type without steps has one, `approval`, given by a
person with one of its `approver_roles`.  An item's `approval:` is a mapping for one step
or a list of them in step order; a step not named is the type's last.
"""

from __future__ import annotations

from itertools import pairwise

from site_builder.errors import Problem, problem
from site_builder.load.config import Config, Person, TypeName, TypeRule
from site_builder.load.model import Approval, Item

DIVISION_HEAD = "division_head"
SINGLE = "approval"  # the one step of a type that lists no steps


def steps(config: Config, kind: TypeName) -> tuple[str, ...]:
    """The steps of a type, in order."""
    return tuple(config.rules.for_type(kind).steps) or (SINGLE,)


def step_of(approval: Approval, names: tuple[str, ...]) -> str:
    """The step an approval is for: its own `step:`, else the type's last."""
    return approval.step or names[-1]


class Lines:
    """Where an item's approval keys are, the line map read once, when first asked (it is
    kept packed in the item: most judgements never need it)."""

    def __init__(self, item: Item) -> None:
        self.item = item
        self.found: dict[tuple, int] | None = None

    def of(self, index: int, *keys: str) -> int:
        """The line of an approval's key, whether `approval:` is a list or one mapping."""
        if self.found is None:
            self.found = self.item.lines
        lines = self.found
        loc = ("approval", index, *keys) if ("approval", index) in lines else ("approval", *keys)
        for end in range(len(loc), 0, -1):
            if loc[:end] in lines:
                return lines[loc[:end]]
        return lines.get(("status",), 1)


def line_of(item: Item, index: int, *keys: str) -> int:
    return Lines(item).of(index, *keys)


def role_problems(item: Item, rule: TypeRule, person: Person, step: str | None, line: int) -> list[Problem]:
    """May this person give this step of this item (`rule`: its type's), by role (or, for
    division_head, by division)?"""
    path = "content/" + item.source
    names = tuple(rule.steps) or (SINGLE,)
    step = step or names[-1]
    if step not in names:
        return []  # an unknown step: order_problems says so
    if step == SINGLE and not rule.steps:
        if set(person.roles) & set(rule.approver_roles):
            return []
        roles, allowed = ", ".join(person.roles) or "—", ", ".join(rule.approver_roles)
        args = {"person": person.id, "kind": item.kind, "roles": roles, "allowed": allowed}
        return [problem(path, line, "error", "APPROVER_ROLE", **args)]
    if step == DIVISION_HEAD:
        division = item.meta.division
        if division is None:
            return [problem(path, line, "error", "DIVISION_HEAD_NO_DIVISION")]
        if division not in person.heads:
            return [problem(path, line, "error", "NOT_DIVISION_HEAD", person=person.id, division=division)]
        return []
    if step not in person.roles:
        roles = ", ".join(person.roles) or "—"
        return [problem(path, line, "error", "STEP_ROLE", person=person.id, step=step, roles=roles)]
    return []


def order_problems(item: Item, config: Config, names: tuple[str, ...]) -> list[Problem]:
    """Every step (`names`: the type's) once, in order, in time order, each by a different person."""
    approvals: list[Approval] = item.meta.approvals  # type: ignore[assignment]
    if len(approvals) == len(names) == 1 and step_of(approvals[0], names) == names[0]:
        return []  # one step, given once: nothing to compare
    path, where = "content/" + item.source, Lines(item)
    shown = ", ".join(names)
    out: list[Problem] = []
    done: dict[str, int] = {}  # step → index of its approval
    by: dict[str, str] = {}  # person → the step they gave
    for index, approval in enumerate(approvals):
        step = step_of(approval, names)
        line = where.of(index, "step")
        if step not in names:
            args = {"step": step, "kind": item.kind, "steps": shown, "source": path}
            out.append(problem(path, line, "error", "STEP_UNKNOWN", **args))
        elif step in done:
            out.append(problem(path, line, "error", "STEP_TWICE", step=step))
        else:
            done[step] = index
        if approval.by in by:
            args = {"person": approval.by, "other": by[approval.by], "step": step}
            out.append(problem(path, where.of(index, "by"), "error", "STEP_SAME_PERSON", **args))
        by.setdefault(approval.by, step)
    present = [name for name in names if name in done]  # in the type's order
    recorded = sorted(present, key=done.__getitem__)  # in the file's order
    for should, was in zip(present, recorded, strict=True):
        if should != was:
            line = where.of(done[was], "step")
            out.append(problem(path, line, "error", "STEP_ORDER", step=was, first=should, steps=shown))
            break
    for earlier, later in pairwise(present):
        first, then = approvals[done[earlier]], approvals[done[later]]
        if then.at < first.at:
            tz = config.tz
            args = {"step": later, "previous": earlier, "at": _shown(then, tz), "before": _shown(first, tz)}
            out.append(problem(path, where.of(done[later], "at"), "error", "STEP_TIME_ORDER", **args))
    missing = [name for name in names if name not in done]
    if missing and approvals:
        args = {"missing": ", ".join(missing), "kind": item.kind, "steps": shown, "source": path}
        out.append(problem(path, item.line("approval"), "error", "STEP_MISSING", **args))
    return out


def _shown(approval: Approval, tz) -> str:
    return approval.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def standing(item: Item, config: Config) -> list[Approval]:
    """The approvals `approve` keeps when it adds the next step: all of them, when they are
    the first steps in order and all of this very text (their hash is the item's digest);
    else none, and the steps start again (after an edit, or from a broken record)."""
    names = steps(config, item.kind)
    approvals: list[Approval] = list(item.meta.approvals)  # type: ignore[arg-type]
    in_order = [step_of(a, names) for a in approvals] == list(names[: len(approvals)])
    if not in_order or any(approval.hash != item.digest for approval in approvals):
        return []
    return approvals


def next_step(item: Item, config: Config) -> str | None:
    """The step `approve` gives next; None when every step of this text is done."""
    names = steps(config, item.kind)
    done = len(standing(item, config))
    return names[done] if done < len(names) else None
