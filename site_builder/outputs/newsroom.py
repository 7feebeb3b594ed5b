"""Newsroom pages: press centre, media-requests statistics, open data."""

from __future__ import annotations

from pathlib import Path

from site_builder.outputs import Context, Files, Planned, lang_prefix
from site_builder.outputs.feeds import page_feeds
from site_builder.outputs.render import render as template
from site_builder.outputs.sitedata import SiteData, subscriptions
from site_builder.view.site import Site, plan_rows

CONTACT_FIELDS = ("phone", "email", "telegram")


def contacts(site: Site) -> list[dict]:
    """PR-department people active today, with only the contact fields they marked public."""
    today = site.now.astimezone(site.config.tz).date()
    out = []
    for person in site.config.people:
        if "pr_department" not in person.roles or not person.active_on(today):
            continue
        shown = {}
        if person.contact is not None:
            for name in CONTACT_FIELDS:
                value = getattr(person.contact, name)
                if name in person.contact.public and value:
                    shown[name] = value
        division = site.config.division(person.division)
        out.append({"name": person.name, "position": person.position, "division": division, "contact": shown})
    return out


PAGES = ("press-centre/index.html", "media-requests/index.html", "data/index.html")


def paths(site: Site, root: Path) -> Planned:
    for lang in site.config.languages:
        for name in PAGES:
            yield lang_prefix(site, lang) + name, None


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    view = SiteData.of(site)
    for lang in site.config.languages:
        env = ctx.env(lang)
        prefix = lang_prefix(site, lang)
        base = site.config.base_path + prefix
        common = {"feeds": page_feeds(site, lang), "base": base, "prefix": prefix, "site_data": view}
        links = subscriptions(site, lang)
        plan = site.current_plan(lang)
        out[f"{prefix}press-centre/index.html"] = template(
            env,
            "press-centre.html",
            contacts=contacts(site),
            press_centre=site.config.press_centre,
            links=links,
            plan=plan,
            plan_rows=plan_rows(plan, site) if plan else [],
            page_url=f"{base}press-centre/",
            **common,
        )
        out[f"{prefix}media-requests/index.html"] = template(
            env,
            "media-requests.html",
            register=site.media_requests,
            limit=site.config.calendar.media_request_days,
            page_url=f"{base}media-requests/",
            **common,
        )
        out[f"{prefix}data/index.html"] = template(
            env, "open-data.html", links=links, page_url=f"{base}data/", **common
        )
    return out
