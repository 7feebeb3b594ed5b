"""HTML pages: home, listings, item pages, divisions, tags, years, subscribe, 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from math import ceil

from site_builder.outputs import Context, Files, lang_prefix
from site_builder.outputs.feeds import feed_links
from site_builder.render import render as template
from site_builder.site import Entry, Site, plan_rows

KIND_TITLES = {
    "press-release": "Press releases",
    "rebuttal": "Rebuttals",
    "announcement": "Announcements",
    "media-plan": "Media plans",
}
SECTIONS = {
    "press-release": "press-releases",
    "rebuttal": "rebuttals",
    "announcement": "announcements",
    "media-plan": "media-plans",
}


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    first_url: str  # URL of page 1, e.g. /press-releases/

    def url(self, number: int) -> str:
        return self.first_url if number == 1 else f"{self.first_url}page/{number}/"

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.count else None


def paginate(
    ctx: Context, site: Site, lang: str, rel: str, entries: list[Entry], layout: str, **context: object
) -> Files:
    """Write a listing over as many pages as it needs, at rel, rel/page/2/, …"""
    per = site.config.site.items_per_page
    count = max(1, ceil(len(entries) / per))
    first_url = site.config.base_path + rel
    out: Files = {}
    env = ctx.env(lang)
    for number in range(1, count + 1):
        pager = Pager(number, count, first_url)
        path = rel if number == 1 else f"{rel}page/{number}/"
        chunk = entries[(number - 1) * per : number * per]
        out[path + "index.html"] = template(
            env, layout, entries=chunk, pager=pager, total=len(entries), page_url=pager.url(number), **context
        )
    return out


ITEM_CHUNK = 250  # item pages per task: small enough to spread over the cores evenly


def tasks(site: Site, ctx: Context) -> list[Callable[[], Files]]:
    """Independent pieces of work, so the orchestrator can spread them over processes."""
    out: list[Callable[[], Files]] = []
    for lang in site.config.languages:
        out.append(partial(_listings, site, ctx, lang))
        entries = site.of_lang(lang)
        for start in range(0, len(entries), ITEM_CHUNK):
            out.append(partial(_item_pages, site, ctx, lang, entries[start : start + ITEM_CHUNK]))
    return out


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    for task in tasks(site, ctx):
        out |= task()
    return out


def _common(site: Site, lang: str) -> dict:
    prefix = lang_prefix(site, lang)
    base = site.config.base_path + prefix
    return {"feeds": feed_links(site, lang), "base": base, "prefix": prefix, "site_data": site}


def _item_pages(site: Site, ctx: Context, lang: str, entries: list[Entry]) -> Files:
    env = ctx.env(lang)
    common = _common(site, lang)
    out: Files = {}
    for entry in entries:
        rel = entry.url[len(site.config.base_path) :]
        extra = {"plan_rows": plan_rows(entry, site)} if entry.kind == "media-plan" else {}
        out[rel + "index.html"] = template(
            env, f"{entry.kind}.html", entry=entry, page_url=entry.url, **extra, **common
        )
    return out


def _listings(site: Site, ctx: Context, lang: str) -> Files:
    env = ctx.env(lang)
    common = _common(site, lang)
    prefix, base = common["prefix"], common["base"]
    out: Files = {}
    latest = {kind: site.of_kind(kind, lang)[:5] for kind in SECTIONS}
    plan = site.current_plan(lang)
    out[prefix + "index.html"] = template(
        env,
        "home.html",
        latest=latest,
        events=site.upcoming_events(lang)[:6],
        plan=plan,
        plan_rows=plan_rows(plan, site) if plan else [],
        page_url=base,
        **common,
    )
    for kind, section in SECTIONS.items():
        out |= paginate(
            ctx,
            site,
            lang,
            f"{prefix}{section}/",
            site.of_kind(kind, lang),
            "list.html",
            heading=KIND_TITLES[kind],
            kind=kind,
            **common,
        )
    divisions = site.by_division(lang)
    listed = [d for d in site.config.divisions if d.id in divisions]
    out[f"{prefix}divisions/index.html"] = template(
        env,
        "divisions.html",
        divisions=listed,
        counts={k: len(v) for k, v in divisions.items()},
        page_url=f"{base}divisions/",
        **common,
    )
    for division in listed:
        out |= paginate(
            ctx,
            site,
            lang,
            f"{prefix}divisions/{division.id}/",
            divisions[division.id],
            "list.html",
            heading=division.names.get(lang, division.name),
            kind="division",
            division=division,
            **common,
        )
    tags = site.by_tag(lang)
    out[f"{prefix}tags/index.html"] = template(
        env,
        "tags.html",
        tags=[(site.tags[s], len(v)) for s, v in tags.items()],
        page_url=f"{base}tags/",
        **common,
    )
    for slug, tagged in tags.items():
        out |= paginate(
            ctx,
            site,
            lang,
            f"{prefix}tags/{slug}/",
            tagged,
            "list.html",
            heading=site.tags[slug].name,
            kind="tag",
            tag=site.tags[slug],
            **common,
        )
    years = site.by_year(lang)
    out[f"{prefix}archive/index.html"] = template(
        env,
        "archive.html",
        years=[(y, len(v)) for y, v in years.items()],
        page_url=f"{base}archive/",
        **common,
    )
    for year, dated in years.items():
        out |= paginate(
            ctx,
            site,
            lang,
            f"{prefix}archive/{year}/",
            dated,
            "list.html",
            heading=str(year),
            kind="year",
            year=year,
            **common,
        )
    out[f"{prefix}subscribe/index.html"] = template(
        env, "subscribe.html", page_url=f"{base}subscribe/", **common
    )
    if not prefix:
        out["404.html"] = template(env, "404.html", page_url=f"{base}404.html", **common)
    return out
