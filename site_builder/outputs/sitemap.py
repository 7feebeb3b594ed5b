"""Sitemaps (one per language, under one sitemap index) and robots.txt.

Built from the HTML pages this build produced: every page that exists is listed (items,
listings and their pages, tags, divisions, archive, newsroom pages) and nothing else can
be, so nothing unpublished is ever named; but the redirects from old addresses, which
are no pages of their own.  Item pages carry their last real change and
their translations as hreflang alternates.
"""

from __future__ import annotations

import html
from pathlib import Path

from site_builder.load import urls
from site_builder.outputs import Files, Planned, lang_prefix
from site_builder.outputs.redirects import redirects
from site_builder.view.entries import Entry
from site_builder.view.site import Site
from site_builder.view.versions import shown

SKIPPED = {"404.html"}


def _escape(text: str) -> str:
    """&, < and > as XML entities (xml.sax.saxutils.escape, whose import costs a build
    20 ms: it imports urllib.request, http.client and ssl)."""
    return html.escape(text, quote=False)


def paths(site: Site, root: Path) -> Planned:
    yield "sitemap.xml", None
    yield "robots.txt", None
    for lang in site.config.languages:
        yield f"sitemaps/{lang}.xml", None


def render(site: Site, files: Files, kept: dict | None = None) -> Files:
    """sitemap.xml (the index), sitemaps/<lang>.xml and robots.txt for these output files.

    `kept` (the preview server's, between builds): each page's <url> element by what it
    shows, from the build before; replaced by this build's, so an edit lays out only the
    elements it changed, not thousands.
    """
    config = site.config
    origin = config.origin + config.base_path
    entries = {entry.url: entry for entry in site.entries}
    # A language's pages are under its prefix folder ("ky/"), the main language's at the top.
    folders = {lang_prefix(site, lang): lang for lang in config.languages}
    main = folders[""]
    pages: dict[str, list[str]] = {lang: [] for lang in config.languages}
    moved = {path for path, _ in redirects(site)}
    base = len(config.base_path)  # an item's archived versions are noindex: not listed (outputs/versions.py)
    moved |= {v.url[base:] + "index.html" for entry in site.entries for v in shown(site, entry)}
    for rel in sorted(files):
        if not rel.endswith(".html") or rel in SKIPPED or rel in moved:
            continue
        path = rel.removesuffix("index.html")
        folder, slash, _ = path.partition("/")
        pages[folders.get(folder + slash, main)].append(path)
    out: Files = {}
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    known = {} if kept is None else kept
    fresh: dict = {}
    for lang in config.languages:
        out[f"sitemaps/{lang}.xml"] = _urlset(site, pages[lang], entries, known, fresh)
        index.append(f"  <sitemap><loc>{_escape(origin)}sitemaps/{lang}.xml</loc></sitemap>")
    index.append("</sitemapindex>")
    out["sitemap.xml"] = ("\n".join(index) + "\n").encode()
    out["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {origin}sitemap.xml\n".encode()
    if kept is not None:  # what this build shows, and nothing older
        kept.clear()
        kept.update(fresh)
    return out


def _urlset(site: Site, paths: list[str], entries: dict[str, Entry], known: dict, fresh: dict) -> bytes:
    """One language's sitemap: its pages, an item's with its last change and translations."""
    config = site.config
    base, origin = config.base_path, config.origin
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path in paths:
        entry = entries.get(base + path)
        shown: object  # what its element shows besides the site's address
        if entry is None:
            shown = path
        elif entry.translations:
            shown = (
                path,
                entry.updated.date(),
                entry.lang,
                *(f"{t.lang} {t.url}" for t in entry.translations),
            )
        else:
            shown = (path, entry.updated.date())
        line = known.get(shown)
        if line is None:
            line = _url(origin, base, path, entry)
        lines.append(line)
        fresh[shown] = line
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def _url(origin: str, base: str, path: str, entry: Entry | None) -> str:
    """One page's <url> element, its lines joined."""
    lines = [f"  <url><loc>{_escape(origin + base + urls.path(path))}</loc>"]
    if entry is not None:
        lines.append(f"    <lastmod>{entry.updated.date().isoformat()}</lastmod>")
        if entry.translations:
            for other in (entry, *entry.translations):
                href = _escape(origin + other.url)
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{other.lang}" href="{href}"/>')
    lines.append("  </url>")
    return "\n".join(lines)
