"""The monthly report's figures: what the press office did in one month, by division and in
total, and the same figures for each of the twelve months up to it (the trend).

Pure functions over what `check` loaded and judged; `commands/monthly.py` lays them out.
Which month a thing belongs to, in the site's time zone:

- a publication: the month it went out (`date`; an item published, or published and since
  withdrawn), one per translation group, with its site-language version's division;
- review → approval: for the same publications whose approval has more than one step, the
  hours from the first step's `at` to the final step's.  No file records when an item was
  put under review (`status: review` is a line an editor edits; git's commit times are the
  committer's word, judge/history.py): the first signature is the first recorded moment
  somebody reviewed it.  A one-step approval has no such span and is not counted;
- rebuttal latency: rebuttals published in the month, working days from `detected_at` to
  publication (as REBUTTAL_LATE counts them) against `rules.types.rebuttal.response_limit_days`;
- media requests: the month received; answered on time when answered on or before
  `mediarequests.deadline`, as known at `now` (open ones not yet due are not counted in the
  percentage); the division is the request's `executor`;
- media-plan entries: the entry's date, in approved plans (published or due to be); their state is
  `judge/plan.state`, the one truth every output shows; the division is the `responsible`
  one (a person: their division);
- monitoring entries: the month found, by outcome (`pending`: none yet);
- questions: the month their answer was published, with the days from `asked`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from site_builder.i18n import word
from site_builder.judge import mediarequests, plan
from site_builder.judge.verdict import VISIBLE, State, Verdict
from site_builder.judge.workdays import WorkingDays
from site_builder.load.config import TYPES, Config
from site_builder.load.model import Item, MediaPlan, PlanEntry, Rebuttal

TREND_MONTHS = 12
NONE = ""  # the division of what belongs to none
REQUEST_STATES = ("on_time", "late", "overdue", "open")
OUTCOMES = ("rebuttal", "comment", "answer", "none", "pending")  # monitoring; pending: no outcome yet
QUESTION = "question"  # the type of citizens' questions (issue 27 §3)
KINDS = (*TYPES[:4], QUESTION)  # the types a publication can be of


@dataclass
class Figures:
    """One division's (or the total's) figures for one month."""

    published: Counter[str] = field(default_factory=Counter)  # by type
    review_hours: list[float] = field(default_factory=list)
    rebuttal_days: list[int] = field(default_factory=list)  # working days, detected → published
    rebuttals_in_limit: int = 0
    requests: Counter[str] = field(default_factory=Counter)  # by REQUEST_STATES
    plan: Counter[str] = field(default_factory=Counter)  # by plan.STATES
    monitoring: Counter[str] = field(default_factory=Counter)  # by OUTCOMES
    question_days: list[int] = field(default_factory=list)  # one per question answered

    @property
    def publications(self) -> int:
        return sum(self.published.values())

    @property
    def review_median(self) -> float | None:
        return round(statistics.median(self.review_hours), 1) if self.review_hours else None

    @property
    def rebuttal_median(self) -> float | None:
        return statistics.median(self.rebuttal_days) if self.rebuttal_days else None

    @property
    def rebuttals_percent(self) -> float | None:
        return percent(self.rebuttals_in_limit, len(self.rebuttal_days))

    @property
    def requests_percent(self) -> float | None:
        """Answered on time, of those whose deadline has passed or that were answered."""
        counts = self.requests
        return percent(counts["on_time"], counts["on_time"] + counts["late"] + counts["overdue"])

    @property
    def plan_percent(self) -> float | None:
        """Entries done, of those not cancelled."""
        return percent(self.plan["done"], sum(self.plan.values()) - self.plan["cancelled"])

    @property
    def questions(self) -> int:
        return len(self.question_days)

    @property
    def question_median(self) -> float | None:
        return statistics.median(self.question_days) if self.question_days else None


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Late:
    """A media request received in the month and not answered by its deadline."""

    source: str  # content/…
    title: str
    outlet: str
    division: str
    received: date
    deadline: date
    answered: date | None  # None: still open
    days: int  # working days past the deadline (to the answer, or to today)


@dataclass
class Report:
    month: str  # YYYY-MM
    months: list[str]  # the trend's, oldest first; the last is `month`
    rebuttal_limit: int | None
    divisions: list[str]  # those with any figure this month, in config order; NONE last
    by_month: dict[tuple[str, str], Figures]  # (month, division) → figures
    totals: dict[str, Figures]  # month → figures of all divisions
    late: list[Late]  # of the report's month, by deadline

    def of(self, division: str, month: str | None = None) -> Figures:
        return self.by_month.get((month or self.month, division), Figures())

    @property
    def total(self) -> Figures:
        return self.totals[self.month]


def division_name(division: str, config: Config, lang: str) -> str:
    """A division's name in `lang` (its `names`, else its `name`), or "no division"."""
    found = config.division(division) if division != NONE else None
    if found is None:
        return word("no division", lang) if division == NONE else division
    return found.names.get(lang, found.name) if lang != config.site.language else found.name  # type: ignore[call-overload]


def trend_months(month: str, count: int = TREND_MONTHS) -> list[str]:
    """The `count` months up to `month`, oldest first."""
    year, number = int(month[:4]), int(month[5:])
    index = year * 12 + number - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


class Bins:
    """Figures by (month, division) and by month, for the months of the report only."""

    def __init__(self, months: list[str]):
        self.months = set(months)
        self.by_month: dict[tuple[str, str], Figures] = {}
        self.totals = {m: Figures() for m in months}

    def __call__(self, month: str, division: str | None) -> list[Figures]:
        """The figures a fact of that month and division counts in (none outside the report)."""
        if month not in self.months:
            return []
        key = (month, division or NONE)
        return [self.by_month.setdefault(key, Figures()), self.totals[month]]


def month_of(moment: datetime | date, config: Config) -> str:
    if isinstance(moment, datetime):
        moment = moment.astimezone(config.tz)
    return moment.strftime("%Y-%m")


@dataclass(frozen=True)
class Content:
    """What the report counts: the loaded and judged content (a `check`'s result)."""

    config: Config
    items: list[Item]
    verdicts: dict[str, Verdict]
    requests: list[mediarequests.Request]
    days: WorkingDays
    monitoring: Sequence[Any] = ()  # the monitoring register's entries (issue 27 §1)


def figures(content: Content, month: str, now: datetime) -> Report:
    """The report of `month` (YYYY-MM) at `now`."""
    config, items, verdicts, days = content.config, content.items, content.verdicts, content.days
    months = trend_months(month)
    bins = Bins(months)
    out = [i for i in _groups(items, verdicts, config) if verdicts[i.source].state in VISIBLE]
    _publications(out, config, days, bins)
    late = _requests(content.requests, config, now, days, bins)
    _plans(items, verdicts, config, now, bins)
    monitoring_outcomes(content.monitoring, config, bins)
    questions_answered([i for i in out if i.kind == QUESTION], config, bins)
    order = {d.id: index for index, d in enumerate(config.divisions)}
    present = {division for (m, division) in bins.by_month if m == month}
    divisions = sorted(present, key=lambda d: (d == NONE, order.get(d, len(order)), d))
    limit = config.rules.for_type("rebuttal").response_limit_days
    late = sorted((x for x in late if x.received.strftime("%Y-%m") == month), key=lambda x: x.deadline)
    return Report(month, months, limit, divisions, bins.by_month, bins.totals, late)


def _groups(
    items: list[Item], verdicts: dict[str, Verdict], config: Config, among: Container[str] | None = None
) -> list[Item]:
    """One item per translation group: the visible version (or one `among` these sources) in
    the site's language, else the first by file name."""
    chosen: dict[tuple[str, str], Item] = {}
    for item in sorted(items, key=lambda i: (i.lang != config.site.language, i.source)):
        if item.source in among if among is not None else verdicts[item.source].state in VISIBLE:
            chosen.setdefault((item.kind, item.key), item)
    return list(chosen.values())


def _publications(out: list[Item], config: Config, days: WorkingDays, bins: Bins) -> None:
    limit = config.rules.for_type("rebuttal").response_limit_days
    for item in out:
        meta = item.meta
        assert meta.date is not None  # an item that is out has a date
        steps = meta.approvals
        for counts in bins(month_of(meta.date, config), meta.division):
            counts.published[item.kind] += 1
            if len(steps) > 1:
                span = (steps[-1].at - steps[0].at).total_seconds() / 3600  # type: ignore[index]
                counts.review_hours.append(span)
            if isinstance(meta, Rebuttal) and meta.detected_at is not None:
                found = meta.detected_at.astimezone(config.tz).date()
                delay = days.between(found, meta.date.astimezone(config.tz).date())
                counts.rebuttal_days.append(delay)
                counts.rebuttals_in_limit += limit is None or delay <= limit


def _requests(
    requests: list[mediarequests.Request], config: Config, now: datetime, days: WorkingDays, bins: Bins
) -> list[Late]:
    today = now.astimezone(config.tz).date()
    late = []
    for request in requests:
        meta = request.meta
        if meta.received > today:
            continue
        due = mediarequests.deadline(request, days, config)
        state = mediarequests.state_of(request, due, today)
        division = meta.executor  # the executor division, where the record names one
        for counts in bins(month_of(meta.received, config), division):
            counts.requests[state] += 1
        if state in ("late", "overdue"):
            end = meta.answered or today
            past = days.between(due, end)
            path = "content/" + request.source
            late.append(
                Late(
                    path,
                    request.title,
                    meta.outlet,
                    division or NONE,
                    meta.received,
                    due,
                    meta.answered,
                    past,
                )
            )
    return late


def _plans(
    items: list[Item], verdicts: dict[str, Verdict], config: Config, now: datetime, bins: Bins
) -> None:
    """Every entry of the approved plans (one version of each: published, or approved for
    later, as a plan brought up to date at the month's end is), by its state at `now`."""
    today = now.astimezone(config.tz).date()
    visible = {i.source: i for i in items if verdicts[i.source].state in VISIBLE}
    versions = {(i.key, i.lang): i for i in visible.values()}
    approved = {i.source for i in items if verdicts[i.source].state in (State.PUBLISHED, State.SCHEDULED)}
    plans = [i for i in _groups(items, verdicts, config, approved) if isinstance(i.meta, MediaPlan)]
    for item in plans:
        assert isinstance(item.meta, MediaPlan)
        for entry in item.meta.entries:
            found = visible.get((entry.ref or "").removeprefix("content/"))
            target = None
            if found is not None:
                found = versions.get((found.key, item.lang), found)
                target = plan.Target(found.meta, verdicts[found.source].state == State.WITHDRAWN)
            state = plan.state(entry, target, now, today)
            for counts in bins(month_of(entry.date, config), _responsible(entry, config)):
                counts.plan[state] += 1


def _responsible(entry: PlanEntry, config: Config) -> str | None:
    """An entry's division: the one it names, or the person's it names."""
    if config.division(entry.responsible) is not None:
        return entry.responsible
    person = config.person(entry.responsible)
    return person.division if person else None


def monitoring_outcomes(entries: Iterable[Any], config: Config, bins: Bins) -> None:
    """Monitoring entries (content/monitoring/, issue 27 §1) by outcome, in the month found.

    Each entry has `.meta` with `found` (an aware datetime), `division` (an id) and
    `outcome` (None, or with `kind`: rebuttal, comment, answer or none)."""
    for entry in entries:
        meta = entry.meta
        outcome = meta.outcome.kind if meta.outcome is not None else "pending"
        for counts in bins(month_of(meta.found, config), meta.division):
            counts.monitoring[outcome] += 1


def questions_answered(questions: Iterable[Any], config: Config, bins: Bins) -> None:
    """Citizens' questions (issue 27 §3) answered: published, in the month of publication,
    with the days from `asked` (a day or an aware datetime) to the answer.

    Each question has `.meta` with `date` (when the answer went out), `asked` and `division`."""
    for question in questions:
        meta = question.meta
        answered = meta.date.astimezone(config.tz).date()
        asked = meta.asked.astimezone(config.tz).date() if isinstance(meta.asked, datetime) else meta.asked
        for counts in bins(month_of(meta.date, config), meta.division):
            counts.question_days.append(max((answered - asked).days, 0))
