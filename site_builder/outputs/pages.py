"""HTML pages: home, listings, item pages, divisions, tags, years, subscribe, 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from math import ceil
from pathlib import Path

from jinja2 import Environment

from site_builder.load.config import Config
from site_builder.outputs import Context, Files, Keyed, Planned, lang_prefix
from site_builder.outputs.feeds import page_feeds
from site_builder.outputs.render import render as template
from site_builder.outputs.sitedata import SiteData, subscriptions
from site_builder.view.entries import Entry
from site_builder.view.signed import commands, record, shown
from site_builder.view.site import Site, plan_rows
from site_builder.view.versions import shown as versions_of

KIND_TITLES = {
    "press-release": "Press releases",
    "rebuttal": "Rebuttals",
    "announcement": "Announcements",
    "media-plan": "Media plans",
    "question": "Questions and answers",
}
SECTIONS = {
    "press-release": "press-releases",
    "rebuttal": "rebuttals",
    "announcement": "announcements",
    "media-plan": "media-plans",
    "question": "questions",
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


def page_path(rel: str, number: int) -> str:
    """Where page `number` of the listing at `rel` is written."""
    return rel if number == 1 else f"{rel}page/{number}/"


def page_count(site: Site, entries: int) -> int:
    return max(1, ceil(entries / site.config.site.items_per_page))


def paginate(
    ctx: Context, site: Site, lang: str, rel: str, entries: list[Entry], layout: str, **context: object
) -> Files:
    """Write a listing over as many pages as it needs, at rel, rel/page/2/, …"""
    per = site.config.site.items_per_page
    count = page_count(site, len(entries))
    first_url = site.config.base_path + rel
    out: Files = {}
    env = ctx.env(lang)
    # What the page shows besides its entries: the listing's own parameters (an object
    # such as a division by its repr, which covers its names).
    own = [layout, rel, str(count), str(len(entries))]
    own += [f"{name}={value!r}" for name, value in sorted(context.items()) if name not in COMMON]
    for number in range(1, count + 1):
        pager = Pager(number, count, first_url)
        path = page_path(rel, number)
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


ITEM_CHUNK = 150  # item pages per task: small enough to spread over the cores evenly
COMMON = {"feeds", "base", "prefix", "site_data"}  # the same on every page of a language


def tasks(site: Site, ctx: Context) -> list[Callable[[], Files]]:
    """Independent pieces of work, so the orchestrator can spread them over processes."""
    out: list[Callable[[], Files]] = []
    for lang in site.config.languages:
        out += [partial(listing, site, ctx, lang) for listing in LISTINGS]
        entries = site.of_lang(lang)
        for start in range(0, len(entries), ITEM_CHUNK):
            out.append(partial(item_pages, site, ctx, lang, entries[start : start + ITEM_CHUNK]))
    return out


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    for task in tasks(site, ctx):
        out |= task()
    return out


def _common(site: Site, lang: str) -> dict:
    prefix = lang_prefix(site, lang)
    base = site.config.base_path + prefix
    return {"feeds": page_feeds(site, lang), "base": base, "prefix": prefix, "site_data": SiteData.of(site)}


def item_pages(site: Site, ctx: Context, lang: str, entries: list[Entry]) -> Files:
    env = ctx.env(lang)
    common = _common(site, lang)
    out: Files = {}
    base = len(site.config.base_path)
    for entry in entries:
        rel = entry.url[base:]
        name = f"{entry.kind}.html"
        extra, parts = {"versions": versions_of(site, entry)}, [name, entry.key]
        if entry.kind == "media-plan":  # a plan shows the state of the items it plans
            rows = extra["plan_rows"] = plan_rows(entry, site)
            parts += [f"{row['state']}:{row['target'].key if row['target'] else ''}" for row in rows]
        elif entry.kind == "announcement":  # and the questions answered at its event, once over
            asked = extra["questions"] = site.event_questions(entry)
            parts += [f"question:{e.key}" for e in asked]
        elif entry.kind == "question":  # and the event it was asked for
            event = extra["event_entry"] = site.question_event(entry)
            parts.append(f"event:{event.url}:{event.title}" if event else "event:")
        render = partial(_item_page, env, name, entry, site.config, {**extra, **common})
        out[rel + "index.html"] = ctx.page(lang, parts, render)
    return out


def _item_page(env: Environment, name: str, entry: Entry, config: Config, values: dict) -> bytes:
    """An item's page, with its signed approvals for readers to verify (worked out only when
    the page is rendered: its key already covers them, as they are in its file)."""
    signed = shown(entry, config)
    if signed:
        values = values | {
            "approvals": signed,
            "approval_record": record(entry, config, signed),
            "verify_commands": commands(entry, config, signed),
        }
    return template(env, name, entry=entry, page_url=entry.url, **values)


def _home(site: Site, ctx: Context, lang: str) -> Files:
    """Home, the index pages with counts, subscribe and 404.

    Each is keyed by what the theme's template shows (entries by their keys, counts),
    like the listings, or the subscribe page by the feeds and calendars it lists; one the
    site replaces with its own template, which may show anything of the site, is always
    rendered.
    """
    env = ctx.env(lang)
    common = _common(site, lang)
    prefix, base = common["prefix"], common["base"]
    out: Files = {}

    def page(name: str, parts: list[str], **context: object) -> Keyed | bytes:
        render = partial(template, env, name, **context, **common)
        if (ctx.root / "templates" / name).exists():
            return render()
        return ctx.page(lang, [name, str(context.get("page_url")), *parts], render)

    latest = {kind: site.of_kind(kind, lang)[:5] for kind in SECTIONS}
    events = site.upcoming_events(lang)[:6]
    plan = site.current_plan(lang)
    rows = plan_rows(plan, site) if plan else []
    shown = [f"{kind}:{e.key}" for kind, entries in latest.items() for e in entries]
    shown += [f"event:{e.key}" for e in events]
    if plan:
        shown.append(f"plan:{plan.key}")
        shown += [f"{row['state']}:{row['target'].key if row['target'] else ''}" for row in rows]
    out[prefix + "index.html"] = page(
        "home.html", shown, latest=latest, events=events, plan=plan, plan_rows=rows, page_url=base
    )
    divisions = site.by_division(lang)
    listed = [d for d in site.config.divisions if d.id in divisions]
    counts = {k: len(v) for k, v in divisions.items()}
    out[f"{prefix}divisions/index.html"] = page(
        "divisions.html",
        [f"{d.id}={counts[d.id]}" for d in listed],
        divisions=listed,
        counts=counts,
        page_url=f"{base}divisions/",
    )
    tags = [(site.tags[s], len(v)) for s, v in site.by_tag(lang).items()]
    out[f"{prefix}tags/index.html"] = page(
        "tags.html", [f"{t.slug}={t.name}={n}" for t, n in tags], tags=tags, page_url=f"{base}tags/"
    )
    years = [(y, len(v)) for y, v in site.by_year(lang).items()]
    out[f"{prefix}archive/index.html"] = page(
        "archive.html", [f"{y}={n}" for y, n in years], years=years, page_url=f"{base}archive/"
    )
    # What the theme's subscribe page lists: every feed, calendar and data file, with counts.
    out[f"{prefix}subscribe/index.html"] = page(
        "subscribe.html", [repr(subscriptions(site, lang))], page_url=f"{base}subscribe/"
    )
    if not prefix:
        out["404.html"] = page("404.html", [], page_url=f"{base}404.html")
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
HOME_PAGES = ("index.html", "divisions/index.html", "tags/index.html", "archive/index.html")


def paths(site: Site, root: Path) -> Planned:
    """Where `render` writes: the pages `_home` makes, every page of every listing, and
    each entry's own page."""
    base = len(site.config.base_path)
    for lang in site.config.languages:
        prefix = lang_prefix(site, lang)
        for name in (*HOME_PAGES, "subscribe/index.html"):
            yield prefix + name, None
        if not prefix:
            yield "404.html", None
        listings = [(f"{prefix}{section}/", site.of_kind(kind, lang)) for kind, section in SECTIONS.items()]
        by_division = site.by_division(lang)
        for division in (d.id for d in site.config.divisions if d.id in by_division):
            listings.append((f"{prefix}divisions/{division}/", by_division[division]))
        listings += [(f"{prefix}tags/{slug}/", tagged) for slug, tagged in site.by_tag(lang).items()]
        listings += [(f"{prefix}archive/{year}/", dated) for year, dated in site.by_year(lang).items()]
        for rel, entries in listings:
            for number in range(1, page_count(site, len(entries)) + 1):
                yield page_path(rel, number) + "index.html", None
        for entry in site.of_lang(lang):
            yield entry.url[base:] + "index.html", entry
