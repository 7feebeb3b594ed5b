"""The monitoring register: publications, social posts and complaints found, and what was
done about each (content/monitoring/, internal).

An entry is a record of the office's daily duty (Bishkek regulation §14–15), never an item:
nothing of it is rendered, and only `report` counts it.  What is checked: the model's keys
and values (file:line, as an item's), the division and people it names, that an outcome
says what it needs (a rebuttal or comment its item, `none` its reason), that its item
exists and is out, and that a negative or false report gets an outcome within
`calendar.monitoring_days` working days.  A rebuttal that names its entry
(`monitoring: 2026/slug`) takes its `detected_at` from the entry's `found`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from site_builder.errors import Problem, problem
from site_builder.judge import authors
from site_builder.judge.verdict import State, Verdict
from site_builder.judge.workdays import MOST_SHOWN, WorkingDays, shown
from site_builder.load import frontmatter, records
from site_builder.load.config import Config
from site_builder.load.fields import problems_from
from site_builder.load.model import MONITORING_SECTION, Item, MonitoringEntry, Rebuttal

PREFIX = MONITORING_SECTION + "/"


@dataclass(frozen=True)
class Entry:
    """One parsed entry of the register."""

    source: str  # relative to content/: monitoring/2026/slug.md
    meta: MonitoringEntry
    lines: dict
    notes: str  # the Markdown below the front matter (internal)

    @property
    def id(self) -> str:
        """How a rebuttal names it: its path below content/monitoring/, without `.md`."""
        return self.source.removeprefix(PREFIX).removesuffix(".md")

    def line(self, *key: str) -> int:
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return 1


def entry_id(ref: str) -> str:
    """A reference to an entry as its id: `content/monitoring/2026/x.md` is `2026/x`."""
    return ref.strip().removeprefix("content/").removeprefix(PREFIX).removesuffix(".md")


def parse(rel: str, raw: bytes, config: Config) -> tuple[Entry | None, list[Problem]]:
    """One entry file's bytes → an Entry (a time without offset is in the site's zone); pure."""
    path = "content/" + rel
    document, problems = frontmatter.read(raw, path)
    if document is None:
        return None, problems
    try:
        meta = MonitoringEntry.model_validate(document.data, context={"tz": config.tz})
    except ValidationError as exc:
        return None, [*problems, *problems_from(exc, MonitoringEntry, path, document.lines, 1)]
    return Entry(rel, meta, document.lines, document.split.body), problems


def load(content_dir: Path, config: Config) -> tuple[list[Entry], list[Problem]]:
    """Every content/monitoring/**/*.md, in file order."""
    return records.load(content_dir, MONITORING_SECTION, lambda rel, raw: parse(rel, raw, config))


def detected(items: list[Item], entries: list[Entry]) -> tuple[list[Item], list[Problem]]:
    """Each rebuttal that names its monitoring entry with `detected_at` taken from the entry's
    `found`; an entry that does not exist, or a `detected_at` the entry contradicts, is an error."""
    by_id = {entry.id: entry for entry in entries}
    out: list[Item] = []
    problems: list[Problem] = []
    for item in items:
        meta = item.meta
        if not isinstance(meta, Rebuttal) or meta.monitoring is None:
            out.append(item)
            continue
        path = "content/" + item.source
        entry = by_id.get(entry_id(meta.monitoring))
        if entry is None:
            known = ", ".join(sorted(by_id)[:10]) or "—"
            args = {"value": meta.monitoring, "known": known}
            problems.append(problem(path, item.line("monitoring"), "error", "MONITORING_UNKNOWN", **args))
            out.append(item)
        elif meta.detected_at is not None and meta.detected_at != entry.meta.found:
            args = {"detected": meta.detected_at.isoformat(), "found": entry.meta.found.isoformat()}
            args["entry"] = "content/" + entry.source
            problems.append(
                problem(path, item.line("detected_at"), "error", "MONITORING_DETECTED_DIFFERS", **args)
            )
            out.append(item)
        else:
            taken = meta.model_copy(update={"detected_at": entry.meta.found})
            out.append(dataclasses.replace(item, meta=taken))
    return out, problems


def _targets(items: list[Item], config: Config) -> dict[str, Item]:
    """Every way an outcome may name an item — its path below content/ with or without
    `.md`, its id — to the item (the site language's version first)."""
    found: dict[str, Item] = {}
    ordered = sorted(items, key=lambda i: i.lang != config.site.language)
    for item in ordered:
        for name in (item.source, item.source.removesuffix(".md"), item.key):
            found.setdefault(name, item)
    return found


def check(
    entries: list[Entry],
    items: list[Item],
    verdicts: dict[str, Verdict],
    config: Config,
    now: datetime,
    days: WorkingDays | None = None,
) -> list[Problem]:
    """Errors for what an entry names that does not exist or an outcome that lacks what it
    needs; warnings for an outcome whose item is missing or not out, and for a negative or
    false report still without an outcome `calendar.monitoring_days` working days after it
    was found."""
    days = days or WorkingDays(config.calendar)
    today = now.astimezone(config.tz).date()
    targets = _targets(items, config)
    divisions = {d.id for d in config.divisions}
    out: list[Problem] = []
    for entry in entries:
        meta, path = entry.meta, "content/" + entry.source
        if meta.division not in divisions:
            known = ", ".join(sorted(divisions))
            args = {"key": "division", "value": meta.division, "known": known}
            out.append(problem(path, entry.line("division"), "error", "UNKNOWN_DIVISION", **args))
        if meta.author is not None and config.person(meta.author) is None:
            out.append(authors.unknown_person(path, entry.line("author"), "author", meta.author, config))
        outcome = meta.outcome
        if outcome is None:
            if meta.tone in ("negative", "false"):
                limit = config.calendar.monitoring_days
                due = days.add(meta.found.astimezone(config.tz).date(), limit)
                if today > due:
                    late = shown(days.between(due, today, most=MOST_SHOWN + 1))
                    args = {"tone": meta.tone, "deadline": due.isoformat(), "days": late, "limit": limit}
                    out.append(problem(path, entry.line("tone"), "warning", "MONITORING_NO_OUTCOME", **args))
            continue
        line = entry.line("outcome", "kind")
        if outcome.kind in ("rebuttal", "comment") and outcome.ref is None:
            out.append(problem(path, line, "error", "MONITORING_REF_NEEDED", kind=outcome.kind))
        if outcome.kind == "none" and outcome.reason is None:
            out.append(problem(path, line, "error", "MONITORING_REASON_NEEDED"))
        if outcome.at is not None and outcome.at < meta.found:
            at = outcome.at.isoformat()
            args = {"at": at, "found": meta.found.isoformat()}
            out.append(
                problem(path, entry.line("outcome", "at"), "error", "MONITORING_ANSWER_BEFORE", **args)
            )
        if outcome.ref is not None:
            out += _ref_problems(entry, targets, verdicts)
    return out


def _ref_problems(entry: Entry, targets: dict[str, Item], verdicts: dict[str, Verdict]) -> list[Problem]:
    """An outcome's item: missing, of the wrong kind for a rebuttal, or not out (warnings)."""
    outcome, path = entry.meta.outcome, "content/" + entry.source
    assert outcome is not None and outcome.ref is not None
    line = entry.line("outcome", "ref")
    ref = outcome.ref.strip().removeprefix("content/")
    item = targets.get(ref)
    if item is None:
        return [problem(path, line, "warning", "MONITORING_REF_UNKNOWN", ref=outcome.ref)]
    found: list[Problem] = []
    if outcome.kind == "rebuttal" and item.kind != "rebuttal":
        found.append(problem(path, line, "warning", "MONITORING_REF_KIND", ref=outcome.ref, kind=item.kind))
    verdict = verdicts.get(item.source)
    state = verdict.state if verdict is not None else State.DRAFT
    if state != State.PUBLISHED:
        found.append(
            problem(path, line, "warning", "MONITORING_REF_UNPUBLISHED", ref=outcome.ref, state=state)
        )
    return found
