"""Every output file of a site, rendered straight into the staging folder over worker processes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from site_builder.load.content import PARALLEL_FROM
from site_builder.outputs import Context, Files, search, sitemap, transparency
from site_builder.outputs.keys import page_keys
from site_builder.outputs.kinds import all_outputs
from site_builder.outputs.render import environment
from site_builder.speed import parallel
from site_builder.speed.session import Session
from site_builder.view.site import Site
from site_builder.write.staging import Staging

# progress(done, total, label): told before each stage, e.g. to draw a progress bar.
Progress = Callable[[int, int, str], None]
STAGES = 4  # check, render, sitemap, write


def silent(done: int, total: int, label: str) -> None:
    pass


def render_site(
    site: Site, root: Path, staging: Staging, session: Session, progress: Progress = silent
) -> dict[str, list]:
    """Render every output file of a site into `staging`, over the session's processes; the manifest.

    Each worker writes the files of its own tasks and sends back only their manifest
    rows, so no page is held in memory longer than it takes to write it, and a page
    whose inputs are unchanged since the last build (its `Keyed.key`) is not rendered.
    """
    store = session.store
    bytecode = store.folder / "templates" if store.folder else None
    envs = {lang: environment(site.config, root, lang, bytecode) for lang in site.config.languages}
    transparency.head_in(envs, site)
    # Without the cache (--no-cache) nothing is taken from the previous build: no page keys.
    keys = page_keys(site, root) if store.folder else {}
    ctx = Context(root, envs, keys, store if store.folder else None)
    jobs = 1 if len(site.entries) < PARALLEL_FROM else session.jobs  # workers start slower
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
    progress(3, STAGES, "write")
    return manifest


def _stage(staging: Staging, task: Callable[[], Files]) -> dict[str, list]:
    return staging.put_all(task())


def _merge(manifest: dict[str, list], produced: dict[str, list]) -> None:
    clash = manifest.keys() & produced.keys()
    if clash:
        raise RuntimeError(f"two outputs write {sorted(clash)[:3]}")
    manifest |= produced
