"""The orchestrator: config → content → rules → pages and feeds → output/."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from site_builder import cache, content, gitverify, mediarequests, parallel, rules, search, writer
from site_builder.cache import Cache
from site_builder.config import Config, load_config
from site_builder.content import PARALLEL_FROM
from site_builder.errors import Problem, SiteError
from site_builder.model import Item
from site_builder.outputs import Context, Files, all_outputs, sitemap
from site_builder.render import THEME, environment
from site_builder.rules import Judgement, State, Verdict
from site_builder.site import Site, build_site


@dataclass
class Result:
    problems: list[Problem]
    config: Config | None = None
    judgement: Judgement | None = None
    items: list[Item] = field(default_factory=list)
    files: Files = field(default_factory=dict)
    written: int = 0
    requests: list[mediarequests.Request] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


CACHE_DIR = ".site-cache"


def check(root: Path, now: datetime, jobs: int | None = None, use_cache: bool = True) -> Result:
    """Load and judge everything; write nothing.

    Parsed items are cached in ROOT/.site-cache by content hash (safe to delete).
    """
    try:
        config = load_config(root)
    except SiteError as exc:
        return Result(exc.problems)
    store = Cache(root / CACHE_DIR if use_cache else None)
    items, problems = content.load(root / "content", config, jobs, store)
    judgement = rules.check(items, config, now, gitverify.last_change(root))
    problems += judgement.problems
    requests, found = mediarequests.load(root / "content")
    problems += found + mediarequests.check(requests, config, now)
    if config.rules.verify_git:
        problems += gitverify.verify(root, items, config)
    return Result(sorted(problems, key=_order), config, judgement, items, requests=requests)


# progress(done, total, label): told before each stage, e.g. to draw a progress bar.
Progress = Callable[[int, int, str], None]
STAGES = 4  # check, render, search, write


def _silent(done: int, total: int, label: str) -> None:
    pass


def render_site(
    site: Site, root: Path, progress: Progress = _silent, jobs: int | None = None, store: Cache | None = None
) -> Files:
    """Every output file of a site, from every output kind, rendered over `jobs` processes."""
    store = store or Cache(None)
    bytecode = store.folder / "templates" if store.folder else None
    ctx = Context(
        root, {lang: environment(site.config, root, lang, bytecode) for lang in site.config.languages}
    )
    if len(site.entries) < PARALLEL_FROM:
        jobs = 1  # a small site renders faster than worker processes start
    tasks: list[Callable[[], Files]] = []
    for kind in all_outputs():
        split = getattr(kind, "tasks", None)
        tasks += split(site, ctx) if split else [partial(kind.render, site, ctx)]
    progress(1, STAGES, "render")
    files: Files = {}
    for produced in parallel.run(tasks, jobs):
        clash = files.keys() & produced.keys()
        if clash:
            raise RuntimeError(f"two outputs write {sorted(clash)[:3]}")
        files |= produced
    # The sitemaps and the search index are made from the pages just rendered, so they see
    # only what is published.
    progress(2, STAGES, "search")
    files |= search.render(site, ctx, files, store)
    files |= sitemap.render(site, files)
    return files


def build(
    root: Path,
    now: datetime,
    output: Path | None = None,
    *,
    preview: bool = False,
    progress: Progress = _silent,
    jobs: int | None = None,
    use_cache: bool = True,
) -> Result:
    """Check, then render into output/ atomically; on any error write nothing.

    `preview` (only `serve --drafts`, into a temporary folder) also renders drafts and
    items under review, each marked so its page carries the "not published" banner.
    """
    progress(0, STAGES, "check")
    result = check(root, now, jobs, use_cache)
    if not result.ok or result.config is None or result.judgement is None:
        return result
    items, judgement, drafts = result.items, result.judgement, set[str]()
    if preview:
        items, judgement, drafts = _with_drafts(items, judgement, now)
    site = build_site(items, judgement, result.config, now, result.requests)
    for source in drafts:
        site.by_source[source].preview = True
    target = output or root / "output"
    fingerprint = site_fingerprint(site, root, result.requests) if use_cache else ""
    if fingerprint and writer.unchanged(target, fingerprint):
        progress(STAGES, STAGES, "done")
        return result  # same inputs, same time-dependent state, output untouched: nothing to do
    try:
        store = Cache(root / CACHE_DIR if use_cache else None)
        result.files = render_site(site, root, progress, jobs, store)
    except SiteError as exc:
        result.problems += exc.problems
        return result
    progress(3, STAGES, "write")
    result.written = writer.write(target, result.files, fingerprint)
    progress(STAGES, STAGES, "done")
    return result


def site_fingerprint(site: Site, root: Path, requests: list) -> str:
    """Everything the output depends on: code, theme, settings, items, and what `now` decides.

    Two builds with the same fingerprint produce the same bytes, so the second may keep
    the first one's output.  `now` enters only through what it changes: today's date,
    which events are upcoming, which corrections are already public.
    """
    parts: list[bytes | str] = [cache.code_fingerprint(), site.config.model_dump_json(), repr(requests)]
    for folder in (THEME, root / "templates", root / "static"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts += [path.as_posix(), path.read_bytes()]
    now = site.now
    parts.append(now.astimezone(site.config.tz).date().isoformat())
    for entry in site.entries:
        item = entry.item
        notes = [c.at for c in item.meta.corrections] + rules.change_notes(item)
        parts += [item.fingerprint, entry.url, str(entry.withdrawn), str(entry.preview)]
        parts.append(str(sum(at <= now for at in notes)))
        event = getattr(item.meta, "event", None)
        if event is not None:
            parts.append(str((event.ends or event.starts) >= now))
        for attachment in item.attachments:
            stat = (root / "content" / attachment.source).stat()
            parts.append(f"{attachment.source}:{stat.st_size}:{stat.st_mtime_ns}")
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
