"""HTML pages: home, listings, item pages, divisions, tags, years, subscribe, 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from math import ceil

from site_builder.outputs import Context, Files, lang_prefix
from site_builder.outputs.feeds import page_feeds
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
    # What the page shows besides its entries: the listing's own parameters (an object
    # such as a division by its repr, which covers its names).
    own = [layout, rel, str(count), str(len(entries))]
    own += [f"{name}={value!r}" for name, value in sorted(context.items()) if name not in COMMON]
    for number in range(1, count + 1):
        pager = Pager(number, count, first_url)
        path = rel if number == 1 else f"{rel}page/{number}/"
        chunk = entries[(number - 1) * per : number * per]
        render = partial(
            template,
            env,
            layout,
            entries=chunk,
            pager=pager,
            total=len(entries),
            page_url=pager.url(number),
            **context,
        )
        out[path + "index.html"] = ctx.page(lang, [*own, str(number), *(e.key for e in chunk)], render)
    return out


ITEM_CHUNK = 250  # item pages per task: small enough to spread over the cores evenly
COMMON = {"feeds", "base", "prefix", "site_data"}  # the same on every page of a language


def tasks(site: Site, ctx: Context) -> list[Callable[[], Files]]:
    """Independent pieces of work, so the orchestrator can spread them over processes."""
    out: list[Callable[[], Files]] = []
    for lang in site.config.languages:
        out += [partial(listing, site, ctx, lang) for listing in LISTINGS]
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
    return {"feeds": page_feeds(site, lang), "base": base, "prefix": prefix, "site_data": site}


def _item_pages(site: Site, ctx: Context, lang: str, entries: list[Entry]) -> Files:
    env = ctx.env(lang)
    common = _common(site, lang)
    out: Files = {}
    for entry in entries:
        rel = entry.url[len(site.config.base_path) :]
        name = f"{entry.kind}.html"
        extra, parts = {}, [name, entry.key]
        if entry.kind == "media-plan":  # a plan shows the state of the items it plans
            rows = extra["plan_rows"] = plan_rows(entry, site)
            parts += [f"{row['state']}:{row['target'].key if row['target'] else ''}" for row in rows]
        render = partial(template, env, name, entry=entry, page_url=entry.url, **extra, **common)
        out[rel + "index.html"] = ctx.page(lang, parts, render)
    return out


def _home(site: Site, ctx: Context, lang: str) -> Files:
    """Home, the index pages with counts, subscribe and 404: few pages, always rendered."""
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
    tags = site.by_tag(lang)
    out[f"{prefix}tags/index.html"] = template(
        env,
        "tags.html",
        tags=[(site.tags[s], len(v)) for s, v in tags.items()],
        page_url=f"{base}tags/",
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
    out[f"{prefix}subscribe/index.html"] = template(
        env, "subscribe.html", page_url=f"{base}subscribe/", **common
    )
    if not prefix:
        out["404.html"] = template(env, "404.html", page_url=f"{base}404.html", **common)
    return out


def _sections(site: Site, ctx: Context, lang: str) -> Files:
    common = _common(site, lang)
    out: Files = {}
    for kind, section in SECTIONS.items():
        out |= paginate(
            ctx,
            site,
            lang,
            f"{common['prefix']}{section}/",
            site.of_kind(kind, lang),
            "list.html",
            heading=KIND_TITLES[kind],
            kind=kind,
            **common,
        )
    return out


def _divisions(site: Site, ctx: Context, lang: str) -> Files:
    common = _common(site, lang)
    out: Files = {}
    divisions = site.by_division(lang)
    for division in (d for d in site.config.divisions if d.id in divisions):
        out |= paginate(
            ctx,
            site,
            lang,
            f"{common['prefix']}divisions/{division.id}/",
            divisions[division.id],
            "list.html",
            heading=division.names.get(lang, division.name),
            kind="division",
            division=division,
            **common,
        )
    return out


def _tags(site: Site, ctx: Context, lang: str) -> Files:
    common = _common(site, lang)
    out: Files = {}
    for slug, tagged in site.by_tag(lang).items():
        out |= paginate(
            ctx,
            site,
            lang,
            f"{common['prefix']}tags/{slug}/",
            tagged,
            "list.html",
            heading=site.tags[slug].name,
            kind="tag",
            tag=site.tags[slug],
            **common,
        )
    return out


def _years(site: Site, ctx: Context, lang: str) -> Files:
    common = _common(site, lang)
    out: Files = {}
    for year, dated in site.by_year(lang).items():
        out |= paginate(
            ctx,
            site,
            lang,
            f"{common['prefix']}archive/{year}/",
            dated,
            "list.html",
            heading=str(year),
            kind="year",
            year=year,
            **common,
        )
    return out


LISTINGS = (_home, _sections, _divisions, _tags, _years)
