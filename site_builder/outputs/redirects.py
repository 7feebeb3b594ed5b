"""Redirect pages: at each old address an item lists in `aliases`, a small page that sends
the reader to where the item is now (as Hugo's aliases do).

The page refreshes at once to the item's address, names it as canonical and shows it as a
link (for a reader whose browser does not follow the refresh); it asks search engines
not to index it, and the sitemaps leave it out.  Only published and withdrawn items are
entries, so only they have redirects; judge/takedown.py has checked that no alias is a
current item's address or another's alias.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from markupsafe import escape

from site_builder.i18n import translations
from site_builder.load import urls
from site_builder.outputs import Context, Files, Planned
from site_builder.view.entries import Entry
from site_builder.view.site import Site


def redirects(site: Site) -> list[tuple[str, Entry]]:
    """Each redirect page's path under output/, and the entry it sends the reader to
    (worked out once per site: the plan of the files and their rendering both ask)."""
    return site.memo("redirects", lambda: list(_redirects(site)))


def _redirects(site: Site) -> Iterator[tuple[str, Entry]]:
    for entry in site.entries:
        if not entry.item.meta.aliases:
            continue
        for text in dict.fromkeys(entry.item.meta.aliases):
            rel = urls.alias(text)
            if rel is not None:
                yield (rel + "index.html" if rel.endswith("/") else rel), entry


def paths(site: Site, root: Path) -> Planned:
    yield from redirects(site)


def render(site: Site, ctx: Context) -> Files:
    return {path: page(site, entry) for path, entry in redirects(site)}


def page(site: Site, entry: Entry) -> bytes:
    """The redirect page to an entry."""
    gettext = translations(entry.lang, "ui").gettext
    href = escape(entry.url)
    canonical = escape(site.config.origin + entry.url)
    moved = escape(gettext("This page has moved"))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(entry.lang)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{moved}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{canonical}">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n"
        f'<body>\n<p>{moved}: <a href="{href}">{canonical}</a></p>\n</body>\n'
        "</html>\n"
    ).encode()
