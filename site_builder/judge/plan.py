"""What a media plan's entries truly are, and where an entry's own status says otherwise.

One truth for every output (the plan's page, the home page, the press centre, the open
data) and for the warnings: an entry is *done* when the item its `ref:` names is out and,
for an announcement, its event has taken place (its end, else its start, has passed);
*announced* while that event is still ahead; *cancelled* when the item was withdrawn or
its event cancelled.  What the site knows wins over the entry's `status:`, which speaks
only for an entry with nothing linked (an interview on the radio) or linked to an item
that is not out: `done` then counts only without a `ref:`.  An entry for social networks
(`channel: social`) is done only with proof that the post went out (`posted:`): without
it the entry stays planned, or overdue once its date has passed, whatever its item or
`status:` say.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from site_builder.errors import Problem, problem
from site_builder.judge.verdict import VISIBLE, State, Verdict, fmt
from site_builder.load.config import Config
from site_builder.load.model import Announcement, Common, Item, MediaPlan, PlanEntry

# Entry states, as the plan page's classes, the open data's `state` and the counts know them.
STATES = ("done", "announced", "planned", "overdue", "cancelled")
# A plan whose period ended longer ago than this is the archive: its entries are shown as
# they are, but warning about them on every build would bury the warnings that can still
# be acted on (and correcting a published plan means approving it again).
RECENT = timedelta(days=31)
# An entry still `planned` although its item went out this long ago is worth a warning;
# on the day itself the office has better things to do than edit the plan.
BEHIND_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Target:
    """What the site knows at `now` of the published (or withdrawn) item an entry links."""

    meta: Common
    withdrawn: bool


def took_place(meta: Common) -> datetime:
    """When the linked item is done: an event when it ends (or starts), else its publication."""
    if isinstance(meta, Announcement):
        return meta.event.ends or meta.event.starts
    assert meta.date is not None  # an item that is out has a date
    return meta.date


def cancelled(target: Target) -> bool:
    meta = target.meta
    return target.withdrawn or (isinstance(meta, Announcement) and meta.event.status == "cancelled")


def state(entry: PlanEntry, target: Target | None, now: datetime, today: date) -> str:
    """One entry's state at `now` (`target`: its linked item when that is out, else None)."""
    unproven = entry.channel == "social" and not entry.posted
    if target is not None:
        if cancelled(target):
            return "cancelled"
        if took_place(target.meta) > now:
            return "announced"
        if not unproven:
            return "done"
    elif entry.status == "cancelled" or (entry.status == "done" and entry.ref is None and not unproven):
        return entry.status
    return "overdue" if entry.date < today else "planned"


def site_problems(
    items: list[Item], config: Config, now: datetime, verdicts: dict[str, Verdict]
) -> list[Problem]:
    """`plan_problems` of every published plan, each entry's linked item taken as the plan's
    page shows it: out or withdrawn, in the plan's language when it has a version in it.

    A plan not yet out is left alone: a version approved for later (the plan brought up
    to date after an event) speaks of the moment it goes out, not of `now`."""
    plans = [
        i for i in items if isinstance(i.meta, MediaPlan) and verdicts[i.source].state == State.PUBLISHED
    ]
    if not plans:
        return []
    sources = {i.source for i in items}
    visible = {i.source: i for i in items if verdicts[i.source].state in VISIBLE}
    versions = {(i.key, i.lang): i for i in visible.values()}
    out: list[Problem] = []
    for plan in plans:

        def target(entry: PlanEntry, lang: str = plan.lang) -> Target | None:
            found = visible.get((entry.ref or "").removeprefix("content/"))
            if found is None:
                return None
            found = versions.get((found.key, lang), found)
            return Target(found.meta, verdicts[found.source].state == State.WITHDRAWN)

        out += plan_problems(plan, config, now, target, sources)
    return out


def plan_problems(
    item: Item,
    config: Config,
    now: datetime,
    target: Callable[[PlanEntry], Target | None],
    sources: Container[str],
) -> list[Problem]:
    """Entries of a recent plan whose `status:` contradicts what the site knows of their
    linked item, or that are overdue.  `target(entry)`: the linked item as `state` takes it;
    `sources`: every content file (a `ref:` to none is BAD_REF's error, not overdue too)."""
    assert isinstance(item.meta, MediaPlan)
    today = now.astimezone(config.tz).date()
    if item.meta.period.to < today - RECENT:
        return []
    out: list[Problem] = []
    for index, entry in enumerate(item.meta.entries):
        if entry.ref is not None and entry.ref.removeprefix("content/") not in sources:
            continue  # BAD_REF's error says it
        found = target(entry)
        truth = state(entry, found, now, today)
        code, args = _contradiction(entry, found, truth, now, config)
        line = item.line("entries", index, "status" if "status" in entry.model_fields_set else "ref")
        if code is None and truth == "overdue" and today - RECENT <= entry.date:
            unproven = entry.channel == "social" and not entry.posted and found is not None
            code = "PLAN_SOCIAL_OVERDUE" if unproven else "PLAN_ENTRY_OVERDUE"
            line = item.line("entries", index, "date")
        if code is not None:
            path, topic = "content/" + item.source, entry.topic[:80]
            out.append(problem(path, line, "warning", code, date=entry.date.isoformat(), topic=topic, **args))
    return out


def _contradiction(
    entry: PlanEntry, found: Target | None, truth: str, now: datetime, config: Config
) -> tuple[str | None, dict[str, str]]:
    """The code of the contradiction between an entry's status and `truth`, with its values."""
    ref = "content/" + (entry.ref or "").removeprefix("content/")
    status = entry.status
    if status == "done" and entry.channel == "social" and not entry.posted:
        return "PLAN_SOCIAL_NO_PROOF", {}
    if found is None:
        if status == "done" and entry.ref is not None:
            return "PLAN_DONE_NOT_OUT", {"ref": ref}
        return None, {}
    when = fmt(took_place(found.meta), config)
    if truth == "cancelled" and status != "cancelled":
        code = "PLAN_REF_WITHDRAWN" if found.withdrawn else "PLAN_EVENT_CANCELLED"
        return code, {"ref": ref, "status": status}
    if truth != "cancelled" and status == "cancelled":
        return "PLAN_CANCELLED_BUT_OUT", {"ref": ref}
    if truth == "announced" and status == "done":
        return "PLAN_DONE_NOT_HAPPENED", {"ref": ref, "when": when}
    if truth == "done" and status == "planned" and took_place(found.meta) <= now - BEHIND_AFTER:
        return "PLAN_STATUS_BEHIND", {"ref": ref, "when": when}
    return None, {}
