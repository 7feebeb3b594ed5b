"""`site-builder status`: every item by state and what blocks it; as a table, CSV or JSON.

`--format json` writes {"version": 1, "items": [...]}, each item the CSV's columns as keys
(`legacy_approval` a boolean, times ISO 8601 in the site's zone, "" as null) and two more:
"approvals", every step of its approval in order ({"step", "by", "at", "hash", "reason",
"signed"}), and "blockers", what keeps it out ({"code", "line", "severity"}).  Items in
path order; keys never renamed, new ones only added (with a new "version" if one changes).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from site_builder.build import Result, check
from site_builder.commands import console
from site_builder.errors import Problem
from site_builder.i18n import describe, word, words
from site_builder.judge.approvals import step_of, steps
from site_builder.judge.verdict import State
from site_builder.load.config import Config
from site_builder.load.model import SECTIONS, Approval
from site_builder.outputs.opendata.layout import cell

ORDER = ("draft", "review", "restricted", "scheduled", "published", "withdrawn", "unpublished", "invalid")
HEADINGS = {  # English msgids, translated through the site_builder catalog
    "draft": "Drafts",
    "review": "Under review",
    "restricted": "Restricted (never published)",
    "scheduled": "Approved, waiting for publication",
    "published": "Published",
    "withdrawn": "Withdrawn",
    "unpublished": "Withdrawn before publication",
    "invalid": "With errors — will not be published",
    "goes_out": "goes out",
    "author": "author",
    "none": "no items",
}
CSV_COLUMNS = (
    "item",
    "type",
    "title",
    "author",
    "approver",
    "approval_time",
    "publication_time",
    "state",
    "legacy_approval",
)


@dataclass
class Row:
    """One content file as the status report shows it."""

    path: str  # content/…
    kind: str
    title: str = ""
    author: str = ""
    approver: str = ""
    approval_time: datetime | None = None
    publication_time: datetime | None = None
    state: str = "invalid"
    goes_out: datetime | None = None
    legacy_approval: bool = False
    blockers: list[Problem] = field(default_factory=list)
    approvals: list[tuple[str, Approval]] = field(default_factory=list)  # (step, approval), in order


def rows(result: Result) -> list[Row]:
    """Every content file found, with its state; files that did not even parse are invalid."""
    assert result.config is not None and result.judgement is not None
    config = result.config
    errors: dict[str, list[Problem]] = {}
    warnings: dict[str, list[Problem]] = {}
    for p in result.problems:
        if p.path.startswith("content/") and p.severity in ("error", "warning"):
            (errors if p.is_error else warnings).setdefault(p.path, []).append(p)
    out: dict[str, Row] = {}
    for item in result.items:
        path = "content/" + item.source
        meta, verdict = item.meta, result.judgement.verdicts[item.source]
        names = steps(config, item.kind)
        approval = meta.approval
        row = Row(
            path=path,
            kind=item.kind,
            title=meta.title,
            author=meta.author or "",
            approver=approval.by if approval else "",
            approval_time=approval.at if approval else None,
            publication_time=meta.date,
            state=verdict.state.value,
            goes_out=verdict.goes_out,
            legacy_approval=approval is not None and approval.hash is None,
            blockers=errors.get(path, []),
            approvals=[(step_of(a, names), a) for a in meta.approvals],
        )
        if meta.confidentiality == "restricted" and verdict.state in (State.DRAFT, State.REVIEW):
            row.state = State.RESTRICTED.value  # it is never published, whatever its status says
        if verdict.state == State.INVALID and not row.blockers:
            row.blockers = warnings.get(path, [])  # e.g. edited after approval: why it stays out
        if row.blockers:
            row.state = State.INVALID.value
        out[path] = row
    for path, found in errors.items():
        if path not in out and path.endswith(".md"):
            section = path.split("/")[1] if path.count("/") > 1 else ""
            out[path] = Row(path=path, kind=SECTIONS.get(section, ""), blockers=found)
    return sorted(out.values(), key=lambda r: (ORDER.index(r.state), r.path))


def _time(moment: datetime | None, config: Config) -> str:
    return moment.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def as_text(found: list[Row], config: Config, lang: str) -> str:
    labels = words(HEADINGS, lang)
    lines: list[str] = []
    for state in ORDER:
        group = [r for r in found if r.state == state]
        if not group:
            continue
        lines.append(f"{labels[state]} ({len(group)})")
        for row in group:
            text = f"  {row.path}"
            if row.title:
                text += f" — «{row.title}»"
            if row.author:
                text += f" ({labels['author']}: {row.author})"
            if state == "scheduled" and row.goes_out:
                text += f" — {labels['goes_out']} {_time(row.goes_out, config)}"
            lines.append(text)
            for p in row.blockers:
                message, hint = describe(p, lang)
                where = f":{p.line}" if p.line else ""
                lines.append(f"      {p.code}{where} {message}")
                if hint:
                    lines.append(f"        {word('hint', lang)}: {hint}")
        lines.append("")
    return "\n".join(lines).rstrip() or labels["none"]


def _stamp(moment: datetime | None, config: Config) -> str:
    return moment.astimezone(config.tz).isoformat(timespec="seconds") if moment else ""


def _values(row: Row, config: Config) -> list[object]:
    """A row's values, in the order of CSV_COLUMNS."""
    return [
        row.path,
        row.kind,
        row.title,
        row.author,
        row.approver,
        _stamp(row.approval_time, config),
        _stamp(row.publication_time, config),
        row.state,
        row.legacy_approval,
    ]


def as_csv(found: list[Row], config: Config) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in sorted(found, key=lambda r: r.path):
        values = [("yes" if v else "no") if isinstance(v, bool) else v for v in _values(row, config)]
        writer.writerow([cell(value) for value in values])  # a title may start with "="
    return buffer.getvalue()


def as_json(found: list[Row], config: Config) -> str:
    """The CSV's columns as keys ("" as null), with each item's approvals and blockers."""
    items = []
    for row in sorted(found, key=lambda r: r.path):
        record = {k: (None if v == "" else v) for k, v in zip(CSV_COLUMNS, _values(row, config), strict=True)}
        record["approvals"] = [
            {
                "step": step,
                "by": a.by,
                "at": _stamp(a.at, config),
                "hash": a.hash,
                "reason": a.reason,
                "signed": bool(a.signature),
            }
            for step, a in row.approvals
        ]
        record["blockers"] = [{"code": p.code, "line": p.line, "severity": p.severity} for p in row.blockers]
        items.append(record)
    return json.dumps({"version": 1, "items": items}, ensure_ascii=False, indent=1) + "\n"


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    result = check(root, now)
    if result.config is None or result.judgement is None:
        args.format = "text"
        console.show(result.problems, args)
        return console.EXIT_PROBLEMS
    table = rows(result)
    if args.format == "csv":
        console.say(as_csv(table, result.config), end="")
    elif args.format == "json":
        console.say(as_json(table, result.config), end="")
    else:
        console.say(as_text(table, result.config, args.lang))
    return console.EXIT_OK
