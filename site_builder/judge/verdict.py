"""One item's verdict: its State from its status, approval, dates and withdrawal, and why.

Only PUBLISHED and WITHDRAWN items (the latter as a notice) reach any output.  An item
whose status claims an approval that does not hold is an error, not a silent omission:
the PR department must know.
"""

from __future__ import annotations

from collections.abc import Callable
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


# last_change(source): when the file's current text was committed; None when unknown
# (no git, a shallow clone, uncommitted edits).  Supplied by the caller (gitverify).
LastChange = Callable[[str], "datetime | None"]


def no_history(source: str) -> datetime | None:
    return None


def judge(
    item: Item,
    config: Config,
    now: datetime,
    last_change: LastChange = no_history,
    signatures: Signatures | None = None,
) -> tuple[Verdict, list[Problem]]:
    """Decide whether one item is out, and say why not.  `signatures`: the run's signature
    checks (rules.check makes them for every item at once); else made for this item."""
    meta, path = item.meta, "content/" + item.source
    out: list[Problem] = []
    signatures = signatures or Signatures([item], config)
    if meta.status in ("draft", "review") and _is_out(item, config, now, last_change, signatures):
        # Its approval still holds for this very text and its date has passed: the page is
        # live, and a status change alone must not turn its URL into a 404.
        approval = meta.approval
        assert approval is not None
        out.append(
            problem(
                path,
                item.line("status"),
                "error",
                "STATUS_TAKES_DOWN",
                status=meta.status,
                by=approval.by,
                at=fmt(approval.at, config),
            )
        )
        return Verdict(State.INVALID), out
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
        # Out already, so the live page would change silently -- unless the history shows
        # this text was committed before the date, i.e. the edit came while it was embargoed
        # and the approved text never went out.
        live = meta.date <= now and not _edited_while_embargoed(item, last_change)
        out.append(
            problem(
                path,
                item.line("approval"),
                "error" if live else "warning",
                "APPROVAL_HASH_LIVE" if live else "APPROVAL_HASH_MISMATCH",
                by=stale.by,
                at=fmt(stale.at, config),
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


def _is_out(
    item: Item, config: Config, now: datetime, last_change: LastChange, signatures: Signatures
) -> bool:
    """Is the approved version of this item live on the site?

    Yes when a valid hashed approval and the date are both past, and the text is the
    approved one or was edited after it went out (as for APPROVAL_HASH_LIVE, an edit of
    unknown time counts as made after).
    """
    meta, approval = item.meta, item.meta.approval
    if approval is None or meta.date is None or approval.hash is None:
        return False  # a legacy approval without a hash proves nothing about what went out
    if meta.confidentiality == "restricted" or approval.at > now or meta.date > now:
        return False
    if approval.hash != item.digest and _edited_while_embargoed(item, last_change):
        return False
    return not any(p.is_error for p in _approval_problems(item, config, now, signatures))


def _edited_while_embargoed(item: Item, last_change: LastChange) -> bool:
    """Does git show the current text committed before the date, so the approved one never went out?"""
    edited = last_change(item.source)
    return edited is not None and item.meta.date is not None and edited < item.meta.date


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
    if meta.date is None:
        out.append(problem(path, item.line("status"), "error", "DATE_MISSING"))
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
    if config.person(approval.by) is None:
        return out
    if meta.date is not None and approval.at > meta.date:
        if not any(meta.date < at <= approval.at for at in item.notes):
            # For an event, a re-approval after publication means its time or place changed.
            code = "EVENT_CHANGE_NOTE" if isinstance(meta, Announcement) else "APPROVAL_AFTER_DATE"
            out.append(
                problem(
                    path,
                    item.line("approval", "at"),
                    "error",
                    code,
                    at=fmt(approval.at, config),
                    date=fmt(meta.date, config),
                )
            )
    return out


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
