"""Discover content/ and parse each file into the model: the only stage that reads content."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import mimetypes
import multiprocessing
import os
import pickle
import re
import stat
import time
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import accumulate, pairwise, repeat
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from site_builder.errors import Problem, problem
from site_builder.load import chars, frontmatter, links, markdown, markers
from site_builder.load.approval import content_hash
from site_builder.load.config import Config
from site_builder.load.fields import problems_from
from site_builder.load.model import MODELS, REQUESTS_SECTION, SECTION_OF, SECTIONS, Attachment, Item
from site_builder.load.slugs import slug as slug_of
from site_builder.speed import cache, parallel, uptodate
from site_builder.speed.cache import Cache
from site_builder.speed.session import Session

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
_LANG_SUFFIX = re.compile(r"^(?P<stem>.+?)\.(?P<lang>ru|ky|en)$")
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

    def read(self) -> Source:
        """This source with its bytes, read from disk if `discover` left them out."""
        if self.raw or self.path is None:
            return self
        return dataclasses.replace(self, raw=links.read(self.path))  # a link since listed: OSError


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
    for entry in names:
        name, rel = entry.name, _rel(rel_dir, entry.name)
        if entry.is_symlink():
            problems.append(links.symlink(root, entry.path))
        elif not name.endswith(".md"):
            if is_bundle and name.lower() in RESERVED_NAMES:  # as a case-blind host sees it
                problems.append(problem("content/" + rel, 0, "error", "ATTACHMENT_RESERVED", name=name))
            elif is_bundle:
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                attachments.append(Attachment(name, rel, entry.stat().st_size, mime))
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
        own = tuple(attachments) if _is_index(name) else ()
        seen = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)
        source = Source(rel, b"", own, entry.path, seen)
        sources.append(source.read() if read else source)
    for entry in dirs:
        if entry.is_symlink() or entry.name.startswith("."):
            continue
        if rel_dir == "." and entry.name == REQUESTS_SECTION:
            continue  # media requests are records, loaded by mediarequests.py
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
    """One item as discover() would find it, with its folder's attachments (for `approve`);
    None and why when it is not an item: a media request, a file outside the sections,
    one discover() refuses."""
    sources, problems = discover(content_dir)
    found = next((s for s in sources if s.rel == rel), None)
    if found is not None:
        return found, []
    path = "content/" + shown_name(rel)
    if rel.split("/")[0] == REQUESTS_SECTION:
        return None, [problem(path, 0, "error", "APPROVE_MEDIA_REQUEST")]
    why = [p for p in problems if p.path == path]
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


def item_url(config: Config, lang: str, section: str, slug: str) -> str:
    prefix = "" if lang == config.site.language else f"{lang}/"
    return f"{config.base_path}{prefix}{section}/{slug}/"


def parse(source: Source, config: Config, md: markdown.MarkdownIt) -> tuple[Item | None, list[Problem]]:
    """Parse one file's bytes into an Item; pure (reads nothing from disk)."""
    path = "content/" + source.rel
    document, problems = frontmatter.read(source.raw, path)
    if document is None:
        return None, problems
    data, lines, split = document.data, document.lines, document.split
    section = source.rel.split("/")[0]
    kind = SECTIONS[section]
    model = MODELS[kind]
    try:
        meta = model.model_validate(data, context={"tz": config.tz})
    except ValidationError as exc:
        return None, [*problems, *problems_from(exc, model, path, lines, 1)]

    folder, filename = posixpath_split(source.rel)
    stem = filename[: -len(".md")]
    lang_from_name = None
    match = _LANG_SUFFIX.match(stem)
    if match:
        stem, lang_from_name = match.group("stem"), match.group("lang")
    bundle = stem == "index"
    if bundle:
        folder, stem = posixpath_split(folder)
    lang = meta.lang or lang_from_name or config.site.language
    if lang_from_name and meta.lang and meta.lang != lang_from_name:
        problems.append(
            problem(
                path,
                lines.get(("lang",), 1),
                "error",
                "LANG_MISMATCH",
                value=meta.lang,
                suffix=lang_from_name,
            )
        )
    if lang not in config.languages:
        problems.append(
            problem(
                path,
                lines.get(("lang",), 1),
                "error",
                "LANG_UNKNOWN",
                value=lang,
                allowed=", ".join(config.languages),
            )
        )
    if meta.slug is not None:
        slug = meta.slug
        if not _SLUG.match(slug):
            problems.append(problem(path, lines.get(("slug",), 1), "error", "BAD_SLUG", value=slug[:80]))
            return None, problems
    else:
        slug = slug_of(stem, 100) or "item"
    key = meta.id or f"{folder}/{stem}"
    url = item_url(config, lang, section, slug)
    place = markdown.Place(posixpath_split(source.rel)[0], url, frozenset(a.name for a in source.attachments))
    rendered = markdown.render(md, split.body, place, path=path, body_line=split.body_line)
    problems += rendered.problems
    if meta.confidentiality != "restricted":
        parts = markers.parts_of(data, lines, split, rendered.html)
        problems += markers.find(path, parts, config.rules.restricted_markers)
    item = Item(
        source=source.rel,
        kind=kind,
        meta=meta,
        body_line=split.body_line,
        **Item.pack(rendered.html, lines),
        key=key,
        lang=lang,
        slug=slug,
        md_links=rendered.md_links,
        images=rendered.images,
        attachments=source.attachments,
        digest=content_hash(data, split.body),
        moments=tuple(sorted(set(uptodate.moments(meta)))),
    )
    return item, problems


def posixpath_split(rel: str) -> tuple[str, str]:
    head, _, tail = rel.rpartition("/")
    return head, tail


PARALLEL_FROM = 400  # below this many files a process pool costs more than it saves


def _parse_chunk(
    chunk: list[tuple[Source, str]], config: Config, settings: str, store: Cache
) -> list[tuple[str, bytes]]:
    """Parse files into one cache pack; each result is pickled once, for it and the parent."""
    md = markdown.make_parser()
    results = []
    for source, name in chunk:
        try:
            source = source.read()
        except OSError:  # gone since it was listed (a checkout, an editor's rename): b"" skips it
            results.append((name, b""))
            continue
        name = _cache_name(source, settings)  # the bytes may have changed since they were hashed
        item, problems = parse(source, config, md)
        result = (dataclasses.replace(item, fingerprint=name) if item else None, problems)
        results.append((name, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))
    store.put_many("items", {name: blob for name, blob in results if blob})
    return results


def _cache_name(source: Source, settings: str, digest: str = "") -> str:
    """The cache name of a file's parse: its path, attachments and bytes (by their SHA-256,
    `digest` when the caller hashed them already), and the settings parsing reads."""
    attachments = "|".join(f"{a.name}:{a.size}" for a in source.attachments)
    return cache.key(settings, source.rel, attachments, digest or hashlib.sha256(source.raw).hexdigest())


# A long-running process (the preview server) keeps each file's hash with what the file's
# stat said when it was hashed, and hashes again only a file whose stat changed.  As git's
# index does, it trusts that only for a file last modified well before it was hashed: an
# edit within the file system's timestamp granularity of the hashing could keep the stat.
RACY_NS = 2_000_000_000


def _digest_seen(store: Cache, source: Source) -> str:
    """The SHA-256 kept for this file, if its stat is the one it had when hashed; else ""."""
    kept = store.recall("digests", source.rel) if source.seen else None
    if kept is None:
        return ""
    seen, digest, hashed_at = kept
    if seen != source.seen or source.seen[1] > hashed_at - RACY_NS:
        return ""
    return digest


def _digest_hashed(store: Cache, source: Source, digest: str) -> None:
    if source.seen and store.memory is not None:
        store.remember("digests", source.rel, (source.seen, digest, time.time_ns()))


def _named(store: Cache, source: Source, settings: str, digest: str) -> str:
    """`_cache_name`, which a `memory` cache keeps by everything that goes into it."""
    if store.memory is None:
        return _cache_name(source, settings, digest)
    return store.memo(
        "names",
        f"{settings}|{source.rel}|{digest}|{source.attachments!r}",
        lambda: _cache_name(source, settings, digest),
    )


class _Listing(NamedTuple):
    """A listing of content/ as a `memory` cache keeps it (see `_listing`)."""

    sources: list[Source]  # without the bytes of the files the listing had to read
    names: list[str]
    problems: list[Problem]
    settings: str  # the parse settings the names were made with


def _listing(
    content_dir: Path, store: Cache, settings: str, digests: dict[str, str], touched: Collection[str] | None
) -> tuple[list[Source], list[str], list[Problem]]:
    """Every content file, its cache name, and what discovering them found wrong.

    A `memory` cache keeps the last listing; given `touched`, only those files are looked
    at again (their stat, and their hash when it changed), if each of them is still a file
    the last listing holds: anything else is listed anew."""
    kept: _Listing | None = store.recall("listing", str(content_dir))
    if touched is not None and kept is not None and kept.settings == settings:
        again = _relisted(content_dir, store, settings, kept, touched)
        if again is not None:
            _keep_listing(store, content_dir, *again, settings)
            return again[0], list(again[1]), list(again[2])
    found, problems = discover(content_dir, read=False)
    names: list[str] = []
    sources: list[Source] = []
    for source in found:
        try:
            name, source = _name(store, source, settings, digests)
        except OSError:
            continue  # gone since it was listed
        names.append(name)
        sources.append(source)
    if store.memory is not None:
        _keep_listing(store, content_dir, sources, names, problems, settings)
    return sources, names, problems


def _keep_listing(store: Cache, content_dir: Path, sources, names, problems, settings: str) -> None:
    """Keep a listing in a `memory` cache, without the bytes of the files it had to read."""
    kept = [dataclasses.replace(s, raw=b"") if s.raw else s for s in sources]
    store.remember("listing", str(content_dir), _Listing(kept, list(names), list(problems), settings))


def listed_as_kept(content_dir: Path, store: Cache) -> bool | None:
    """Whether content/ lists now as the `memory` cache's last listing says (the same
    files with the same stat and attachments, the same problems): what a listing from the
    watcher's reports (see `load`) is checked by, in case the watcher missed a change.
    None when no listing is kept."""
    kept: _Listing | None = store.recall("listing", str(content_dir))
    if kept is None:
        return None
    found, problems = discover(content_dir, read=False)

    def state(sources: list[Source]) -> list[tuple]:
        return [(source.rel, source.seen, source.attachments) for source in sources]

    return state(found) == state(kept.sources) and problems == kept.problems


def _name(store: Cache, source: Source, settings: str, digests: dict[str, str]) -> tuple[str, Source]:
    """A file's cache name, and the source as read (when it had to be hashed)."""
    known = digests.get(source.rel, "") or _digest_seen(store, source)
    if not known:
        source = source.read()
        known = hashlib.sha256(source.raw).hexdigest()
        _digest_hashed(store, source, known)
    return _named(store, source, settings, known), source


def _relisted(
    content_dir: Path, store: Cache, settings: str, kept: _Listing, touched: Collection[str]
) -> tuple[list[Source], list[str], list[Problem]] | None:
    """The kept listing with the touched files looked at again; None when one of them is
    not a plain Markdown file of that listing within the size limit any more."""
    sources, names, problems = kept.sources, kept.names, kept.problems
    store.spare("digests", "names")  # the kept names stand for the files' hashes
    if not touched:
        return sources, names, problems
    where = {source.rel: index for index, source in enumerate(sources)}
    sources, names = list(sources), list(names)
    for rel in touched:
        index = where.get(rel)
        if index is None:
            return None
        try:
            found = os.lstat(content_dir / rel)
            if not stat.S_ISREG(found.st_mode) or found.st_size > frontmatter.MAX_FILE_BYTES:
                return None
            seen = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)
            names[index], source = _name(store, dataclasses.replace(sources[index], seen=seen), settings, {})
        except OSError:
            return None
        sources[index] = source
    return sources, names, problems


def load(
    content_dir: Path,
    config: Config,
    session: Session | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[Item], list[Problem]]:
    """Discover and parse every item, in file order.

    `meanwhile` is called in this process while worker processes parse (when there are
    enough files for them): work the caller needs next, done while this process waits.

    The session's `touched`, for a `memory` cache (the preview server): the files
    (relative to content/) known to be the only ones whose bytes changed since the last
    load, none created, deleted or moved; None when that is not known.  Only those are
    looked at again.

    Parsed items come from the session's cache when the file, its attachments and the
    settings are unchanged; the rest are parsed over its `jobs` processes, which read the
    files themselves.  Its `digests` are the files' SHA-256 by path, when the caller has
    just hashed them (see `uptodate.inputs_key`): those files are not read here.
    """
    session = session or Session()
    store, digests, touched = session.store, session.digests or {}, session.touched
    # What parsing depends on besides the file: time zone, languages, URL prefix, markers.
    site = config.site
    marked = "|".join(config.rules.restricted_markers)
    settings = f"{site.timezone}|{site.language}|{','.join(config.languages)}|{config.base_path}|{marked}"
    sources, names, problems = _listing(content_dir, store, settings, digests, touched)
    results: list[tuple[Item | None, list[Problem]] | None] = store.get_many("items", names)
    todo = [(index, (sources[index], names[index])) for index, value in enumerate(results) if value is None]
    jobs = parallel.processes(session.jobs)
    if jobs > 1 and len(todo) >= PARALLEL_FROM:
        bounds = pairwise(accumulate(parallel.tapering(len(todo), jobs), initial=0))
        chunks = [[job for _, job in todo[start:end]] for start, end in bounds]
        with parallel.frozen_heap():  # frozen only while the workers are forked
            pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
            parts = pool.map(_parse_chunk, chunks, repeat(config), repeat(settings), repeat(store.detached()))
    else:
        # In this process: a `memory` cache (the preview server's) writes the pack at its flush.
        pool, parts = None, iter([_parse_chunk([job for _, job in todo], config, settings, store)])
    with pool or contextlib.nullcontext():
        if pool is not None and meanwhile is not None:
            meanwhile()
        # Chunk by chunk as they come, so the pickled results never all wait in memory.
        fresh = iter(todo)
        for part in parts:
            for name, blob in part:
                index, _ = next(fresh)
                results[index] = pickle.loads(blob) if blob else (None, [])
                if blob:
                    store.remember("items", name, results[index])
    # A cold build over many cores writes many packs; that alone is no reason to fold them.
    store.compact("items", set(names), most=max(24, 8 * jobs + 8))
    items: list[Item] = []
    for result in results:
        assert result is not None
        item, found_problems = result
        problems += found_problems
        if item is not None:
            items.append(item)
    return items, problems


__all__ = ["SECTION_OF", "Source", "discover", "item_url", "load", "parse"]
