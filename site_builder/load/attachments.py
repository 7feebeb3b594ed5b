"""What each attachment holds that matters before it is published: restricted markers in
its text, metadata, tracked changes and comments (documents.py reads each format).

An attachment is read once per version of its bytes: the outcome is kept in the build
cache under the SHA-256 of the bytes and the markers looked for, so a warm build reads
none (the bytes' hashes come from the up-to-date check, which has just taken them;
the preview server keeps them by each file's stat).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from site_builder.load import documents, links, markers
from site_builder.load.model import Attachment
from site_builder.speed import cache, uptodate
from site_builder.speed.session import Session

BUCKET = "attachments"
CLEANED = "cleaned attachments"  # the published copies, by the SHA-256 of the file's bytes


@dataclass(frozen=True)
class Scan:
    """The outcome of reading one attachment (see documents.py)."""

    markers: tuple[tuple[str, str, int], ...] = ()  # (marker as written, where, number), first of each
    metadata: tuple[str, ...] = ()  # what a published copy drops ("author", "GPS location" …)
    refused: tuple[str, ...] = ()  # "tracked changes", "comments"
    unreadable: tuple[str, str] = ("", "")  # ("encrypted" | "damaged" | "too large", why)
    sealed: bool = False  # signed or encrypted: published byte for byte
    digest: str = ""  # SHA-256 of the bytes read
    cleaned: int = -1  # the size of the published copy without metadata; -1: none is made


def scan(
    content_dir: Path, wanted: Iterable[Attachment], marked: list[str], session: Session
) -> dict[str, Scan]:
    """Each attachment of a format documents.py reads, by its path below content/."""
    store, known = session.store, session.digests or {}
    todo = {a.source: a for a in wanted if documents.kind(a.name)}
    out: dict[str, Scan] = {}
    names: dict[str, str] = {}
    read: dict[str, bytes] = {}
    for source, attachment in todo.items():
        if attachment.size > documents.MOST_BYTES:
            out[source] = Scan(unreadable=("too large", f"{attachment.size} bytes"))
            continue
        digest = known.get(source) or _digest(content_dir / source, store, read, source)
        if not digest:
            continue  # gone or unreadable since it was listed: the copy fails the build
        names[source] = cache.key(BUCKET, digest, *marked)
    found = store.get_many(BUCKET, list(names.values()))
    fresh: dict[str, bytes] = {}
    for (source, name), kept in zip(names.items(), found, strict=True):
        if isinstance(kept, Scan):
            out[source] = kept
            continue
        data = read.pop(source, None)
        if data is None:
            try:
                data = links.read(content_dir / source)
            except OSError:
                continue
        out[source], copy = _scan(todo[source].name, data, marked)
        if copy is not None:
            store.put(CLEANED, out[source].digest, copy)
        fresh[name] = pickle.dumps(out[source], protocol=pickle.HIGHEST_PROTOCOL)
        store.remember(BUCKET, name, out[source])
    store.put_many(BUCKET, fresh)
    if fresh:
        store.compact(BUCKET, set(names.values()))
    return out


def _digest(path: Path, store: cache.Cache, read: dict[str, bytes], source: str) -> str:
    """A file's SHA-256: by its stat where a `memory` cache hashed it before (the preview
    server), else read (and the bytes kept in `read` for the scan that may follow)."""

    def hashed() -> str:
        try:
            data = links.read(path)
        except OSError:
            return ""
        read[source] = data
        return hashlib.sha256(data).hexdigest()

    if store.memory is None:
        return hashed()
    return store.memo("attachment digests", (source, uptodate.signature(path)), hashed)


def _scan(name: str, data: bytes, marked: list[str]) -> tuple[Scan, bytes | None]:
    """What one file holds, and its copy without metadata when it needs one (made here, so
    that a file the build could not clean is reported by `check`)."""
    digest = hashlib.sha256(data).hexdigest()
    copy = None
    try:
        found = documents.read(name, data)
        if found.metadata and not found.sealed:
            copy = documents.cleaned(name, data)
    except documents.Unreadable as exc:
        return Scan(unreadable=(exc.kind, exc.reason), digest=digest), None
    units = found.texts
    parts = [markers.Part(n, " ".join(text.split())) for n, (_, _, text) in enumerate(units, 1)]
    seen: dict[str, tuple[str, str, int]] = {}
    for problem in markers.find(name, parts, marked):
        where, number, _ = units[problem.line - 1]
        shown = dict(problem.args)["marker"]
        seen.setdefault(shown.casefold(), (shown, where, number))
    scan = Scan(
        markers=tuple(seen.values()),
        metadata=tuple(sorted(found.metadata)),
        refused=tuple(sorted(found.refused)),
        sealed=found.sealed,
        digest=digest,
        cleaned=-1 if copy is None else len(copy),
    )
    return scan, copy


def cleaned_copy(content_dir: Path, attachment: Attachment, digest: str, store: cache.Cache | None) -> bytes:
    """The published copy of an attachment without its metadata: from the cache, where the
    check put it, or made again from the file (raises office.Unreadable, OSError)."""
    kept = store.get(CLEANED, digest) if store is not None else None
    if isinstance(kept, bytes):
        return kept
    return documents.cleaned(attachment.name, links.read(content_dir / attachment.source))
