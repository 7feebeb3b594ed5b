"""Rules on what each kind of item must hold, and on what an item refers to."""

from __future__ import annotations

from site_builder.errors import Problem, problem
from site_builder.judge import workdays
from site_builder.judge.authors import author_problems
from site_builder.judge.verdict import VISIBLE, Verdict
from site_builder.judge.workdays import WorkingDays
from site_builder.load.config import Config
from site_builder.load.model import Announcement, Item, MediaPlan, Rebuttal


def structure_problems(item: Item, config: Config, days: WorkingDays) -> list[Problem]:
    """Rules on the shape of each kind, for every item past draft."""
    meta, path = item.meta, "content/" + item.source
    out: list[Problem] = []
    if meta.withdrawn is not None and meta.status != "withdrawn":
        out.append(problem(path, item.line("withdrawn"), "error", "WITHDRAWN_STATUS", status=meta.status))
    for index, correction in enumerate(meta.corrections):
        if meta.date is not None and correction.at < meta.date:
            out.append(problem(path, item.line("corrections", index), "error", "CORRECTION_BEFORE_DATE"))
    out += placeholder_problems(item)
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
                    problem(path, item.date_line, "warning", "REBUTTAL_LATE", delay=shown, limit=limit)
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


def placeholder_problems(item: Item) -> list[Problem]:
    """The skeleton's text still in the file (load/skeleton.py), each on its line."""
    path = "content/" + item.source
    return [
        problem(
            path,
            left.line,
            "error",
            "PLACEHOLDER_TEXT" if left.text else "PLACEHOLDER_EMPTY",
            text=left.text,
            key=left.key or "—",
        )
        for left in item.placeholders
    ]


def reference_problems(
    item: Item, config: Config, by_source: dict[str, Item], verdicts: dict[str, Verdict]
) -> list[Problem]:
    """Divisions, people (the author above all), linked items and planned items that do not
    exist (or are not out)."""
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
    out += author_problems(item, config)
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
