"""The orchestrator: config → content → rules → pages and feeds → output/."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from site_builder.errors import Problem, SiteError, problem
from site_builder.judge import gitverify, mediarequests, rules
from site_builder.judge.rules import Judgement, State, Verdict
from site_builder.judge.workdays import WorkingDays
from site_builder.load import chars, content
from site_builder.load.config import Config, load_config
from site_builder.load.content import PARALLEL_FROM
from site_builder.load.links import find as find_links
from site_builder.load.links import is_link
from site_builder.load.model import Item
from site_builder.outputs import Context, Files, all_outputs, planned, search, sitemap, trial
from site_builder.outputs.render import THEME, environment
from site_builder.site import Site, build_site, collisions
from site_builder.speed import cache, parallel, uptodate
from site_builder.speed.cache import Cache
from site_builder.write import manifest as output_manifest
from site_builder.write import outputdir
from site_builder.write.staging import Staging


@dataclass
class Result:
    problems: list[Problem]
    config: Config | None = None
    judgement: Judgement | None = None
    items: list[Item] = field(default_factory=list)
    manifest: dict[str, list] = field(default_factory=dict)  # what output/ holds: {path: row}
    written: int = 0  # files in output/; 0 when it was already up to date
    fingerprint: str = ""  # of the output it left (see `site_fingerprint`); "" when unknown
    requests: list[mediarequests.Request] = field(default_factory=list)
    days: WorkingDays | None = None  # the working days the check counted (holidays read once)
    site: Site | None = None  # the published view (with drafts, for a preview), as build renders it
    drafts: set[str] = field(default_factory=set)  # sources of the drafts a preview shows

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


CACHE_DIR = cache.FOLDER


@parallel.collecting_less
def check(
    root: Path,
    now: datetime,
    jobs: int | None = None,
    use_cache: bool = True,
    store: Cache | None = None,
    digests: dict[str, str] | None = None,
    touched: Collection[str] | None = None,
    preview: bool = False,
) -> Result:
    """Load and judge everything; then, if nothing is wrong, work out the published view
    and where each of its files would go (`preview`: with the drafts, as `serve --drafts`
    shows them), so that a file no build could write is reported here; write nothing.

    Parsed items are cached in ROOT/.site-cache by content hash (safe to delete);
    `store` is that cache when the caller keeps one between builds (the preview server),
    `digests` the content files' hashes when the caller has them (`uptodate.inputs_key`),
    `touched` the only content files changed since its last build, when it knows them
    (see `content.load`).
    """
    linked = find_links(root)  # but below content/ and config.yaml: they report their own
    try:
        config = load_config(root)
    except SiteError as exc:
        return Result(sorted(exc.problems + linked, key=_order))
    store = store or Cache(root / CACHE_DIR if use_cache else None)
    days = WorkingDays(config.calendar, store)
    # While workers parse (a first build: every file), ready what the rules ask first.
    ready = partial(days.prepare, now.astimezone(config.tz).year)
    items, problems = content.load(root / "content", config, jobs, store, digests, touched, ready)
    memo = partial(store.memo, "judged") if store.memory is not None else None
    judgement = rules.check(items, config, now, gitverify.last_change(root), memo, days)
    problems += judgement.problems + _unreadable_names(root) + linked
    requests, found = mediarequests.load(root / "content")
    problems += found + mediarequests.check(requests, config, now, days)
    if config.rules.verify_git:
        problems += gitverify.verify(root, items, config)
    site, shown, verdicts, drafts = None, items, judgement, set[str]()
    if not any(p.is_error for p in problems):  # else no build gets this far
        if preview:
            shown, verdicts, drafts = _with_drafts(items, judgement, now)
        # The preview server keeps the last site: when no entry moved, its entries and
        # groupings are this one's (see `build_site`).
        site = build_site(shown, verdicts, config, now, requests, days, store.recall("site", ""))
        problems += collisions(site, planned(site, root))  # every path known before one is written
    return Result(
        sorted(problems, key=_order),
        config,
        judgement,
        items,
        requests=requests,
        days=days,
        site=site,
        drafts=drafts,
    )


def check_all(root: Path, now: datetime, jobs: int | None = None, use_cache: bool = True) -> Result:
    """The `check` command: `check`, then the templates, each compiled and each page
    template rendered once per language with this site (see trial.py), unless the last
    trial found no error with the same inputs at a time that makes the same pages.  A
    build renders every page anyway, and stops on the first template error it meets."""
    store = Cache(root / CACHE_DIR if use_cache else None)
    digests: dict[str, str] = {}
    inputs = uptodate.inputs_key(root, digests) if use_cache else ""
    result = check(root, now, jobs, use_cache, store, digests if inputs else None)
    config = result.config
    if config is None or result.judgement is None or trial.passed(store, inputs, now):
        return result
    site = build_site(result.items, result.judgement, config, now, result.requests, result.days)
    site.seal()
    moments = (moment for item in result.items for moment in item.moments)
    span = uptodate.span(inputs, now, uptodate.next_change(now, config.tz, moments, result.requests))
    keys = page_keys(site, root) if use_cache else {}
    result.problems = sorted(result.problems + trial.run(root, site, store, keys, span), key=_order)
    return result


def _unreadable_names(root: Path) -> list[Problem]:
    """Files and folders in templates/ and static/ whose names are not UTF-8, or hold a
    character no output may (a control character: static/ names become output paths,
    sitemap and page addresses), as content/ reports its own: nothing is made of them."""
    found = []
    for folder in ("templates", "static"):
        if is_link(root / folder):
            continue  # an error of its own, never listed
        for base, dirs, names in os.walk(root / folder):
            for name in sorted([*dirs, *names]):
                rel = os.path.relpath(os.path.join(base, name), root)
                if not content.readable_name(name):
                    found.append(problem(content.shown_name(rel), 0, "error", "FILE_NAME_ENCODING"))
                elif char := chars.bad_in_name(name):
                    what = {"char": chars.label(char), "what": chars.name(char)}
                    found.append(problem(chars.shown(rel), 0, "error", "FILE_NAME_CHAR", **what))
            dirs[:] = sorted(d for d in dirs if content.readable_name(d) and not chars.bad_in_name(d))
    return found


# progress(done, total, label): told before each stage, e.g. to draw a progress bar.
Progress = Callable[[int, int, str], None]
STAGES = 4  # check, render, sitemap, write


def _silent(done: int, total: int, label: str) -> None:
    pass


def render_site(
    site: Site,
    root: Path,
    staging: Staging,
    progress: Progress = _silent,
    jobs: int | None = None,
    store: Cache | None = None,
) -> dict[str, list]:
    """Render every output file of a site into `staging`, over `jobs` processes; the manifest.

    Each worker writes the files of its own tasks and sends back only their manifest
    rows, so no page is held in memory longer than it takes to write it, and a page
    whose inputs are unchanged since the last build (its `Keyed.key`) is not rendered.
    """
    store = store or Cache(None)
    bytecode = store.folder / "templates" if store.folder else None
    envs = {lang: environment(site.config, root, lang, bytecode) for lang in site.config.languages}
    # Without the cache (--no-cache) nothing is taken from the previous build: no page keys.
    keys = page_keys(site, root) if store.folder else {}
    ctx = Context(root, envs, keys, store if store.folder else None)
    if len(site.entries) < PARALLEL_FROM:
        jobs = 1  # a small site renders faster than worker processes start
    # The search index is made from the published entries, like everything else.  Its one
    # big task runs in this process beside the workers: there the memory it builds up is
    # added to this process alone, not to a worker holding a copy of the site as well.
    tasks: list[Callable[[], Files]] = [partial(search.render, site, ctx, store=store)]
    for kind in all_outputs():
        split = getattr(kind, "tasks", None)
        tasks += split(site, ctx) if split else [partial(kind.render, site, ctx)]
    progress(1, STAGES, "render")
    manifest: dict[str, list] = {}
    for produced in parallel.run([partial(_stage, staging, task) for task in tasks], jobs, local=[0]):
        _merge(manifest, produced)
    # The sitemaps list the pages just written, so they name only what is published.
    progress(2, STAGES, "sitemap")
    # The preview server keeps each page's <url> element between builds (see sitemap.render).
    where = (site.config.origin, site.config.base_path)
    kept = store.memo("sitemap", where, dict) if store.memory is not None else None
    _merge(manifest, staging.put_all(sitemap.render(site, manifest, kept)))
    return manifest


def _stage(staging: Staging, task: Callable[[], Files]) -> dict[str, list]:
    return staging.put_all(task())


def _merge(manifest: dict[str, list], produced: dict[str, list]) -> None:
    clash = manifest.keys() & produced.keys()
    if clash:
        raise RuntimeError(f"two outputs write {sorted(clash)[:3]}")
    manifest |= produced


@parallel.collecting_less
def build(
    root: Path,
    now: datetime,
    output: Path | None = None,
    *,
    preview: bool = False,
    progress: Progress = _silent,
    jobs: int | None = None,
    use_cache: bool = True,
    store: Cache | None = None,
    in_place: bool = False,
    inputs: str | None = None,
    digests: dict[str, str] | None = None,
    known: tuple[str, dict[str, list]] | None = None,
    touched: Collection[str] | None = None,
) -> Result:
    """Check, then render into output/ atomically; on any error output/ stays as it was
    (in place, for the preview server: as it was but for files the build already rewrote).

    `preview` (only `serve --drafts`, into a temporary folder) also renders drafts and
    items under review, each marked so its page carries the "not published" banner.
    `store` and `in_place` are for the preview server: a cache it keeps in memory between
    builds, and its own folder updated file by file instead of swapped whole; `known`, the
    fingerprint and manifest of the last build this process committed into it, if that
    build went through (the folder is then trusted to hold just that: no file is checked);
    `touched`, the content files it knows to be the only ones changed since (see `check`).
    `inputs` is `uptodate.inputs_key(root, digests)` when the caller worked it out just before.
    """
    target = output or root / "output"
    if not in_place:  # (the preview server's own folder is its to update)
        refused = outputdir.refusals(root, target)
        if refused:
            return Result(refused)
        target = outputdir.place(target)
    progress(0, STAGES, "check")
    # What this build reads, hashed before it reads it (see uptodate.py); not for previews.
    if not use_cache or preview or in_place:
        inputs, digests = "", None
    elif not inputs:
        digests = {}
        inputs = uptodate.inputs_key(root, digests)
    store = store or Cache(root / CACHE_DIR if use_cache else None)
    store.prune()  # marks this version's folder used; deletes other versions' long unused
    result = check(root, now, jobs, use_cache, store, digests, touched, preview)
    if not result.ok or result.config is None or result.judgement is None or result.site is None:
        return result
    items, site = result.items, result.site
    if store.memory is not None:  # without what it made for its pages (`Site.memo`)
        store.remember("site", "", dataclasses.replace(site, _memo={}))
    for source in result.drafts:
        site.by_source[source].preview = True
    site.seal(store.key_of)
    fingerprint = site_fingerprint(site, root, result.requests, digests) if use_cache else ""
    recorded: dict[str, object] = {}
    if inputs:  # for the next build: how long these inputs make this output, and its warnings
        moments = (moment for item in items for moment in item.moments)  # found at parse time
        until = uptodate.next_change(now, result.config.tz, moments, result.requests)
        recorded = {
            "inputs": uptodate.span(inputs, now, until),
            "problems": [dataclasses.astuple(p) for p in result.problems],
        }
    result.fingerprint = fingerprint
    trusted = known if in_place and use_cache and target.is_dir() else None
    if trusted and fingerprint and trusted[0] == fingerprint:
        result.manifest = trusted[1]
        progress(STAGES, STAGES, "done")
        return result  # the folder holds this very output already
    kept = output_manifest.unchanged(target, fingerprint) if fingerprint and not trusted else None
    if kept is not None:
        output_manifest.record(target, **recorded)
        result.manifest = kept  # what output/ holds (the preview server trusts its folder by it)
        progress(STAGES, STAGES, "done")
        return result  # same inputs, same time-dependent state, output untouched: nothing to do
    try:
        staging = Staging(target, in_place, reuse=use_cache, known=trusted[1] if trusted else None)
    except OSError as exc:  # a folder that cannot be made or written beside (nothing was)
        shown = os.fsencode(str(output or target)).decode("utf-8", "replace")
        result.problems.append(problem(shown, 0, "error", "OUTPUT_UNWRITABLE", detail=exc.strerror or exc))
        return result
    try:
        result.manifest = render_site(site, root, staging, progress, jobs, store)
    except SiteError as exc:
        staging.abort()
        result.problems += exc.problems
        return result
    except BaseException:
        staging.abort()
        raise
    progress(3, STAGES, "write")
    staging.commit(result.manifest, fingerprint, **recorded)
    result.written = len(result.manifest)
    progress(STAGES, STAGES, "done")
    return result


def static_fingerprint(config: Config, root: Path) -> str:
    """The generator's code, the theme (read again: a long-running process imported the
    code once, but reads the templates anew), the site's own templates and static files,
    the settings."""
    parts: list[bytes | str] = [cache.code_fingerprint(), config.model_dump_json()]
    for folder in (THEME, root / "templates", root / "static"):
        if folder.is_dir() and not folder.is_symlink():
            for path in sorted(folder.rglob("*")):  # never enters a link to a folder
                # A name that is not UTF-8 (`check` reports it) as it is on disk; a folder by
                # its name (an empty one where a template is looked for is an error).
                name = path.as_posix().encode("utf-8", "surrogateescape")
                if path.is_symlink():
                    parts += [name, b"(link)"]
                elif path.is_file():
                    parts += [name, path.read_bytes()]
                elif path.is_dir():
                    parts += [name + b"/", b"(folder)"]
    return cache.key(*parts)


def _static(site: Site, root: Path) -> str:
    return site.memo(("static", str(root)), lambda: static_fingerprint(site.config, root))


def page_keys(site: Site, root: Path) -> dict[str, str]:
    """Per language, the hash of what every page of it shows besides its own entries.

    Code, theme, templates, settings, today's date and the feeds every page links to
    (not their counts: those are on the subscribe pages, which are always rendered).
    """
    from site_builder.outputs.feeds import page_feeds

    base = cache.key(_static(site, root), site.now.astimezone(site.config.tz).date().isoformat())
    return {lang: cache.key(base, lang, repr(page_feeds(site, lang))) for lang in site.config.languages}


def site_fingerprint(site: Site, root: Path, requests: list, digests: dict[str, str] | None = None) -> str:
    """Everything the output depends on: code, theme, settings, items, and what `now` decides.

    Two builds with the same fingerprint produce the same bytes, so the second may keep
    the first one's output.  `now` enters only through what it changes: today's date,
    which events are upcoming, which corrections are already public (the entries' keys).
    The attachments, copied as they are, enter by their hashes (`digests`, from
    `uptodate.inputs_key`) or else by their stat (`uptodate.signature`).
    """
    today = site.now.astimezone(site.config.tz).date().isoformat()
    parts: list[bytes | str] = [_static(site, root), repr(requests), today]
    digests = digests or {}
    for entry in site.entries:
        parts.append(entry.key)
        for attachment in entry.item.attachments:
            known = digests.get(attachment.source)
            parts.append(
                f"{attachment.source}:{known or uptodate.signature(root / 'content' / attachment.source)}"
            )
    return cache.key(*parts)


def _with_drafts(items: list[Item], judgement: Judgement, now: datetime):
    """Drafts and items under review as if published (undated ones dated now), for preview only."""
    verdicts = dict(judgement.verdicts)
    shown: list[Item] = []
    drafts: set[str] = set()
    for item in items:
        if verdicts[item.source].state in (State.DRAFT, State.REVIEW):
            drafts.add(item.source)
            verdicts[item.source] = Verdict(State.PUBLISHED)
            if item.meta.date is None:
                item = dataclasses.replace(item, meta=item.meta.model_copy(update={"date": now}))
        shown.append(item)
    return shown, Judgement(verdicts, judgement.problems), drafts


def _order(p: Problem) -> tuple:
    return (p.path, p.line, p.code)
