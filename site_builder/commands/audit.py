"""`site-builder audit`: every approval event, as CSV (the default) or JSON.

One row per step of an approval as a version of a file first recorded it, approvals later
replaced included (judge/audit.py).  The columns, in this order (JSON: the same keys, the
signature and the commit as objects, `null` when absent):

    path, item, lang, type, title, step, by, at, hash, reason,
    signature (valid | invalid | absent), signature_problem (its code), signature_reason,
    in_file (yes | no: the file holds it now),
    commit, commit_author, commit_committer, commit_date (empty when not committed)

Rows in path order, then time order.  Without git history only the approvals the files
hold now are listed, and a note on stderr says so (JSON: `"history": "none"`).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from site_builder.commands import console, report
from site_builder.errors import SiteError, problem
from site_builder.i18n import describe, word
from site_builder.judge import audit, mediarequests
from site_builder.load import content
from site_builder.load.config import load_config
from site_builder.outputs.opendata.layout import cell

COLUMNS = (
    "path",
    "item",
    "lang",
    "type",
    "title",
    "step",
    "by",
    "at",
    "hash",
    "reason",
    "signature",
    "signature_problem",
    "signature_reason",
    "in_file",
    "commit",
    "commit_author",
    "commit_committer",
    "commit_date",
)
VERSION = 1  # of the JSON document's layout
NOTES = {  # English msgids
    "none": "no git history ({detail}): only the approvals the files hold now are listed",
    "shallow": "the git history is shallow: approvals older than its first commit are not listed",
    "unreadable": "{count} version(s) of content files are unreadable, their approvals not listed ({first}…)",
    "errors": "{count} content file(s) have errors: their approvals as they are now are not listed",
}


def record(event: audit.Event, lang: str) -> dict:
    """An event as a flat record of COLUMNS (JSON nests the signature and the commit)."""
    a, commit = event.approval, event.commit
    return {
        "path": event.path,
        "item": event.item,
        "lang": event.lang,
        "type": event.kind,
        "title": event.title,
        "step": event.step,
        "by": a.by,
        "at": a.at.isoformat(timespec="seconds"),
        "hash": a.hash,
        "reason": a.reason,
        "signature": event.signature,
        "signature_problem": event.why.code if event.why else None,
        "signature_reason": describe(event.why, lang)[0] if event.why else None,
        "in_file": event.in_file,
        "commit": commit.sha if commit else None,
        "commit_author": commit.author if commit else None,
        "commit_committer": commit.committer if commit else None,
        "commit_date": commit.date if commit else None,
    }


def as_csv(found: audit.Audit, lang: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for event in found.events:
        row = record(event, lang)
        row["in_file"] = "yes" if row["in_file"] else "no"
        writer.writerow([cell(row[column]) for column in COLUMNS])  # a title may start with "="
    return buffer.getvalue()


def as_json(found: audit.Audit, lang: str) -> str:
    """{"version": 1, "history": "git" | "shallow" | "none", "events": [...]}: each event
    the record's keys, with "signature": {"state", "problem", "reason"} and "commit":
    {"sha", "author", "committer", "date"} or null."""
    events = []
    for event in found.events:
        row = record(event, lang)
        signature = {"state": row.pop("signature")}
        signature |= {"problem": row.pop("signature_problem"), "reason": row.pop("signature_reason")}
        commit = {name: row.pop(f"commit_{name}") for name in ("author", "committer", "date")}
        sha = row.pop("commit")
        row |= {"signature": signature, "commit": {"sha": sha, **commit} if sha else None}
        events.append(row)
    document = {"version": VERSION, "history": found.history, "events": events}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _notes(found: audit.Audit, errors: int, lang: str) -> list[str]:
    notes = []
    if found.history in ("none", "shallow"):
        notes.append(word(NOTES[found.history], lang).format(detail=found.detail))
    if found.unreadable:
        text = word(NOTES["unreadable"], lang)
        notes.append(text.format(count=len(found.unreadable), first=found.unreadable[0]))
    if errors:
        notes.append(word(NOTES["errors"], lang).format(count=errors))
    return notes


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    try:
        config = load_config(root)
    except SiteError as exc:
        console.say(report.as_text(exc.problems, args.lang), sys.stderr)
        return console.EXIT_PROBLEMS
    items, problems = content.load(root / "content", config)
    requests, more = mediarequests.load(root / "content", config)
    found = audit.audit(root, config, [*items, *(r.item for r in requests)])
    errors = len({p.path for p in problems + more if p.is_error and p.path.startswith("content/")})
    text = as_json(found, args.lang) if args.format == "json" else as_csv(found, args.lang)
    if args.output is None:
        console.say(text, end="")
    else:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            shown = os.fsencode(str(args.output)).decode("utf-8", "replace")
            refusal = problem(shown, 0, "error", "OUTPUT_UNWRITABLE", detail=exc.strerror or exc)
            console.say(report.as_text([refusal], args.lang), sys.stderr)
            return console.EXIT_PROBLEMS
    if not args.quiet:
        for note in _notes(found, errors, args.lang):
            console.say(note, sys.stderr)
    return console.EXIT_OK
