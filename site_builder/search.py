"""Full-text search on static hosting: a search page per language and a Pagefind index.

The index is built from the HTML this build produced (never from content/), so only
published and withdrawn-notice pages can be found: nothing unpublished exists to index.
Only item pages are indexed: they carry `data-pagefind-body` (item.html), and Pagefind
then skips every page without it (listings, tags, archive would only repeat the items).
Pagefind (PyPI `pagefind[bin]`, the binary ships in the wheel) indexes a scratch copy;
its bundle is read back, so it joins the other files and the writer swaps everything
into output/ at once.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from site_builder import cache
from site_builder.cache import Cache
from site_builder.errors import SiteError, problem
from site_builder.outputs import Context, CopyFrom, Files, lang_prefix
from site_builder.render import render as template
from site_builder.site import Site

BUNDLE = "pagefind/"
MARK = b"data-pagefind-body"


def render(site: Site, ctx: Context, files: Files, store: Cache | None = None) -> Files:
    """The search pages and the index over the item pages in `files`.

    The bundle is cached under the hash of the pages it indexes: a build that changed no
    item page reuses it without running Pagefind.
    """
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
    # Only pages marked data-pagefind-body are indexed; handing Pagefind the others
    # (listings, tags, archive) would only make it parse and skip them.
    pages = {
        rel: data
        for rel, data in files.items()
        if rel.endswith(".html") and isinstance(data, bytes) and MARK in data
    }
    if not pages:  # Pagefind refuses an empty site: index the search pages themselves
        pages = {rel: data for rel, data in out.items() if isinstance(data, bytes)}
    store = store or Cache(None)
    name = cache.key(site.config.base_path, *(part for rel in sorted(pages) for part in (rel, pages[rel])))
    bundle = store.get("search", name)
    if bundle is None:
        bundle = index(pages, site.config.base_path)
        store.put("search", name, bundle)
    return out | bundle


def index(pages: Files, base_path: str) -> Files:
    """The Pagefind bundle for these pages, as files under pagefind/.

    The pages are written to a scratch folder and indexed by one run of the Pagefind
    binary: its Python service API costs a round trip per page (≈30 ms), the CLI indexes
    a whole site in well under a second.
    """
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise SiteError(
            [problem("output/pagefind", 0, "error", "SEARCH_FAILED", detail="pagefind missing")]
        ) from None
    binary = get_executable()
    if binary is None:
        raise SiteError(
            [problem("output/pagefind", 0, "error", "SEARCH_FAILED", detail="pagefind binary missing")]
        )
    with tempfile.TemporaryDirectory(prefix="site-builder-search-") as tmp:
        root = Path(tmp) / "site"
        site_dir = root / base_path.strip("/") if base_path.strip("/") else root
        for rel, data in pages.items():
            target = site_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, CopyFrom):
                target.write_bytes(data.path.read_bytes())
            else:
                target.write_bytes(data)
        folder = Path(tmp) / "bundle"
        command = [str(binary), "--site", str(root), "--output-path", str(folder), "--quiet"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise SiteError(
                [problem("output/pagefind", 0, "error", "SEARCH_FAILED", detail=str(exc))]
            ) from None
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [
                "exit " + str(done.returncode)
            ]
            raise SiteError([problem("output/pagefind", 0, "error", "SEARCH_FAILED", detail=detail[0][:300])])
        bundle = {
            BUNDLE + path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
    # Pagefind lists languages in hash-map order; sorted, two builds stay byte-identical.
    entry = BUNDLE + "pagefind-entry.json"
    if entry in bundle:
        data = json.loads(bundle[entry])
        bundle[entry] = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return bundle
