"""`site-builder approve`: record an approval bound to the item's content hash.

The file is edited as text, not re-serialised, so the editor's formatting, comments and
key order stay; only the `status:` line and the `approval:` block are replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from site_builder.errors import Problem, problem
from site_builder.judge.verdict import approver_problems
from site_builder.load import content, markdown
from site_builder.load.config import Config
from site_builder.load.fields import EARLIEST, LATEST, in_range
from site_builder.load.model import SECTIONS, Item

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


@dataclass(frozen=True)
class Approved:
    item: Item
    text: str  # the new file text
    digest: str


def approve(
    source: content.Source, config: Config, person_id: str, at: datetime, now: datetime
) -> tuple[Approved | None, list[Problem]]:
    """Check that `person_id` may approve this item at `at`, and produce the new file text."""
    if "/" not in source.rel or source.rel.split("/")[0] not in SECTIONS:  # no item kind to parse as
        sections = ", ".join(SECTIONS)
        return None, [problem("content/" + source.rel, 0, "error", "UNKNOWN_SECTION", sections=sections)]
    if not in_range(at):  # --at: as far from Python's limits as every date in a file
        value = at.isoformat()
        args = {"key": "--at", "value": value, "earliest": EARLIEST, "latest": LATEST}
        return None, [problem("content/" + source.rel, 0, "error", "DATE_RANGE", **args)]
    item, problems = content.parse(source, config, markdown.make_parser())
    errors = [p for p in problems if p.is_error]
    if item is None or errors:
        return None, errors or problems
    path = "content/" + source.rel
    refusals = approver_problems(item, config, person_id, at, item.line("approval", "by"))
    meta = item.meta
    if meta.confidentiality == "restricted":
        refusals.append(problem(path, item.line("confidentiality"), "error", "APPROVE_RESTRICTED"))
    if meta.date is None:
        refusals.append(problem(path, 1, "error", "DATE_MISSING"))
    previous = meta.approval
    published = previous is not None and meta.date is not None and meta.date <= now and previous.at <= now
    if published and previous is not None and previous.hash not in (None, item.digest):
        if not any(at_ > previous.at for at_ in item.notes):
            refusals.append(
                problem(
                    path,
                    item.line("approval"),
                    "error",
                    "CORRECTION_REQUIRED",
                    at=previous.at.astimezone(config.tz).strftime("%Y-%m-%d %H:%M"),
                )
            )
    if meta.date is not None and at > meta.date and not any(meta.date < t <= at for t in item.notes):
        stamp = at.astimezone(config.tz).strftime("%Y-%m-%d %H:%M")
        date = meta.date.astimezone(config.tz).strftime("%Y-%m-%d %H:%M")
        refusals.append(problem(path, item.line("date"), "error", "APPROVAL_AFTER_DATE", at=stamp, date=date))
    if refusals:
        return None, refusals
    text = source.raw.decode("utf-8-sig").replace("\r\n", "\n")
    status = "withdrawn" if meta.status == "withdrawn" else "approved"
    stamp = at.astimezone(config.tz).isoformat(timespec="seconds")
    return Approved(item, rewrite(text, status, person_id, stamp, item.digest), item.digest), []


def rewrite(text: str, status: str, person_id: str, stamp: str, digest: str) -> str:
    """Replace the status line and the approval block of the front matter."""
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    head, rest = lines[1:end], lines[end:]
    kept: list[str] = []
    skipping = False
    for line in head:
        key = _TOP_KEY.match(line)
        if key:
            skipping = key.group(1) in ("approval", "status")
        elif skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        else:
            skipping = False
        if not skipping:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    block = [f"status: {status}", "approval:", f"  by: {person_id}", f"  at: {stamp}", f'  hash: "{digest}"']
    return "\n".join(["---", *kept, *block, *rest])
