"""Full-text search on static hosting: a search page per language and a Pagefind index.

The index is built from the HTML this build produced (never from content/), so only
published and withdrawn-notice pages can be found: nothing unpublished exists to index.
Only item pages are indexed: they carry `data-pagefind-body` (item.html), and Pagefind
then skips every page without it (listings, tags, archive would only repeat the items).
Pagefind (PyPI `pagefind[bin]`, the binary ships in the wheel) runs as a service; its
bundle is written to a temporary folder and read back, so it joins the other files and
the writer swaps everything into output/ at once.
"""

from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from site_builder.errors import SiteError, problem
from site_builder.outputs import Context, CopyFrom, Files, lang_prefix
from site_builder.render import render as template
from site_builder.site import Site

BUNDLE = "pagefind/"


def render(site: Site, ctx: Context, files: Files) -> Files:
    """The search pages and the index over every HTML page in `files` (and the search pages)."""
    out: Files = {}
    for lang in site.config.languages:
        prefix = lang_prefix(site, lang)
        base = site.config.base_path + prefix
        out[f"{prefix}search/index.html"] = template(
            ctx.env(lang),
            "search.html",
            page_url=f"{base}search/",
            base=base,
            prefix=prefix,
            feeds=[],
            site_data=site,
            bundle=site.config.base_path + BUNDLE,
        )
    pages = {rel: data for rel, data in (files | out).items() if rel.endswith(".html")}
    return out | index(pages, site.config.base_path)


def index(pages: Files, base_path: str) -> Files:
    """The Pagefind bundle for these pages, as files under pagefind/."""
    try:
        from pagefind.index import PagefindIndex
    except ImportError:
        raise SiteError(
            [problem("output/pagefind", 0, "error", "SEARCH_FAILED", detail="pagefind missing")]
        ) from None

    async def run(folder: Path) -> None:
        async with PagefindIndex(config={"output_path": str(folder)}) as search:
            for rel in sorted(pages):
                data = pages[rel]
                html = data.path.read_bytes() if isinstance(data, CopyFrom) else data
                url = base_path + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
                await search.add_html_file(content=html.decode("utf-8"), url=url)

    with tempfile.TemporaryDirectory(prefix="site-builder-search-") as tmp:
        folder = Path(tmp) / "bundle"
        try:
            # In its own thread: the caller (a test, a server) may already run an event loop.
            with ThreadPoolExecutor(1) as worker:
                worker.submit(asyncio.run, run(folder)).result()
        except (OSError, RuntimeError, AssertionError) as exc:
            raise SiteError(
                [
                    problem(
                        "output/pagefind", 0, "error", "SEARCH_FAILED", detail=str(exc) or type(exc).__name__
                    )
                ]
            ) from None
        return {
            BUNDLE + path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
