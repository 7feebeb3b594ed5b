"""Parse each file of content/ into the model, from the cache where it is unchanged: the only
stage that reads content (what content/ holds is found by discover.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import pickle
import re
import stat
import time
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from itertools import accumulate, pairwise, repeat
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from site_builder.errors import Problem, problem
from site_builder.load import contacts, frontmatter, markdown, markers, skeleton
from site_builder.load.approval import content_hash
from site_builder.load.config import Config, TypeName
from site_builder.load.discover import Source, discover
from site_builder.load.fields import problems_from
from site_builder.load.model import MODELS, SECTION_OF, SECTIONS, Approval, Common, Item
from site_builder.load.slugs import slug as slug_of
from site_builder.speed import cache, parallel, uptodate
from site_builder.speed.cache import Cache
from site_builder.speed.session import Session

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
_LANG_SUFFIX = re.compile(r"^(?P<stem>.+?)\.(?P<lang>ru|ky|en)$")


def item_url(config: Config, lang: str, section: str, slug: str) -> str:
    prefix = "" if lang == config.site.language else f"{lang}/"
    return f"{config.base_path}{prefix}{section}/{slug}/"


def parse(source: Source, config: Config, md: markdown.MarkdownIt) -> tuple[Item | None, list[Problem]]:
    """Parse one file's bytes into an Item.  Pure when the source carries its attachments'
    hashes, as the loader's do (else they are read: `Source.hashed`)."""
    source = source.hashed()
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
    on_approval = meta.date is None
    if on_approval:  # no embargo: it goes out when approved, the one date every output reads
        meta = meta.model_copy(update={"date": published_at(meta, final_step(config, kind))})

    folder, stem, lang_from_name = named(source.rel)
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
    key = meta.id or f"{folder}/{stem}"  # as `identity` has it
    url = item_url(config, lang, section, slug)
    names = frozenset(a.name for a in source.attachments)
    place = markdown.Place(posixpath_split(source.rel)[0], url, names, config.base_path)
    rendered = markdown.render(md, split.body, place, path=path, body_line=split.body_line)
    problems += rendered.problems
    if meta.confidentiality != "restricted" or config.rules.public_repository:
        parts = markers.parts_of(data, lines, split, rendered.html)
        problems += markers.find(path, parts, config.rules.restricted_markers)
    if kind == "question":
        problems += contacts.find(path, data, lines, split.body, split.body_line)
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
        digest=content_hash(data, split.body, key, lang, _attachment_pairs(source)),
        moments=tuple(sorted(set(uptodate.moments(meta)))),
        on_approval=on_approval,
        placeholders=skeleton.found(data, lines, split.body, split.body_line),
    )
    return item, problems


def final_step(config: Config, kind: TypeName) -> str:
    """The name of a type's last approval step (an approval that names no step gives it)."""
    return (config.rules.for_type(kind).steps or ["approval"])[-1]


def published_at(meta: Common, final: str) -> datetime | None:
    """When an item without `date:` goes out: when its approval's final step was given.

    None until that step is there (a draft, or an item under review, is never dated "now").
    The latest step's time, not the final step's own, should the steps be out of time
    order (an error): the date never makes the item look older than any approval of it.
    """
    approvals: list[Approval] = meta.approvals  # type: ignore[assignment]
    if not approvals or (approvals[-1].step or final) != final:
        return None
    return max(approval.at for approval in approvals)


def named(rel: str) -> tuple[str, str, str | None]:
    """What a content file's path says of its item: its folder and stem (those of its
    folder for a bundle's index.md), and the language of a `.ky.md`-like suffix."""
    folder, filename = posixpath_split(rel)
    stem = filename[: -len(".md")]
    lang_from_name = None
    match = _LANG_SUFFIX.match(stem)
    if match:
        stem, lang_from_name = match.group("stem"), match.group("lang")
    if stem == "index":
        folder, stem = posixpath_split(folder)
    return folder, stem, lang_from_name


def identity(rel: str, data: dict, config: Config) -> tuple[str, str]:
    """An item's key and language, as `parse` works them out, from its path and its front
    matter's `id` and `lang` (read loosely: for a version of the file that may not parse)."""
    folder, stem, lang_from_name = named(rel)
    given_id, given_lang = data.get("id"), data.get("lang")
    key = given_id if isinstance(given_id, str) and given_id else f"{folder}/{stem}"
    lang = (
        given_lang if isinstance(given_lang, str) and given_lang else lang_from_name or config.site.language
    )
    return key, lang


def _attachment_pairs(source: Source) -> list[tuple[str, str]]:
    """Each attachment's name and SHA-256, as the approval hash binds them (`source` hashed)."""
    return [(a.name, sha) for a, sha in zip(source.attachments, source.hashes, strict=True)]


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
    """The cache name of a file's parse: its path, its attachments' names and bytes and its
    own bytes (by their SHA-256, `digest` when the caller hashed the file already), and the
    settings parsing reads.  The attachments' bytes count: the approval hash covers them."""
    attachments = "|".join(f"{name}:{sha}" for name, sha in _attachment_pairs(source.hashed()))
    return cache.key(settings, source.rel, attachments, digest or hashlib.sha256(source.raw).hexdigest())


# A long-running process (the preview server) keeps each file's hash with what the file's
# stat said when it was hashed, and hashes again only a file whose stat changed.  As git's
# index does, it trusts that only for a file last modified well before it was hashed: an
# edit within the file system's timestamp granularity of the hashing could keep the stat.
RACY_NS = 2_000_000_000


def _digest_seen(store: Cache, source: Source) -> str:
    """The SHA-256 kept for this file, if its stat is the one it had when hashed; else ""."""
    return _kept_digest(store, source.rel, source.seen)


def _kept_digest(store: Cache, rel: str, seen: tuple[int, ...]) -> str:
    """The SHA-256 kept for the file at `rel` (in content/), if `seen` is the stat it had when hashed."""
    kept = store.recall("digests", rel) if seen else None
    if kept is None:
        return ""
    then, digest, hashed_at = kept
    if then != seen or seen[1] > hashed_at - RACY_NS:
        return ""
    return digest


def _digest_hashed(store: Cache, rel: str, seen: tuple[int, ...], digest: str) -> None:
    if seen and store.memory is not None:
        store.remember("digests", rel, (seen, digest, time.time_ns()))


def _hash_attachments(store: Cache, source: Source, digests: dict[str, str]) -> Source:
    """The source with its attachments' SHA-256, each as the caller hashed it (`digests`,
    see `uptodate.inputs_key`, which reads only files whose stat changed), as a `memory`
    cache kept it by its stat, or else read: an unchanged item is named, and then taken
    from the cache, without reading its attachments."""
    if len(source.hashes) == len(source.attachments):
        return source
    hashes: list[str] = []
    for index, attachment in enumerate(source.attachments):
        seen = source.attached[index] if index < len(source.attached) else ()
        sha = digests.get(attachment.source, "") or _kept_digest(store, attachment.source, seen)
        if not sha:
            sha = source.attachment_hash(attachment)
            if not sha.startswith("("):  # a hash, not what the file was instead
                _digest_hashed(store, attachment.source, seen, sha)
        hashes.append(sha)
    return dataclasses.replace(source, hashes=tuple(hashes))


def _named(store: Cache, source: Source, settings: str, digest: str) -> str:
    """`_cache_name`, which a `memory` cache keeps by everything that goes into it."""
    if store.memory is None:
        return _cache_name(source, settings, digest)
    return store.memo(
        "names",
        f"{settings}|{source.rel}|{digest}|{source.attachments!r}|{source.hashes!r}",
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
    files and attachments, each with the same stat, the same problems): what a listing
    from the watcher's reports (see `load`) is checked by, in case the watcher missed a
    change.  None when no listing is kept."""
    kept: _Listing | None = store.recall("listing", str(content_dir))
    if kept is None:
        return None
    found, problems = discover(content_dir, read=False)

    def state(sources: list[Source]) -> list[tuple]:
        return [(source.rel, source.seen, source.attachments, source.attached) for source in sources]

    return state(found) == state(kept.sources) and problems == kept.problems


def _name(store: Cache, source: Source, settings: str, digests: dict[str, str]) -> tuple[str, Source]:
    """A file's cache name, and the source as read (when it had to be hashed) with its
    attachments' hashes."""
    known = digests.get(source.rel, "") or _digest_seen(store, source)
    if not known:
        source = source.read()
        known = hashlib.sha256(source.raw).hexdigest()
        _digest_hashed(store, source.rel, source.seen, known)
    source = _hash_attachments(store, source, digests)
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
    # What parsing depends on besides the file: time zone, languages, URL prefix, markers,
    # each type's final approval step (an undated item's date is when it was given).
    site = config.site
    marked = "|".join(config.rules.restricted_markers) + f"|{config.rules.public_repository}"
    finals = ",".join(final_step(config, kind) for kind in SECTION_OF)
    settings = (
        f"{site.timezone}|{site.language}|{','.join(config.languages)}|{config.base_path}|{marked}|{finals}"
    )
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


__all__ = ["SECTION_OF", "item_url", "load", "parse"]
