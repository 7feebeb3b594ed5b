"""The site as templates see it (`site_data`): the published view plus what the outputs
work out for a page (structured data, sharing cards, the subscribe list).

The published view (view/) is a stage below the outputs and knows nothing of them; the
pages hand templates a `SiteData`, a `Site` sharing that site's entries and memos, whose
three more methods templates (the theme's and the editors' own) call as before.
"""

from __future__ import annotations

from dataclasses import fields

from site_builder.i18n import translations
from site_builder.outputs import structured
from site_builder.outputs.calendars import calendar_links
from site_builder.outputs.changes import changes_url
from site_builder.outputs.feeds import feed_links, feed_specs
from site_builder.outputs.jsonfeed import json_feed_url
from site_builder.outputs.opendata.tables import data_links
from site_builder.view.entries import Entry
from site_builder.view.site import Site


class SiteData(Site):
    """A `Site` with what a page's template asks the outputs for (no proxy: plain methods)."""

    @classmethod
    def of(cls, site: Site) -> SiteData:
        """The site for templates: the same entries, groupings and memos, so a value worked
        out for one is worked out for the other."""
        if isinstance(site, SiteData):
            return site
        return cls(**{f.name: getattr(site, f.name) for f in fields(site)})

    def structured_data(self, entry: Entry | None, lang: str) -> dict:
        """The page's schema.org JSON-LD (outputs/structured.py)."""
        return structured.page_graph(self, entry, lang)

    def sharing(self, entry: Entry | None, lang: str, page_url: str) -> dict:
        """The page's Open Graph and Twitter card values."""
        return structured.sharing(self, entry, lang, page_url)

    def subscriptions(self, lang: str) -> dict:
        """Every feed, calendar and data file of a language, for the subscribe page."""
        return subscriptions(self, lang)


def subscriptions(site: Site, lang: str) -> dict:
    """Everything a reader can subscribe to or download, grouped for the subscribe pages
    (worked out once per site)."""
    return site.memo(("subscriptions", lang), lambda: _subscriptions(site, lang))


def _subscriptions(site: Site, lang: str) -> dict:
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
