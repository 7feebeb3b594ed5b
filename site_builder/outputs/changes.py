"""The changes-and-corrections feed: one entry per public change of a published item.

Corrections, withdrawals, event changes and cancellations each get their own entry
with an id that never changes and the change's own time, so a reader's feed client
shows every change exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from markupsafe import escape

from site_builder.i18n import translations
from site_builder.load.model import Announcement
from site_builder.outputs import Context, Files, Planned, lang_prefix
from site_builder.outputs.feeds import build_day, serialise, with_head
from site_builder.view.entries import Entry
from site_builder.view.site import Site
from site_builder.view.versions import diff_url


@dataclass(frozen=True)
class Change:
    entry: Entry
    kind: str  # correction | withdrawal | event-change | cancellation
    at: datetime
    note: str
    anchor: str  # makes the id unique per change


LABELS = {
    "correction": "Correction",
    "withdrawal": "Withdrawn",
    "event-change": "Event changed",
    "cancellation": "Event cancelled",
}


def changes(site: Site, lang: str) -> list[Change]:
    """Every public change of the language's entries, newest first."""
    out: list[Change] = []
    for entry in site.of_lang(lang):
        meta = entry.meta
        for number, correction in enumerate(meta.corrections, start=1):
            out.append(Change(entry, "correction", correction.at, correction.note, f"correction-{number}"))
        if entry.withdrawn and meta.withdrawn is not None:
            out.append(Change(entry, "withdrawal", meta.withdrawn.at, meta.withdrawn.reason, "withdrawn"))
        if isinstance(meta, Announcement):
            event = meta.event
            for number, change in enumerate(event.changes, start=1):
                out.append(Change(entry, "event-change", change.at, change.note, f"event-change-{number}"))
            if event.status == "cancelled":
                # The cancellation has no time of its own: it is the latest public change.
                out.append(
                    Change(entry, "cancellation", entry.updated, event.cancel_reason or "", "cancelled")
                )
    out = [c for c in out if c.at <= site.now]
    return sorted(out, key=lambda c: (-c.at.timestamp(), c.entry.url, c.anchor))


def changes_url(site: Site, lang: str, fmt: str) -> str:
    return f"{site.config.base_path}{lang_prefix(site, lang)}feeds/changes.{fmt}.xml"


def paths(site: Site, root: Path) -> Planned:
    for lang in site.config.languages:
        yield f"{lang_prefix(site, lang)}feeds/changes.rss.xml", None
        yield f"{lang_prefix(site, lang)}feeds/changes.atom.xml", None


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    for lang in site.config.languages:
        rss, atom = build_changes_feed(site, lang)
        out[f"{lang_prefix(site, lang)}feeds/changes.rss.xml"] = rss
        out[f"{lang_prefix(site, lang)}feeds/changes.atom.xml"] = atom
    return out


def build_changes_feed(site: Site, lang: str) -> tuple[bytes, bytes]:
    config = site.config
    gettext = translations(lang, "ui").gettext
    title = config.site.titles.get(lang, config.site.title)  # type: ignore[call-overload]
    found = changes(site, lang)[: config.site.feed_size]
    from feedgen.feed import FeedGenerator  # see feeds.py

    fg = FeedGenerator()
    atom_self = config.origin + changes_url(site, lang, "atom")
    fg.id(atom_self)
    fg.title(f"{title} — {gettext('Changes and corrections')}")
    fg.subtitle(
        with_head(site, gettext("Corrections, withdrawals and event changes of published items"), lang)
    )
    page = config.origin + config.base_path + lang_prefix(site, lang)
    fg.link(href=page, rel="alternate")
    fg.link(href=atom_self, rel="self")
    fg.language(lang)
    fg.generator("site_builder")
    newest = max((c.at for c in found), default=build_day(site))
    fg.updated(newest)
    fg.lastBuildDate(newest)
    fg.author({"name": title})
    for change in reversed(found):  # feedgen prepends
        url = config.origin + change.entry.url
        diff = diff_url(site, change.entry, change.anchor)  # its version's page: what changed
        link = config.origin + diff if diff else url
        fe = fg.add_entry()
        fe.id(f"{url}#{change.anchor}")
        fe.guid(f"{url}#{change.anchor}", permalink=False)
        fe.title(f"[{gettext(LABELS[change.kind])}] {change.entry.title}")
        fe.link(href=link, rel="alternate")
        fe.published(change.at)
        fe.updated(change.at)
        fe.summary(str(escape(change.note or gettext(LABELS[change.kind]))), type="html")
        fe.content(
            f'<p>{escape(change.note)}</p><p><a href="{escape(link)}">{escape(link)}</a></p>', type="html"
        )
        fe.category(term=change.kind, label=gettext(LABELS[change.kind]))
    return serialise(fg, page, config.origin + changes_url(site, lang, "rss"))
