"""One item's verdict: its State from its status, approval, dates and withdrawal, and why.

Only PUBLISHED and WITHDRAWN items (the latter as a notice) reach any output.  An item
whose status claims an approval that does not hold is an error, not a silent omission:
the PR department must know.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from site_builder.errors import Problem, problem
from site_builder.judge import approvals as steps
from site_builder.judge.signatures import Signatures
from site_builder.load.config import Config
from site_builder.load.model import Announcement, Approval, Item


class State(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    RESTRICTED = "restricted"
    INVALID = "invalid"  # claims approval, but the approval does not hold
    SCHEDULED = "scheduled"  # approved, embargoed until its date
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"  # was published; now shows only the withdrawal notice
    UNPUBLISHED = "unpublished"  # withdrawn before it ever went out


VISIBLE = (State.PUBLISHED, State.WITHDRAWN)


@dataclass(frozen=True)
class Verdict:
    state: State
    goes_out: datetime | None = None


def fmt(moment: datetime | None, config: Config) -> str:
    return moment.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") if moment else "—"


def judge(
    item: Item, config: Config, now: datetime, signatures: Signatures | None = None
) -> tuple[Verdict, list[Problem]]:
    """Decide whether one item is out, and say why not.  `signatures`: the run's signature
    checks (rules.check makes them for every item at once); else made for this item.

    Whether an item that is not out *was* out (so its page would disappear) is the whole
    site's question, answered with git history by takedown.py.
    """
    meta, path = item.meta, "content/" + item.source
    out: list[Problem] = []
    signatures = signatures or Signatures([item], config)
    if meta.status == "draft":
        return Verdict(State.DRAFT), out
    if meta.status == "review":
        out.append(problem(path, item.line("status"), "info", "IN_REVIEW"))
        return Verdict(State.REVIEW), out
    if meta.confidentiality == "restricted":
        out.append(problem(path, item.line("confidentiality"), "info", "RESTRICTED_ITEM"))
        return Verdict(State.RESTRICTED), out
    if meta.status == "withdrawn" and meta.withdrawn is None:
        out.append(problem(path, item.line("status"), "error", "WITHDRAWN_MISSING"))
        return Verdict(State.INVALID), out
    if meta.status == "withdrawn" and meta.withdrawn and meta.date and meta.withdrawn.at < meta.date:
        out.append(
            problem(
                path,
                item.line("withdrawn", "at"),
                "info",
                "WITHDRAWN_UNPUBLISHED",
                date=fmt(meta.date, config),
            )
        )
        return Verdict(State.UNPUBLISHED), out
    before = len(out)
    out += _approval_problems(item, config, now, signatures)
    if any(p.is_error for p in out[before:]):
        return Verdict(State.INVALID), out
    approval = meta.approval
    assert approval is not None and meta.date is not None  # guaranteed by _approval_problems
    if approval.at > now:
        out.append(
            problem(
                path, item.line("approval", "at"), "info", "APPROVAL_PENDING", at=fmt(approval.at, config)
            )
        )
        return Verdict(State.SCHEDULED, meta.date), out
    stale = _hash_mismatch(item, config)
    if stale is not None:
        # From its date on the approved text is (or would have been) out, so the file must
        # be it: an error whatever git's commit dates say (they can be back-dated).  Before
        # the date the release is held until the new text is approved.
        live = meta.date <= now
        out.append(
            problem(
                path,
                item.line("approval"),
                "error" if live else "warning",
                "APPROVAL_HASH_LIVE" if live else "APPROVAL_HASH_MISMATCH",
                by=stale.by,
                at=fmt(stale.at, config),
                date=fmt(meta.date, config),
                source=path,
            )
        )
        return Verdict(State.INVALID), out
    if meta.date > now:
        out.append(problem(path, item.line("date"), "info", "EMBARGOED", date=fmt(meta.date, config)))
        return Verdict(State.SCHEDULED, meta.date), out
    if meta.status == "withdrawn" and meta.withdrawn is not None and meta.withdrawn.at <= now:
        return Verdict(State.WITHDRAWN), out
    return Verdict(State.PUBLISHED), out


# Approval problems that say only when it was given, not that it does not hold: an
# approval after the date (for an event, without a change note) still released the text.
_TIMING = frozenset({"APPROVAL_AFTER_DATE", "EVENT_CHANGE_NOTE", "CORRECTION_AFTER_APPROVAL"})


def looks_out(item: Item, config: Config, now: datetime, signatures: Signatures | None = None) -> bool:
    """Does the file alone say its approved version went out?  The cautious reading of an
    item that is not out now, where git history cannot tell (no git, a shallow clone, a
    file never committed): a hashed approval that holds and a date that have both passed.

    Restricted, draft, under review or withdrawn before its date, the item counts as out
    all the same, and an edited text too (as for APPROVAL_HASH_LIVE, an edit of unknown
    time counts as made after it went out).
    """
    meta, approval = item.meta, item.meta.approval
    if approval is None or meta.date is None or approval.hash is None:
        return False  # a legacy approval without a hash proves nothing about what went out
    if approval.at > now or meta.date > now:
        return False
    signatures = signatures or Signatures([item], config)
    found = _approval_problems(item, config, now, signatures)
    return not any(p.is_error and p.code not in _TIMING for p in found)


def _hash_mismatch(item: Item, config: Config) -> Approval | None:
    """The first step approved over another text than the file's, if any."""
    for approval in item.meta.approvals:
        if approval.hash is not None and approval.hash != item.digest:
            return approval
    return None


def _approval_problems(item: Item, config: Config, now: datetime, signatures: Signatures) -> list[Problem]:
    meta, path = item.meta, "content/" + item.source
    rule = config.rules.for_type(item.kind)
    out: list[Problem] = []
    approval = meta.approval
    if approval is None:
        out.append(problem(path, item.line("status"), "error", "APPROVAL_MISSING", status=meta.status))
        return out
    names, where = tuple(rule.steps) or (steps.SINGLE,), steps.Lines(item)
    for index, given in enumerate(meta.approvals):
        line = where.of(index, "by")
        out += approver_problems(item, config, given.by, given.at, line, steps.step_of(given, names))
        if given.hash is None and (rule.approval_hash == "required" or given.signature):
            out.append(
                problem(path, where.of(index), "error", "APPROVAL_HASH_MISSING", source=path, by=given.by)
            )
    out += steps.order_problems(item, config, names) + signatures.problems(item)
    if meta.date is None and not any(p.is_error for p in out):  # the steps' problems say why, else this
        out.append(problem(path, item.line("status"), "error", "DATE_MISSING"))
    if config.person(approval.by) is None:
        return out
    out += after_date(item, config, approval.at, item.line("approval", "at"))
    return out


def after_date(item: Item, config: Config, at: datetime, line: int) -> list[Problem]:
    """An approval at `at` after the item's date, with no public note of a change between
    the two: what was approved is not what went out at the date.  (An item without `date:`
    goes out when approved: only an embargo, or a date pinned at publication, can pass.)"""
    meta, path = item.meta, "content/" + item.source
    if meta.date is None or at <= meta.date or any(meta.date < moment <= at for moment in item.notes):
        return []
    for index, correction in enumerate(meta.corrections):
        if correction.at > at:  # the note is there, dated after the approval it needs
            args = {"note": _cut(correction.note), "date": fmt(correction.at, config), "at": fmt(at, config)}
            return [
                problem(
                    path, item.line("corrections", index, "at"), "error", "CORRECTION_AFTER_APPROVAL", **args
                )
            ]
    # For an event, a re-approval after publication means its time or place changed.
    code = "EVENT_CHANGE_NOTE" if isinstance(meta, Announcement) else "APPROVAL_AFTER_DATE"
    return [problem(path, line, "error", code, at=fmt(at, config), date=fmt(meta.date, config))]


def _cut(text: str, most: int = 60) -> str:
    """A note's first words, to name it in a message."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def approver_problems(
    item: Item, config: Config, person_id: str, at: datetime, line: int, step: str | None = None
) -> list[Problem]:
    """May this person approve this item, or this step of it (default: the last), at this
    moment?  (role, four-eyes, validity window)"""
    path = "content/" + item.source
    rule = config.rules.for_type(item.kind)
    person = config.person(person_id)
    if person is None:
        known = ", ".join(p.id for p in config.people)
        return [
            problem(path, line, "error", "UNKNOWN_PERSON", key="approval.by", value=person_id, known=known)
        ]
    out = steps.role_problems(item, rule, person, step, line)
    if rule.four_eyes and item.meta.author == person.id:
        out.append(problem(path, line, "error", "APPROVER_IS_AUTHOR", person=person.id))
    if not person.active_on(at.astimezone(config.tz).date()):
        window = person.active
        out.append(
            problem(
                path,
                line,
                "error",
                "APPROVER_INACTIVE",
                person=person.id,
                at=fmt(at, config),
                start=str(window.from_ or "…") if window else "…",
                end=str(window.to or "…") if window else "…",
            )
        )
    return out
