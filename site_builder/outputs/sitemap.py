"""sitemap.xml and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape

from site_builder.outputs import Context, Files
from site_builder.site import Site


def render(site: Site, ctx: Context) -> Files:
    """List every item page with its last real change, plus the main listings."""
    config = site.config
    origin = config.origin
    urls: list[tuple[str, str | None, list[tuple[str, str]]]] = []
    for lang in config.languages:
        prefix = "" if lang == config.site.language else f"{lang}/"
        urls.append((config.base_path + prefix, None, []))
    for entry in site.entries:
        alternates = [(entry.lang, entry.url)] + [(t.lang, t.url) for t in entry.translations]
        urls.append((entry.url, entry.updated.date().isoformat(), alternates if entry.translations else []))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for url, lastmod, alternates in urls:
        lines.append(f"  <url><loc>{escape(origin + url)}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{lastmod}</lastmod>")
        for lang, href in alternates:
            lines.append(
                f'    <xhtml:link rel="alternate" hreflang="{lang}" href="{escape(origin + href)}"/>'
            )
        lines.append("  </url>")
    lines.append("</urlset>")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {origin}{config.base_path}sitemap.xml\n"
    return {"sitemap.xml": ("\n".join(lines) + "\n").encode(), "robots.txt": robots.encode()}
