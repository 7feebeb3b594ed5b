"""Sitemaps (one per language, under one sitemap index) and robots.txt.

Built from the HTML pages this build produced: every page that exists is listed (items,
listings and their pages, tags, divisions, archive, newsroom pages) and nothing else can
be, so nothing unpublished is ever named.  Item pages carry their last real change and
their translations as hreflang alternates.
"""

from __future__ import annotations

from functools import partial
from xml.sax.saxutils import escape

from site_builder import cache
from site_builder.outputs import Files, Keyed, lang_prefix
from site_builder.site import Entry, Site

SKIPPED = {"404.html"}


def render(site: Site, files: Files) -> Files:
    """sitemap.xml (the index), sitemaps/<lang>.xml and robots.txt for these output files."""
    config = site.config
    origin = config.origin + config.base_path
    entries = {entry.url: entry for entry in site.entries}
    # A language's pages are under its prefix folder ("ky/"), the main language's at the top.
    folders = {lang_prefix(site, lang): lang for lang in config.languages}
    main = folders[""]
    pages: dict[str, list[str]] = {lang: [] for lang in config.languages}
    for rel in sorted(files):
        if not rel.endswith(".html") or rel in SKIPPED:
            continue
        path = rel.removesuffix("index.html")
        folder, slash, _ = path.partition("/")
        pages[folders.get(folder + slash, main)].append(path)
    out: Files = {}
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for lang in config.languages:
        # Keyed by its pages and their entries (an entry's key covers its last change and
        # translations): the preview server and an edit that moves no page skip it.
        shown = [
            f"{entry.key} {entry.updated.isoformat()}"  # a draft in a preview has no key of its date
            for entry in (entries.get(config.base_path + path) for path in pages[lang])
            if entry is not None
        ]
        key = cache.key(cache.code_fingerprint(), origin, config.origin, lang, "\n".join(pages[lang]), *shown)
        out[f"sitemaps/{lang}.xml"] = Keyed(key, partial(_urlset, site, pages[lang], entries))
        index.append(f"  <sitemap><loc>{escape(origin)}sitemaps/{lang}.xml</loc></sitemap>")
    index.append("</sitemapindex>")
    out["sitemap.xml"] = ("\n".join(index) + "\n").encode()
    out["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {origin}sitemap.xml\n".encode()
    return out


def _urlset(site: Site, paths: list[str], entries: dict[str, Entry]) -> bytes:
    """One language's sitemap: its pages, an item's with its last change and translations."""
    config = site.config
    origin = config.origin + config.base_path
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path in paths:
        lines.append(f"  <url><loc>{escape(origin + path)}</loc>")
        entry = entries.get(config.base_path + path)
        if entry is not None:
            lines.append(f"    <lastmod>{entry.updated.date().isoformat()}</lastmod>")
            if entry.translations:
                for other in (entry, *entry.translations):
                    href = escape(config.origin + other.url)
                    lines.append(f'    <xhtml:link rel="alternate" hreflang="{other.lang}" href="{href}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()
