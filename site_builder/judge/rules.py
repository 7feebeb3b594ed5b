"""Approval and publication rules: pure functions from items, config and now to problems.

Every item gets a State; only PUBLISHED and WITHDRAWN items (the latter as a notice)
reach any output.  An item whose status claims an approval that does not hold is an
error, not a silent omission: the PR department must know.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from site_builder.errors import Problem, problem
from site_builder.judge import workdays
from site_builder.judge.workdays import WorkingDays
from site_builder.load.config import Config
from site_builder.load.model import Announcement, Item, MediaPlan, Rebuttal
from site_builder.speed import cache


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
T = TypeVar("T")


@dataclass(frozen=True)
class Verdict:
    state: State
    goes_out: datetime | None = None


def fmt(moment: datetime | None, config: Config) -> str:
    return moment.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") if moment else "—"


# last_change(source): when the file's current text was committed; None when unknown
# (no git, a shallow clone, uncommitted edits).  Supplied by the caller (gitverify).
LastChange = Callable[[str], "datetime | None"]


def _unknown(source: str) -> datetime | None:
    return None


def judge(
    item: Item, config: Config, now: datetime, last_change: LastChange = _unknown
) -> tuple[Verdict, list[Problem]]:
    """Decide whether one item is out, and say why not."""
    meta, path = item.meta, "content/" + item.source
    out: list[Problem] = []
    if meta.status in ("draft", "review") and _is_out(item, config, now, last_change):
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
    out += _approval_problems(item, config, now)
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
    if _hash_mismatch(item, config):
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
                by=approval.by,
                at=fmt(approval.at, config),
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


def _is_out(item: Item, config: Config, now: datetime, last_change: LastChange) -> bool:
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
    return not any(p.is_error for p in _approval_problems(item, config, now))


def _edited_while_embargoed(item: Item, last_change: LastChange) -> bool:
    """Does git show the current text committed before the date, so the approved one never went out?"""
    edited = last_change(item.source)
    return edited is not None and item.meta.date is not None and edited < item.meta.date


def _hash_mismatch(item: Item, config: Config) -> bool:
    approval = item.meta.approval
    return approval is not None and approval.hash is not None and approval.hash != item.digest


def _approval_problems(item: Item, config: Config, now: datetime) -> list[Problem]:
    meta, path = item.meta, "content/" + item.source
    rule = config.rules.for_type(item.kind)
    out: list[Problem] = []
    if meta.date is None:
        out.append(problem(path, item.line("status"), "error", "DATE_MISSING"))
    approval = meta.approval
    if approval is None:
        out.append(problem(path, item.line("status"), "error", "APPROVAL_MISSING", status=meta.status))
        return out
    out += approver_problems(item, config, approval.by, approval.at, item.line("approval", "by"))
    if config.person(approval.by) is None:
        return out
    if rule.approval_hash == "required" and approval.hash is None:
        out.append(
            problem(
                path,
                item.line("approval"),
                "error",
                "APPROVAL_HASH_MISSING",
                source=path,
                by=approval.by,
            )
        )
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


def approver_problems(item: Item, config: Config, person_id: str, at: datetime, line: int) -> list[Problem]:
    """May this person approve this item at this moment?  (role, four-eyes, validity window)"""
    path = "content/" + item.source
    rule = config.rules.for_type(item.kind)
    person = config.person(person_id)
    if person is None:
        known = ", ".join(p.id for p in config.people)
        return [
            problem(path, line, "error", "UNKNOWN_PERSON", key="approval.by", value=person_id, known=known)
        ]
    out: list[Problem] = []
    if not set(person.roles) & set(rule.approver_roles):
        out.append(
            problem(
                path,
                line,
                "error",
                "APPROVER_ROLE",
                person=person.id,
                kind=item.kind,
                roles=", ".join(person.roles) or "—",
                allowed=", ".join(rule.approver_roles),
            )
        )
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


def _structure(item: Item, config: Config, days: WorkingDays) -> list[Problem]:
    """Rules on the shape of each kind, for every item past draft."""
    meta, path = item.meta, "content/" + item.source
    out: list[Problem] = []
    if meta.withdrawn is not None and meta.status != "withdrawn":
        out.append(problem(path, item.line("withdrawn"), "error", "WITHDRAWN_STATUS", status=meta.status))
    for index, correction in enumerate(meta.corrections):
        if meta.date is not None and correction.at < meta.date:
            out.append(problem(path, item.line("corrections", index), "error", "CORRECTION_BEFORE_DATE"))
    if isinstance(meta, Rebuttal):
        if meta.original is None:
            out.append(problem(path, 1, "error", "REBUTTAL_ORIGINAL"))
        if meta.detected_at is None:
            out.append(problem(path, 1, "error", "REBUTTAL_DETECTED"))
        complete = [f for f in meta.facts if f.claim.strip() and f.fact.strip()]
        if meta.verdict != "accurate" and not complete:
            out.append(problem(path, item.line("facts"), "error", "REBUTTAL_FACTS"))
        for index, fact in enumerate(meta.facts):
            if bool(fact.claim.strip()) != bool(fact.fact.strip()):
                out.append(problem(path, item.line("facts", index), "error", "REBUTTAL_FACT_HALF"))
        limit = config.rules.for_type("rebuttal").response_limit_days
        if meta.detected_at and meta.date and limit is not None:
            most = max(limit, workdays.MOST_SHOWN)
            delay = days.between(
                meta.detected_at.astimezone(config.tz).date(),
                meta.date.astimezone(config.tz).date(),
                most=most + 1,
            )
            if delay > limit:
                shown = workdays.shown(delay, most)
                out.append(
                    problem(path, item.line("date"), "warning", "REBUTTAL_LATE", delay=shown, limit=limit)
                )
    elif isinstance(meta, Announcement):
        event = meta.event
        if event.ends is not None and event.ends < event.starts:
            out.append(problem(path, item.line("event", "ends"), "error", "EVENT_ENDS_BEFORE"))
        if not event.location and not event.online_url:
            out.append(problem(path, item.line("event"), "error", "EVENT_NO_PLACE"))
        if event.status == "cancelled" and not event.cancel_reason:
            out.append(problem(path, item.line("event", "status"), "error", "EVENT_CANCEL_REASON"))
    elif isinstance(meta, MediaPlan):
        if meta.period.from_ > meta.period.to:
            out.append(problem(path, item.line("period"), "error", "PERIOD_REVERSED"))
        for index, entry in enumerate(meta.entries):
            if not meta.period.from_ <= entry.date <= meta.period.to:
                out.append(
                    problem(
                        path,
                        item.line("entries", index, "date"),
                        "warning",
                        "ENTRY_OUTSIDE_PERIOD",
                        date=entry.date.isoformat(),
                    )
                )
    return out


OVERDUE_WINDOW = timedelta(days=31)


def plan_overdue(item: Item, config: Config, now: datetime) -> list[Problem]:
    """Published plan entries of the last month whose date passed with nothing done or linked.

    Older misses stay marked "overdue" on the plan page; warning about them on every
    build of a ten-year archive would bury the warnings that can still be acted on.
    """
    assert isinstance(item.meta, MediaPlan)
    today = now.astimezone(config.tz).date()
    return [
        problem(
            "content/" + item.source,
            item.line("entries", index, "date"),
            "warning",
            "PLAN_ENTRY_OVERDUE",
            date=entry.date.isoformat(),
            topic=entry.topic[:80],
        )
        for index, entry in enumerate(item.meta.entries)
        if entry.status == "planned" and entry.ref is None and today - OVERDUE_WINDOW <= entry.date < today
    ]


def _references(
    item: Item, config: Config, by_source: dict[str, Item], verdicts: dict[str, Verdict]
) -> list[Problem]:
    meta, path = item.meta, "content/" + item.source
    out: list[Problem] = []
    people = {p.id for p in config.people}
    divisions = {d.id for d in config.divisions}
    if meta.division is not None and meta.division not in divisions:
        out.append(
            problem(
                path,
                item.line("division"),
                "error",
                "UNKNOWN_DIVISION",
                key="division",
                value=meta.division,
                known=", ".join(sorted(divisions)),
            )
        )
    if meta.author is not None and meta.author not in people:
        out.append(
            problem(
                path,
                item.line("author"),
                "error",
                "UNKNOWN_PERSON",
                key="author",
                value=meta.author,
                known=", ".join(sorted(people)),
            )
        )
    for link in item.md_links:
        target = by_source.get(link.target)
        if target is None:
            out.append(problem(path, link.line, "error", "BROKEN_LINK", target=link.target))
        elif verdicts[target.source].state not in VISIBLE and verdicts[item.source].state in VISIBLE:
            out.append(problem(path, link.line, "warning", "LINK_UNPUBLISHED", target=link.target))
    if isinstance(meta, MediaPlan):
        for index, entry in enumerate(meta.entries):
            if entry.responsible not in people and entry.responsible not in divisions:
                out.append(
                    problem(
                        path,
                        item.line("entries", index, "responsible"),
                        "error",
                        "UNKNOWN_PERSON",
                        key="responsible",
                        value=entry.responsible,
                        known=", ".join(sorted(people | divisions)),
                    )
                )
            if entry.ref is not None:
                ref = entry.ref.removeprefix("content/")
                if ref not in by_source:
                    out.append(
                        problem(
                            path,
                            item.line("entries", index, "ref"),
                            "error",
                            "BAD_REF",
                            value=entry.ref[:120],
                        )
                    )
    return out


@dataclass(frozen=True)
class Judgement:
    verdicts: dict[str, Verdict]  # by item source
    problems: list[Problem]


# memo(key, make): the value for key, made by make() when not kept (Cache.memo); a
# long-running process (the preview server) keeps each item's judgement between builds.
Memo = Callable[[Hashable, Callable[[], T]], T]


def check(
    items: list[Item],
    config: Config,
    now: datetime,
    last_change: LastChange = _unknown,
    memo: Memo | None = None,
    days: WorkingDays | None = None,
) -> Judgement:
    """Judge every item and the site as a whole.

    What the rules find for one item alone depends on its file, the settings and, of
    `now`, only on which of the item's own dates and times have passed and on today's
    date; `memo` may keep it under that key.  A judgement that asked git is not kept.
    """
    days = days or WorkingDays(config.calendar)
    verdicts: dict[str, Verdict] = {}
    problems: list[Problem] = []
    by_source = {item.source: item for item in items}
    settings = cache.key(config.model_dump_json(), str(now.astimezone(config.tz).date())) if memo else ""
    asked: list[str] = []

    def asking(source: str) -> datetime | None:
        asked.append(source)
        return last_change(source)

    def alone(item: Item) -> tuple[Verdict, list[Problem], list[Problem] | None, bool]:
        """The item's verdict and problems, its references' problems when they do not
        depend on other items (None when they do), and whether git was asked."""
        before = len(asked)
        verdict, found = judge(item, config, now, asking)
        if item.meta.status != "draft":
            found += _structure(item, config, days)
        if verdict.state in VISIBLE and isinstance(item.meta, MediaPlan):
            found += plan_overdue(item, config, now)
        references = None
        if not item.md_links and not isinstance(item.meta, MediaPlan):  # no other item's state
            references = _references(item, config, by_source, verdicts)
        return verdict, found, references, len(asked) > before

    referenced: list[list[Problem] | None] = []
    for item in items:
        if memo is None or not item.fingerprint:
            verdict, found, references, _ = alone(item)
        else:
            passed = bisect_right(item.moments, now)  # sorted at parse time
            made: list[bool] = []
            verdict, found, references, asked_git = memo(
                (settings, item.fingerprint, passed),
                lambda item=item, made=made: made.append(True) or alone(item),
            )
            if asked_git and not made:  # git's answer may change without the file changing
                verdict, found, references, asked_git = alone(item)
        verdicts[item.source] = verdict
        problems += found
        referenced.append(references)
    for item, references in zip(items, referenced, strict=True):
        problems += _references(item, config, by_source, verdicts) if references is None else references
    problems += _collisions(items)
    if config.rules.kyrgyz_first:
        problems += kyrgyz_first(items, verdicts)
    return Judgement(verdicts, problems)


def kyrgyz_first(items: list[Item], verdicts: dict[str, Verdict]) -> list[Problem]:
    """Every published item needs a published Kyrgyz version or a stated exception: a
    withdrawn Kyrgyz version says nothing in Kyrgyz any more (its face is a notice)."""
    kyrgyz = {i.key for i in items if i.lang == "ky" and verdicts[i.source].state == State.PUBLISHED}
    return [
        problem(
            "content/" + item.source, item.line("id") or 1, "error", "KY_TRANSLATION_MISSING", key=item.key
        )
        for item in items
        if item.lang != "ky"
        and verdicts[item.source].state == State.PUBLISHED
        and item.key not in kyrgyz
        and not item.meta.translation_exception
    ]


def _collisions(items: list[Item]) -> list[Problem]:
    out: list[Problem] = []
    urls: dict[tuple[str, str, str], list[Item]] = defaultdict(list)
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        urls[(item.lang, item.kind, item.slug)].append(item)
        groups[(item.key, item.lang)].append(item)
    for same in urls.values():
        for item in same[1:]:
            out.append(
                problem(
                    "content/" + item.source,
                    item.line("slug"),
                    "error",
                    "DUPLICATE_URL",
                    slug=item.slug,
                    other="content/" + same[0].source,
                )
            )
    for same in groups.values():
        for item in same[1:]:
            out.append(
                problem(
                    "content/" + item.source,
                    item.line("lang"),
                    "error",
                    "DUPLICATE_TRANSLATION",
                    lang=item.lang,
                    other="content/" + same[0].source,
                )
            )
    return out
