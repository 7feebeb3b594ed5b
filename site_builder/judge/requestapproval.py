"""Public media-request records are approved as items are.

A record marked `public: true` has its title, outlet, topic and answer published one by
one, so it follows the approval rules of its type, `media-request` in `rules.types`
(defaults as for every type: one step by the PR department, four-eyes, a content hash,
signatures verified when present): an author who is a person, an approval of this very
record by someone else with the role, each step in order, each signature valid.  A public
record whose approval does not hold is an error, and its details are not listed
(`mediarequests.released`).
"""

from __future__ import annotations

from datetime import datetime

from site_builder.errors import Problem, problem
from site_builder.judge import approvals as steps
from site_builder.judge.authors import author_problems
from site_builder.judge.signatures import Signatures
from site_builder.judge.verdict import approver_problems, fmt
from site_builder.load.config import Config
from site_builder.load.model import Item
from site_builder.speed.cache import Cache

BUCKET = "request-signatures"  # apart from the items': each run keeps only what it verified


def problems(records: list[Item], config: Config, now: datetime, store: Cache | None = None) -> list[Problem]:
    """What is wrong with the approval of each public record (as an Item: mediarequests.as_item)."""
    if not records:
        return []
    signatures = Signatures(records, config, store, BUCKET)
    out: list[Problem] = []
    for record in records:
        out += judged(record, config, now, signatures)
    return out


def judged(record: Item, config: Config, now: datetime, signatures: Signatures) -> list[Problem]:
    """One public record's author and approval, step by step."""
    path, meta = "content/" + record.source, record.meta
    out = author_problems(record, config)
    approvals = meta.approvals
    if not approvals:
        args = {"source": path}
        return [*out, problem(path, record.line("public"), "error", "REQUEST_APPROVAL_MISSING", **args)]
    rule = config.rules.for_type(record.kind)
    names, where = steps.steps(config, record.kind), steps.Lines(record)
    stale = False
    for index, given in enumerate(approvals):
        step = steps.step_of(given, names)
        out += approver_problems(record, config, given.by, given.at, where.of(index, "by"), step)
        if given.hash is None and (rule.approval_hash == "required" or given.signature):
            args = {"source": path, "by": given.by}
            out.append(problem(path, where.of(index), "error", "APPROVAL_HASH_MISSING", **args))
        elif given.hash is not None and given.hash != record.digest and not stale:
            stale = True  # said once: every later step approved the same other text, or a third
            args = {"by": given.by, "at": fmt(given.at, config), "source": path}
            out.append(problem(path, where.of(index, "hash"), "error", "REQUEST_APPROVAL_STALE", **args))
        if given.at > now:
            at = fmt(given.at, config)
            out.append(problem(path, where.of(index, "at"), "error", "REQUEST_APPROVAL_FUTURE", at=at))
    return out + steps.order_problems(record, config, names) + signatures.problems(record)
