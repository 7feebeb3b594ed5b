"""The public record: every version of every item that went out, and the publication log.

The versions come from git history as `history.py` reads it, once for the whole repository
(one `git log` of content/, one `git rev-list` for the effective times, one `git cat-file
--batch` of the versions' bytes; a version whose bytes are the file's as loaded is not
read or parsed again).  A version is an approved state of the file whose date had come
while it was the committed one, and the withdrawal: an edit made while the item was
embargoed, or replaced before its date, never went out and is none; a draft never is.
Consecutive states with the same content (a second approval step, a signature added)
are one version.

The log is one entry per public event of every file history knows (a deleted one
included): first publication, correction, withdrawal, an event rescheduled or
cancelled; in the order of their public time, each entry naming the hash of the one
before it.  It is made from history and `now` alone, so two builds of the same commit at
the same moment write the same bytes, and a later build only appends (see
docs/transparency.md for what that proves and what it does not).

Without a full history (no git, a shallow clone) nothing is known: no version but the
current page, no log; `takedown.py` says so (HISTORY_UNKNOWN).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.judge.history import History, Went
from site_builder.load import markdown
from site_builder.load.config import Config
from site_builder.load.content import item_url, parse
from site_builder.load.discover import INDEX_NAMES, Source
from site_builder.load.model import SECTION_OF, Announcement, Item

GENESIS = "sha256:" + "0" * 64  # the `prev` of the first entry
EVENTS = ("published", "corrected", "rescheduled", "cancelled", "withdrawn")


@dataclass(frozen=True)
class Version:
    """One published version of an item."""

    number: int  # from 1, oldest first
    item: Item  # the version as parsed from its bytes
    went: datetime  # when it became public
    event: str  # one of EVENTS: what this version did
    note: str  # its public note: the new correction's, event change's, or the withdrawal's reason
    blob: str  # git's name of its bytes

    @property
    def withdrawn(self) -> bool:
        return self.event == "withdrawn"


@dataclass(frozen=True)
class Record:
    """Every published version by source (relative to content/), and the log over them."""

    known: bool = False  # a full history was read
    versions: dict[str, tuple[Version, ...]] = field(default_factory=dict)
    log: tuple[dict, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def head(self) -> str:
        """The last entry's hash: what a reader saves to check later that the log only grew."""
        return self.log[-1]["hash"] if self.log else ""

    def of(self, source: str) -> tuple[Version, ...]:
        return self.versions.get(source, ())


def read(history: History, config: Config) -> Record:
    """The record of the site's history up to the history's `now`."""
    if not history.known:
        return Record()
    sources = sorted(history.log.versions)
    history.went(sources)  # every version's facts, their bytes read in one go
    versions: dict[str, tuple[Version, ...]] = {}
    for source in sources:
        found = _versions(history, source)
        if found:
            versions[source] = found
    unread = [
        problem("content/" + source, 0, "warning", "VERSION_UNREADABLE", blob=blob[:12])
        for source, blob in history.unreadable()
    ]
    return Record(True, versions, _log(versions, config), tuple(unread))


def _versions(history: History, source: str) -> tuple[Version, ...]:
    out: list[Version] = []
    last: Item | None = None
    for went in reversed(history.outs(source)):  # oldest first
        item = _checked(history, source, went)
        if item is None:
            continue
        if last is not None and item.digest == last.digest and went.withdrawn == out[-1].withdrawn:
            continue  # the same content approved again: the same version
        event, note = _change(last, item, went)
        at = went.went
        if went.withdrawn and item.meta.withdrawn is not None:
            at = max(at, item.meta.withdrawn.at)
        out.append(Version(len(out) + 1, item, at, event, note, went.blob))
        last = item
    return tuple(out)


def _checked(history: History, source: str, went: Went) -> Item | None:
    """The version as parsed, if its approval covers it.  History takes a bundle's hash on
    trust (its attachments are not in the blob): here it is checked with the attachments
    its folder holds now, and a version it does not cover (an edit never approved, or
    one whose attachments have changed since) is no version: never a wrong one."""
    item = history.item(source, went.blob)
    approval = item.meta.approval if item is not None else None
    if (
        item is None
        or approval is None
        or approval.hash is None
        or source.rsplit("/", 1)[-1] not in INDEX_NAMES
    ):
        return item
    current = history.current.get(source)
    if current is None:
        return None  # (a bundle no longer in content/: its attachments are unknown)
    if item is not current:
        raw = history.read(went.blob) or b""
        where = str((history.root or Path()) / "content" / source)
        item, _ = parse(
            Source(source, raw, current.attachments, where).hashed(), history.config, markdown.make_parser()
        )
    return item if item is not None and approval.hash == item.digest else None


def _change(before: Item | None, item: Item, went: Went) -> tuple[str, str]:
    """What a version did to the one before it, and its public note."""
    meta = item.meta
    if went.withdrawn:
        return "withdrawn", meta.withdrawn.reason if meta.withdrawn else ""
    if before is None:
        return "published", ""
    if isinstance(meta, Announcement) and isinstance(before.meta, Announcement):
        event, old = meta.event, before.meta.event
        note = event.changes[-1].note if len(event.changes) > len(old.changes) else ""
        if event.status == "cancelled" and old.status != "cancelled":
            return "cancelled", event.cancel_reason or note
        if (event.starts, event.ends) != (old.starts, old.ends):
            return "rescheduled", note
    new = meta.corrections[len(before.meta.corrections) :]
    return "corrected", new[-1].note if new else ""


def _log(versions: dict[str, tuple[Version, ...]], config: Config) -> tuple[dict, ...]:
    """Every version as a log entry, by public time, each chained to the one before."""
    ordered = sorted(
        (v.went, config.origin + _url(v, config), v.number, source, v)
        for source, found in versions.items()
        for v in found
    )
    out: list[dict] = []
    prev = GENESIS
    for seq, (at, url, number, _, version) in enumerate(ordered, start=1):
        item = version.item
        steps = item.meta.approvals
        entry = {
            "seq": seq,
            "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "event": version.event,
            "item": item.key,
            "lang": item.lang,
            "url": url,
            "version": number,
            "content": item.digest,
            "approvers": [step.by for step in steps],
            "signatures": [step.signature for step in steps if step.signature],
            "prev": prev,
        }
        entry["hash"] = prev = entry_hash(entry)
        out.append(entry)
    return tuple(out)


def _url(version: Version, config: Config) -> str:
    item = version.item
    return item_url(config, item.lang, SECTION_OF[item.kind], item.slug)


def canonical(entry: dict) -> bytes:
    """An entry as the log writes it and hashes it: sorted keys, no spaces, UTF-8."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(entry: dict) -> str:
    """The hash of an entry: SHA-256 over its canonical JSON without its own `hash` (its
    `prev` included, which chains it to the one before)."""
    return "sha256:" + hashlib.sha256(canonical({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


def jsonl(record: Record) -> bytes:
    """The log file: one canonical entry a line."""
    return b"".join(canonical(entry) + b"\n" for entry in record.log)
