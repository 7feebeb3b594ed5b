"""What content/ holds: every item file and its attachments, found without following a link,
and names no output may carry reported on the way."""

from __future__ import annotations

import dataclasses
import hashlib
import mimetypes
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.load import chars, frontmatter, links
from site_builder.load.model import MONITORING_SECTION, REQUESTS_SECTION, SECTIONS, Attachment

IGNORED = {".gitkeep", ".DS_Store", "Thumbs.db"}
# Files the build makes in an item's folder, so no attachment may have their name.
RESERVED_NAMES = {"index.html", "event.ics"}


@dataclass(frozen=True)
class Source:
    """One content file as found on disk, before parsing."""

    rel: str  # relative to content/, '/'-separated
    raw: bytes  # b"" until read (see `read`)
    attachments: tuple[Attachment, ...] = ()
    path: str | None = None  # where to read `raw` from
    seen: tuple[int, ...] = ()  # size, mtime, ctime and inode when listed: is it the file hashed before?
    attached: tuple[tuple[int, ...], ...] = ()  # each attachment's `seen`, as `attachments`
    hashes: tuple[str, ...] = ()  # each attachment's SHA-256 (hex), as `attachments`; () until known

    def read(self) -> Source:
        """This source with its bytes, read from disk if `discover` left them out."""
        if self.raw or self.path is None:
            return self
        return dataclasses.replace(self, raw=links.read(self.path))  # a link since listed: OSError

    def hashed(self) -> Source:
        """This source with its attachments' hashes, each file read and hashed unless known
        (the loader knows most: see `content.load`)."""
        if len(self.hashes) == len(self.attachments):
            return self
        return dataclasses.replace(self, hashes=tuple(self.attachment_hash(a) for a in self.attachments))

    def attachment_hash(self, attachment: Attachment) -> str:
        """The SHA-256 of an attachment's bytes; what it is instead when it cannot be read
        (gone or replaced since listed: no approved hash can match that)."""
        if self.path is None:
            return "(unknown)"
        return file_hash(os.path.join(os.path.dirname(self.path), attachment.name))


def file_hash(path: str) -> str:
    """A regular file's SHA-256 (hex), read in pieces and never through a link; or "(unreadable)"."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return "(unreadable)"
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return "(unreadable)"


def discover(content_dir: Path, read: bool = True) -> tuple[list[Source], list[Problem]]:
    """Every Markdown file under content/ with the attachments of its folder; no symlinks followed.

    Without `read`, the bytes are left on disk (`Source.read`): a ten-year archive's
    files need not all be in memory at once.  Folders are listed with `os.scandir`, whose
    entries know whether they are links without a system call each.
    """
    sources: list[Source] = []
    problems: list[Problem] = []
    if links.is_link(content_dir):  # never listed through (`links.find` reports it)
        return [], []
    if not content_dir.is_dir():
        return [], [problem("content/", 0, "error", "CONTENT_MISSING")]
    _discover(content_dir.parent, str(content_dir), ".", read, sources, problems)
    return sources, problems


def _discover(
    root: Path, folder: str, rel_dir: str, read: bool, sources: list[Source], problems: list[Problem]
) -> None:
    """One folder (its files first, then its subfolders, each in name order), as os.walk would."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return  # unreadable: skipped, as os.walk skips it
    dirs: list[os.DirEntry[str]] = []
    files: list[os.DirEntry[str]] = []
    for entry in entries:
        if not readable_name(entry.name):
            shown = "content/" + _rel(rel_dir, shown_name(entry.name))
            problems.append(problem(shown, 0, "error", "FILE_NAME_ENCODING"))
            continue  # no URL, cache key or message can be made of it
        char = chars.bad_in_name(entry.name)
        if char:  # it would reach a URL, a link's text and the feeds' XML
            shown = "content/" + _rel(rel_dir, chars.shown(entry.name))
            problems.append(
                problem(shown, 0, "error", "FILE_NAME_CHAR", char=chars.label(char), what=chars.name(char))
            )
            continue
        try:
            is_dir = entry.is_dir()  # a link to a folder counts as a folder, never entered
        except OSError:
            is_dir = False
        (dirs if is_dir else files).append(entry)
    for entry in dirs:
        if entry.is_symlink():
            problems.append(links.symlink(root, entry.path))
    names = [f for f in files if f.name not in IGNORED and not f.name.startswith(".")]
    is_bundle = any(_is_index(entry.name) for entry in names)
    attachments: list[Attachment] = []
    attached: list[tuple[int, ...]] = []
    for entry in names:
        name, rel = entry.name, _rel(rel_dir, entry.name)
        if entry.is_symlink():
            problems.append(links.symlink(root, entry.path))
        elif not name.endswith(".md"):
            if is_bundle and name.lower() in RESERVED_NAMES:  # as a case-blind host sees it
                problems.append(problem("content/" + rel, 0, "error", "ATTACHMENT_RESERVED", name=name))
            elif is_bundle:
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                found = entry.stat(follow_symlinks=False)
                attachments.append(Attachment(name, rel, found.st_size, mime))
                attached.append((found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino))
            else:
                problems.append(problem("content/" + rel, 0, "warning", "STRAY_FILE"))
    for entry in names:
        name = entry.name
        if not name.endswith(".md") or entry.is_symlink():
            continue
        rel = _rel(rel_dir, name)
        if rel_dir == "." or rel_dir.split("/")[0] not in SECTIONS:
            problems.append(
                problem("content/" + rel, 0, "error", "UNKNOWN_SECTION", sections=", ".join(SECTIONS))
            )
            continue
        try:
            found = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # gone since the folder was listed
        if found.st_size > frontmatter.MAX_FILE_BYTES:
            problems.append(
                problem(
                    "content/" + rel,
                    0,
                    "error",
                    "FILE_TOO_LARGE",
                    size=found.st_size,
                    limit=frontmatter.MAX_FILE_BYTES,
                )
            )
            continue
        own, stats = (tuple(attachments), tuple(attached)) if _is_index(name) else ((), ())
        seen = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)
        source = Source(rel, b"", own, entry.path, seen, stats)
        sources.append(source.read() if read else source)
    for entry in dirs:
        if entry.is_symlink() or entry.name.startswith("."):
            continue
        if rel_dir == "." and entry.name in (REQUESTS_SECTION, MONITORING_SECTION):
            continue  # records, loaded by judge/mediarequests.py and judge/monitoring.py
        _discover(root, entry.path, _rel(rel_dir, entry.name), read, sources, problems)


def readable_name(name: str) -> bool:
    """Whether a name from the file system is UTF-8 (Python keeps other bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown_name(name: str) -> str:
    """A name from the file system as it can be shown: bytes that are not UTF-8 as U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


def _rel(rel_dir: str, name: str) -> str:
    return name if rel_dir == "." else f"{rel_dir}/{name}"


def read_source(content_dir: Path, rel: str) -> tuple[Source | None, list[Problem]]:
    """One item as discover() would find it, with its folder's attachments, or a
    media-request record (for `approve`); None and why when it is neither: a file outside
    the sections, one discover() refuses."""
    sources, problems = discover(content_dir)
    found = next((s for s in sources if s.rel == rel), None)
    if found is not None:
        return found.hashed(), []
    path = "content/" + shown_name(rel)
    why = [p for p in problems if p.path == path]
    if rel.split("/")[0] == REQUESTS_SECTION and not why:  # a record: no attachments, never linked
        if not readable_name(rel):
            return None, [problem(path, 0, "error", "FILE_NAME_ENCODING")]
        return Source(rel, links.read(content_dir / rel)), []
    if not why and not readable_name(rel):  # in a folder whose name is not UTF-8
        why = [problem(path, 0, "error", "FILE_NAME_ENCODING")]
    if not why and ("/" not in rel or rel.split("/")[0] not in SECTIONS):
        why = [problem(path, 0, "error", "UNKNOWN_SECTION", sections=", ".join(SECTIONS))]
    if why:
        return None, why
    return Source(rel, (content_dir / rel).read_bytes()), []  # in a folder discover() skips (.name)


INDEX_NAMES = {"index.md", "index.ru.md", "index.ky.md", "index.en.md"}


def _is_index(name: str) -> bool:
    return name in INDEX_NAMES
