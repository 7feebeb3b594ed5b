"""The publication log (judge/record.py) as the site publishes it: `/transparency/log.jsonl`,
one entry a line, and `/transparency/`, the page that explains it, shows its head and its
latest entries.  The head is also in every page's footer (`head_in`) and in the feeds.

Without a full git history there is no log (judge/record.py): neither file is written.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2

from site_builder.judge.record import jsonl
from site_builder.outputs import Context, Files, Planned
from site_builder.outputs.feeds import page_feeds
from site_builder.outputs.render import render as template
from site_builder.outputs.sitedata import SiteData
from site_builder.view.site import Site
from site_builder.view.versions import shown

LOG = "transparency/log.jsonl"
PAGE = "transparency/index.html"
SHOWN = 100  # the latest entries the page lists (the file has them all)


def head_in(envs: dict[str, jinja2.Environment], site: Site) -> None:
    """Give every page's footer the log's head."""
    for env in envs.values():
        env.globals["log_head"] = site.record.head


def paths(site: Site, root: Path) -> Planned:
    if site.record.known:
        yield LOG, None
        yield PAGE, None


def render(site: Site, ctx: Context) -> Files:
    if not site.record.known:
        return {}
    lang = site.config.site.language
    page = ctx.page(lang, ["transparency", site.record.head], partial(_page, site, ctx))
    return {LOG: jsonl(site.record), PAGE: page}


def _page(site: Site, ctx: Context) -> bytes:
    config, lang = site.config, site.config.site.language
    pages = {e.url: e for e in site.entries}
    rows = []
    for entry in reversed(site.record.log[-SHOWN:]):
        url = entry["url"].removeprefix(config.origin)
        version_url = f"{url}v{entry['version']}/"
        has_versions = url in pages and entry["version"] <= len(shown(site, pages[url]))
        rows.append(
            {
                "entry": entry,
                "time": datetime.fromisoformat(entry["time"].replace("Z", "+00:00")),
                "url": url if url in pages else None,
                "version_url": version_url if has_versions else None,
            }
        )
    base = config.base_path
    return template(
        ctx.env(lang),
        "transparency.html",
        rows=rows,
        count=len(site.record.log),
        head=site.record.head,
        log_url=config.origin + base + LOG,
        page_url=base + "transparency/",
        feeds=page_feeds(site, lang),
        base=base,
        prefix="",
        site_data=SiteData.of(site),
    )
