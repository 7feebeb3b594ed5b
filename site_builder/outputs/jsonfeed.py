"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) next to every RSS/Atom feed."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from site_builder.outputs import Context, Files, Planned, lang_prefix
from site_builder.outputs.feeds import FeedSpec, entry_html, feed_parts, feed_specs, listing_url, with_head
from site_builder.view.site import Site

VERSION = "https://jsonfeed.org/version/1.1"


def json_feed_url(site: Site, spec: FeedSpec) -> str:
    return f"{site.config.base_path}{lang_prefix(site, spec.lang)}feeds/{spec.stem}.json"


def paths(site: Site, root: Path) -> Planned:
    for lang in site.config.languages:
        for spec in feed_specs(site, lang):
            yield f"{lang_prefix(site, lang)}feeds/{spec.stem}.json", None


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    for lang in site.config.languages:
        for spec in feed_specs(site, lang):
            render = partial(build_json_feed, site, spec)
            out[f"{lang_prefix(site, lang)}feeds/{spec.stem}.json"] = ctx.page(
                lang, ["json", *feed_parts(site, spec)], render
            )
    return out


def build_json_feed(site: Site, spec: FeedSpec) -> bytes:
    """One JSON Feed; item times are the content's own, so the bytes change only with content."""
    config = site.config
    title = config.site.titles.get(spec.lang, config.site.title)  # type: ignore[call-overload]
    home = config.origin + config.base_path + lang_prefix(site, spec.lang)
    items = []
    for entry in spec.entries[: config.site.feed_size]:
        url = config.origin + entry.url
        item: dict = {
            "id": url,
            "url": url,
            "title": entry.title,
            "content_html": entry_html(site, entry, spec.lang),
            "date_published": entry.date.isoformat(),
            "date_modified": entry.updated.isoformat(),
            "language": entry.lang,
        }
        if entry.summary:
            item["summary"] = entry.summary
        if entry.tags:
            item["tags"] = [t.name for t in entry.tags]
        if entry.division:
            item["authors"] = [{"name": entry.division.names.get(spec.lang, entry.division.name)}]  # type: ignore[call-overload]
        if entry.files:
            item["attachments"] = [
                {"url": url + a.href, "mime_type": a.mime, "size_in_bytes": a.size, "title": a.name}
                for a in entry.files
            ]
        items.append(item)
    feed = {
        "version": VERSION,
        "title": f"{title} — {spec.title}",
        "home_page_url": listing_url(site, spec),
        "feed_url": config.origin + json_feed_url(site, spec),
        "description": with_head(site, config.site.description or title, spec.lang),
        "language": spec.lang,
        "authors": [{"name": title, "url": home}],
        "items": items,
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
