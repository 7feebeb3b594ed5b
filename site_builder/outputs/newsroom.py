"""Newsroom pages: press centre, media-requests statistics, open data; and the subscribe list."""

from __future__ import annotations

from pathlib import Path

from site_builder.i18n import translations
from site_builder.outputs import Context, Files, Planned, lang_prefix
from site_builder.outputs.calendars import calendar_links
from site_builder.outputs.changes import changes_url
from site_builder.outputs.feeds import feed_links, feed_specs, page_feeds
from site_builder.outputs.jsonfeed import json_feed_url
from site_builder.outputs.opendata.tables import data_links
from site_builder.outputs.render import render as template
from site_builder.site import Site, plan_rows

CONTACT_FIELDS = ("phone", "email", "telegram")


def subscriptions(site: Site, lang: str) -> dict:
    """Everything a reader can subscribe to or download, grouped for the subscribe pages."""
    gettext = translations(lang, "ui").gettext
    return {
        "feeds": feed_links(site, lang),
        "json_feeds": [
            {"title": spec.title, "url": json_feed_url(site, spec), "group": spec.group}
            for spec in feed_specs(site, lang)
        ],
        "changes": {
            "title": gettext("Changes and corrections"),
            "rss": changes_url(site, lang, "rss"),
            "atom": changes_url(site, lang, "atom"),
        },
        "calendars": calendar_links(site, lang),
        "data": data_links(site),
    }


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
    for lang in site.config.languages:
        env = ctx.env(lang)
        prefix = lang_prefix(site, lang)
        base = site.config.base_path + prefix
        common = {"feeds": page_feeds(site, lang), "base": base, "prefix": prefix, "site_data": site}
        links = site.subscriptions(lang)
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
