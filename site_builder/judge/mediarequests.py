"""The media requests register: parse the records, count deadlines, summarise by month.

Requests are records of the press office's duty (an answer within N working days of
receipt).  Only requests marked `public: true` are ever listed one by one, and only once
approved as an item is (judge/requestapproval.py: type `media-request`); the others reach
the site only as counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError

from site_builder.errors import Problem, problem
from site_builder.judge import authors, requestapproval
from site_builder.judge.workdays import MOST_SHOWN, WorkingDays, shown
from site_builder.load import frontmatter, markers, records
from site_builder.load.approval import content_hash
from site_builder.load.config import Config
from site_builder.load.fields import problems_from
from site_builder.load.model import REQUESTS_SECTION, Item, MediaRequest
from site_builder.speed.cache import Cache

KIND = "media-request"  # its type in rules.types


@dataclass(frozen=True)
class Request:
    """One parsed request file."""

    source: str  # relative to content/
    meta: MediaRequest
    lines: dict
    item: Item  # the record as the approval rules see it: type media-request, its content hash

    @property
    def title(self) -> str:
        return self.meta.title or self.meta.topic

    def line(self, *key: str | int) -> int:
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return 1


def parse(rel: str, raw: bytes, config: Config) -> tuple[Request | None, list[Problem]]:
    """One request file's bytes → a Request (the site's language is part of the record's
    identity in its approval hash; a time without offset is in the site's zone); pure."""
    path = "content/" + rel
    document, problems = frontmatter.read(raw, path)
    if document is None:
        return None, problems
    data, lines = document.data, document.lines
    try:
        meta = MediaRequest.model_validate(data, context={"tz": config.tz})
    except ValidationError as exc:
        return None, [*problems, *problems_from(exc, MediaRequest, path, lines, 1)]
    return Request(rel, meta, lines, as_item(rel, meta, document, config.site.language)), problems


def as_item(rel: str, meta: MediaRequest, document: frontmatter.Document, lang: str) -> Item:
    """A record as an Item of type media-request, for the approval rules: its key is its
    path without `.md` (as an item's without an id), its hash covers its front matter
    (but `approval:`) and its notes, as an item's covers everything."""
    key = rel.removesuffix(".md")
    return Item(
        source=rel,
        kind=KIND,
        meta=meta.model_copy(update={"title": meta.title or meta.topic}),  # type: ignore[arg-type]
        body_line=document.split.body_line,
        **Item.pack("", document.lines),
        key=key,
        lang=lang,
        slug="",
        digest=content_hash(document.data, document.split.body, key, lang),
    )


def released(request: Request) -> bool:
    """Whether a record's details may be listed: public, approved, every step over this very
    record (check reports anything else wrong with the approval as an error)."""
    approvals = request.meta.approvals
    return request.meta.public and bool(approvals) and all(a.hash == request.item.digest for a in approvals)


def load(content_dir: Path, config: Config) -> tuple[list[Request], list[Problem]]:
    """Every content/media-requests/**/*.md, in file order."""
    return records.load(content_dir, REQUESTS_SECTION, lambda rel, raw: parse(rel, raw, config))


def deadline(request: Request, days: WorkingDays, config: Config) -> date:
    """The last day to answer: received + N working days (the day of receipt not counted)."""
    return days.add(request.meta.received, config.calendar.media_request_days)


def check(
    requests: list[Request],
    config: Config,
    now: datetime,
    days: WorkingDays | None = None,
    store: Cache | None = None,
) -> list[Problem]:
    """Warnings for open requests near or past their deadline; errors for impossible dates,
    for a restricted marker in what a public request publishes, and for a public request
    whose approval does not hold (signatures verified through `store`, the session's cache)."""
    days = days or WorkingDays(config.calendar)
    today = now.astimezone(config.tz).date()
    out = requestapproval.problems([r.item for r in requests if r.meta.public], config, now, store)
    for request in requests:
        path, meta = "content/" + request.source, request.meta
        # A public request's fields are published one by one, like an item's; in a public
        # repository (rules.public_repository) every request's are readable anyway.
        if meta.public or config.rules.public_repository:
            published = ("title", "outlet", "topic", "answer_summary")
            parts = [markers.Part(request.line(key), getattr(meta, key) or "") for key in published]
            out += markers.find(path, parts, config.rules.restricted_markers)
        out += _register_problems(request, config)
        due = deadline(request, days, config)
        if meta.answered is not None:
            if meta.answered < meta.received:
                out.append(problem(path, request.line("answered"), "error", "REQUEST_ANSWER_BEFORE"))
            continue
        if today > due:
            late = shown(days.between(due, today, most=MOST_SHOWN + 1))
            out.append(
                problem(
                    path,
                    request.line("received"),
                    "warning",
                    "REQUEST_OVERDUE",
                    deadline=due.isoformat(),
                    days=late,
                )
            )
            continue
        warn = config.calendar.warn_days
        left = days.between(today, due, most=warn + 1)  # a due date years off is simply not near
        if left <= warn:
            out.append(
                problem(
                    path,
                    request.line("received"),
                    "warning",
                    "REQUEST_DUE",
                    deadline=due.isoformat(),
                    days=left,
                )
            )
    return out


def _register_problems(request: Request, config: Config) -> list[Problem]:
    """The divisions and the official a record names exist; an interview only in a request
    for one."""
    meta, path = request.meta, "content/" + request.source
    divisions = {d.id for d in config.divisions}
    known = ", ".join(sorted(divisions))
    out = []
    named = [("executor", meta.executor, request.line("executor"))] if meta.executor else []
    named += [
        (f"contributors[{i}]", d, request.line("contributors", i)) for i, d in enumerate(meta.contributors)
    ]
    for key, value, line in named:
        if value not in divisions:
            out.append(problem(path, line, "error", "UNKNOWN_DIVISION", key=key, value=value, known=known))
    if meta.interview is not None:
        if meta.kind != "interview":
            out.append(
                problem(path, request.line("interview"), "error", "REQUEST_INTERVIEW_KIND", kind=meta.kind)
            )
        official = meta.interview.official
        if config.person(official) is None:
            line = request.line("interview", "official")
            out.append(authors.unknown_person(path, line, "interview.official", official, config))
        if meta.interview.date.astimezone(config.tz).date() < meta.received:
            line = request.line("interview", "date")
            out.append(problem(path, line, "error", "REQUEST_INTERVIEW_BEFORE", received=meta.received))
    return out


@dataclass
class Tally:
    """Counts of one month (or of all time)."""

    label: str
    received: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0  # open and past the deadline (also counted in `open`)


@dataclass(frozen=True)
class PublicRequest:
    """What the site shows of a request its record marks public."""

    title: str
    outlet: str
    topic: str
    received: date
    deadline: date
    answered: date | None
    answer_summary: str
    state: str  # on_time | late | open | overdue


@dataclass(frozen=True)
class Register:
    """The public face of the register: counts of every request, details of public ones."""

    months: list[Tally]  # newest month first
    total: Tally
    public: list[PublicRequest]  # newest first


def state_of(request: Request, due: date, today: date) -> str:
    answered = request.meta.answered
    if answered is None:
        return "overdue" if today > due else "open"
    return "on_time" if answered <= due else "late"


def register(
    requests: list[Request], config: Config, today: date, days: WorkingDays | None = None
) -> Register:
    """Summarise requests received up to today; only public ones keep their details."""
    days = days or WorkingDays(config.calendar)
    months: dict[str, Tally] = defaultdict(lambda: Tally(""))
    total = Tally("total")
    public: list[PublicRequest] = []
    for request in requests:
        meta = request.meta
        if meta.received > today:
            continue
        due = deadline(request, days, config)
        state = state_of(request, due, today)
        label = meta.received.strftime("%Y-%m")
        tally = months[label]
        tally.label = label
        for counts in (tally, total):
            counts.received += 1
            if state == "on_time":
                counts.on_time += 1
            elif state == "late":
                counts.late += 1
            else:
                counts.open += 1
                if state == "overdue":
                    counts.overdue += 1
        if released(request):
            public.append(
                PublicRequest(
                    request.title,
                    meta.outlet,
                    meta.topic,
                    meta.received,
                    due,
                    meta.answered,
                    meta.answer_summary,
                    state,
                )
            )
    public.sort(key=lambda r: (r.received, r.title), reverse=True)
    ordered = [months[k] for k in sorted(months, reverse=True)]
    return Register(ordered, total, public)
