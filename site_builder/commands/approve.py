"""`site-builder approve`: record an approval bound to the item's content hash.

The file is edited as text, not re-serialised, so the editor's formatting, comments and
key order stay; only the `status:` line and the `approval:` block are replaced.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from site_builder.commands import console, moments
from site_builder.errors import Problem, SiteError, problem
from site_builder.i18n import word
from site_builder.judge.authors import author_problems
from site_builder.judge.verdict import approver_problems
from site_builder.load import content, discover, markdown
from site_builder.load.config import Config, load_config
from site_builder.load.discover import read_source
from site_builder.load.fields import EARLIEST, LATEST, in_range
from site_builder.load.links import is_link, symlink
from site_builder.load.model import SECTIONS, Item

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


@dataclass(frozen=True)
class Approved:
    item: Item
    text: str  # the new file text
    digest: str


def approve(
    source: discover.Source, config: Config, person_id: str, at: datetime, now: datetime
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
    refusals += author_problems(item, config)  # without an author four-eyes proves nothing
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


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    try:
        config = load_config(root)
    except SiteError as exc:
        console.show(exc.problems, args)
        return console.EXIT_PROBLEMS
    if is_link(root / "content"):  # the approval would be written wherever it leads
        console.show([symlink(root, root / "content")], args)
        return console.EXIT_PROBLEMS
    target = args.path if args.path.is_absolute() else Path.cwd() / args.path
    content_dir = (root / "content").resolve()
    try:
        rel = target.resolve().relative_to(content_dir).as_posix()
    except ValueError:
        rel = ""
    if not rel.endswith(".md") or not target.is_file() or target.is_symlink():
        console.show([problem(str(args.path), 0, "error", "FILE_NOT_FOUND")], args)
        return console.EXIT_PROBLEMS
    try:  # without an offset, like every date an editor writes: the site's time zone
        at = moments.parse(args.at, "--at", config.tz) if args.at else now
    except moments.BadMoment as exc:
        exc.say(args.lang)
        return console.EXIT_USAGE
    if at > now:  # a future approval would take a live page down until that moment
        console.say(
            word("--at is in the future: an approval is recorded when it is given", args.lang),
            sys.stderr,
        )
        return console.EXIT_USAGE
    source, problems = read_source(content_dir, rel)
    done, problems = approve(source, config, args.by, at, now) if source else (None, problems)
    if done is None:
        console.show(problems, args)
        return console.EXIT_PROBLEMS
    item = done.item
    person = config.person(args.by)
    labels = [
        word(label, args.lang)
        for label in ("Item", "Type", "Title", "Author", "Publication date", "Approver", "Content hash")
    ]
    values = (
        rel,
        item.kind,
        item.title,
        item.meta.author or "—",
        item.meta.date.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") if item.meta.date else "—",
        f"{person.name if person else args.by} ({args.by}), {at.astimezone(config.tz):%Y-%m-%d %H:%M}",
        done.digest,
    )
    for label, value in zip(labels, values, strict=True):
        console.say(f"{label:>16}: {value}")
    if not args.yes:
        if not sys.stdin.isatty():
            console.say(
                word("not confirmed: pass --yes to approve without a terminal", args.lang), sys.stderr
            )
            return console.EXIT_PROBLEMS
        try:
            answer = input(word("Approve? [y/N] ", args.lang)).strip().lower()
        except EOFError:  # Ctrl+D: no answer is no
            answer = ""
        if answer not in ("y", "yes", "д", "да"):
            console.say(word("cancelled", args.lang))
            return console.EXIT_PROBLEMS
    target.write_text(done.text, encoding="utf-8")
    console.say(word("approved", args.lang))
    return console.EXIT_OK
