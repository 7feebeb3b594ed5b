"""RSS 2.0 and Atom feeds (feedgen): all, per type, per division, per tag, per language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import escape

from site_builder.i18n import translations
from site_builder.outputs import Context, Files, Planned, lang_prefix
from site_builder.outputs.render import absolutize
from site_builder.view.entries import Entry
from site_builder.view.site import Site

if TYPE_CHECKING:  # feedgen and lxml: imported by a build that writes a feed
    from feedgen.feed import FeedGenerator

ATOM = "{http://www.w3.org/2005/Atom}"
KINDS = {
    "press-release": ("press-releases", "Press releases"),
    "rebuttal": ("rebuttals", "Rebuttals"),
    "announcement": ("announcements", "Announcements"),
    "media-plan": ("media-plans", "Media plans"),
    "question": ("questions", "Questions and answers"),
}


@dataclass(frozen=True)
class FeedSpec:
    """One subscribable feed: its file stem under feeds/, its title and its entries."""

    stem: str  # e.g. 'all', 'press-releases', 'divisions/transport', 'tags/remont'
    title: str
    entries: list[Entry]
    lang: str
    group: str  # 'all' | 'type' | 'division' | 'tag' — how the subscribe page groups it


def feed_specs(site: Site, lang: str) -> list[FeedSpec]:
    """Every feed of a language, in a stable order (worked out once per site and language)."""
    return site.placed(("feed_specs", lang), lambda: _feed_specs(site, lang))


def _feed_specs(site: Site, lang: str) -> list[FeedSpec]:
    gettext = translations(lang, "ui").gettext
    entries = site.of_lang(lang)
    specs = [FeedSpec("all", gettext("All publications"), entries, lang, "all")]
    for kind, (section, title) in KINDS.items():
        specs.append(FeedSpec(section, gettext(title), site.of_kind(kind, lang), lang, "type"))
    groups = site.by_division(lang)
    for division in site.config.divisions:
        if division.id in groups:
            name = division.names.get(lang, division.name)  # type: ignore[call-overload]
            specs.append(FeedSpec(f"divisions/{division.id}", name, groups[division.id], lang, "division"))
    for slug, tagged in site.by_tag(lang).items():
        specs.append(FeedSpec(f"tags/{slug}", "#" + site.tags[slug].name, tagged, lang, "tag"))
    return specs


def listing_url(site: Site, spec: FeedSpec) -> str:
    """The absolute URL of the page that lists what a feed carries: the home page for the
    feed of all, else the section, division or tag page, whose path is the feed's stem."""
    home = site.config.origin + site.config.base_path + lang_prefix(site, spec.lang)
    return home if spec.stem == "all" else f"{home}{spec.stem}/"


def feed_updated(site: Site, spec: FeedSpec) -> datetime:
    """When a feed last changed: its newest entry's time (a withdrawal or correction
    included).  A feed with no entries has no such time: it takes the start of the build's
    day in the site's time zone, not an invented date, so the same `--now` makes the same
    bytes, and the output stays the same until the next midnight, where the up-to-date
    span (speed/uptodate.py `next_change`) ends anyway and the language's key
    (outputs/keys.py) changes with the date."""
    if spec.entries:
        return max(e.updated for e in spec.entries[: site.config.site.feed_size])
    return build_day(site)


def build_day(site: Site) -> datetime:
    """The start of the build's day in the site's time zone: what an empty feed gives as
    its update time."""
    return datetime.combine(site.now.astimezone(site.config.tz).date(), time(), tzinfo=site.config.tz)


def feed_url(site: Site, spec: FeedSpec, fmt: str) -> str:
    return f"{site.config.base_path}{lang_prefix(site, spec.lang)}feeds/{spec.stem}.{fmt}.xml"


def feed_links(site: Site, lang: str) -> list[dict]:
    """Feeds for <link rel="alternate"> and the subscribe page."""
    return site.placed(("feed_links", lang), lambda: _feed_links(site, lang))


def page_feeds(site: Site, lang: str) -> list[dict]:
    """The feeds every page of a language links to in its head: the one of all items and
    one per type (those per division and tag are on the subscribe page), from `feed_links`
    without the counts — so a page changes only when one of these comes or goes, not with
    every publication or new tag, and a page does not loop over every feed."""
    return site.placed(
        ("page_feeds", lang),
        lambda: [
            {k: v for k, v in link.items() if k != "count"}
            for link in feed_links(site, lang)
            if link["group"] in HEAD_GROUPS
        ],
    )


HEAD_GROUPS = ("all", "type")


def _feed_links(site: Site, lang: str) -> list[dict]:
    links = []
    for spec in feed_specs(site, lang):
        links.append(
            {
                "title": spec.title,
                "group": spec.group,
                "stem": spec.stem,
                "count": len(spec.entries),
                "rss": feed_url(site, spec, "rss"),
                "atom": feed_url(site, spec, "atom"),
            }
        )
    return links


def paths(site: Site, root: Path) -> Planned:
    for lang in site.config.languages:
        for spec in feed_specs(site, lang):
            base = f"{lang_prefix(site, lang)}feeds/{spec.stem}"
            yield f"{base}.rss.xml", None
            yield f"{base}.atom.xml", None


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    for lang in site.config.languages:
        for spec in feed_specs(site, lang):
            base = f"{lang_prefix(site, lang)}feeds/{spec.stem}"
            both = cache(partial(build_feed, site, spec))  # RSS and Atom come from one build
            parts = feed_parts(site, spec)
            out[f"{base}.rss.xml"] = ctx.page(lang, ["rss", *parts], lambda both=both: both()[0])
            out[f"{base}.atom.xml"] = ctx.page(lang, ["atom", *parts], lambda both=both: both()[1])
    return out


def feed_parts(site: Site, spec: FeedSpec) -> list[str]:
    """What a feed file is made of besides its language's settings (today's date among
    them, which an empty feed's time comes from): its name and entries."""
    return [spec.stem, spec.title, *(e.key for e in spec.entries[: site.config.site.feed_size])]


def entry_html(site: Site, entry: Entry, lang: str) -> str:
    """Full HTML of an entry as a feed carries it, with absolute links; made once per
    site (an entry is in its section's feed, the feed of all, its division's and tags')."""
    return site.memo(("feed-html", entry.url, lang), partial(_entry_html, site, entry, lang))


def _entry_html(site: Site, entry: Entry, lang: str) -> str:
    gettext = translations(lang, "ui").gettext
    if entry.withdrawn:
        withdrawal = entry.meta.withdrawn
        reason = withdrawal.reason if withdrawal else ""
        return f"<p><strong>{escape(gettext('Withdrawn'))}.</strong> {escape(reason)}</p>"
    html = entry.html
    if entry.meta.corrections:
        notes = "".join(
            f"<li>{escape(c.at.astimezone(site.config.tz).strftime('%Y-%m-%d %H:%M'))}: {escape(c.note)}</li>"
            for c in entry.meta.corrections
        )
        html += f"<h2>{escape(gettext('Corrections'))}</h2><ul>{notes}</ul>"
    return absolutize(html, site.config.origin)


def with_head(site: Site, text: str, lang: str) -> str:
    """A feed's description with the publication log's head (outputs/transparency.py), if any."""
    if not site.record.head:
        return text
    return f"{text} · {translations(lang, 'ui').gettext('Publication log')}: {site.record.head}"


def build_feed(site: Site, spec: FeedSpec) -> tuple[bytes, bytes]:
    """RSS and Atom bytes of one feed; times come from content, never from the clock."""
    config = site.config
    entries = spec.entries[: config.site.feed_size]
    title = config.site.titles.get(spec.lang, config.site.title)  # type: ignore[call-overload]
    page = listing_url(site, spec)
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    atom_self = config.origin + feed_url(site, spec, "atom")
    fg.id(atom_self)
    fg.title(f"{title} — {spec.title}")
    fg.subtitle(with_head(site, config.site.description or title, spec.lang))
    fg.link(href=page, rel="alternate")
    fg.link(href=atom_self, rel="self")
    fg.language(spec.lang)
    fg.generator("site_builder")
    newest = feed_updated(site, spec)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    fg.author({"name": title})
    enclosures: dict[str, list[tuple[str, str, int]]] = {}
    for entry in reversed(entries):  # feedgen prepends: add oldest first, newest ends on top
        absolute = config.origin + entry.url
        fe = fg.add_entry()
        fe.id(absolute)
        fe.guid(absolute, permalink=True)
        prefix = "[" + translations(spec.lang, "ui").gettext("Withdrawn") + "] " if entry.withdrawn else ""
        fe.title(prefix + entry.title)
        fe.link(href=absolute, rel="alternate")
        fe.published(entry.date)
        fe.updated(entry.updated)
        if entry.summary:
            # RSS readers render <description> as HTML: send the plain text as escaped HTML.
            fe.summary(str(escape(entry.summary)), type="html")
        fe.content(entry_html(site, entry, spec.lang), type="html")
        author = entry.division.name if entry.division else title
        fe.author({"name": author})
        for tag in entry.tags:
            fe.category(term=tag.name, label=tag.name)
        files = [(config.origin + entry.url + a.href, a.mime, a.size) for a in entry.files]
        if files:
            enclosures[absolute] = files
            fe.enclosure(files[0][0], str(files[0][2]), files[0][1])  # RSS allows one per item
    rss, atom = serialise(fg, page, config.origin + feed_url(site, spec, "rss"))
    return rss, atom_enclosures(atom, enclosures)


def atom_enclosures(atom: bytes, enclosures: dict[str, list[tuple[str, str, int]]]) -> bytes:
    """Every attachment as an Atom rel="enclosure" link with type and length.

    feedgen 1.0 writes an entry's enclosure as a bare <link href> (its loop variable
    shadows the link's fields), which RFC 4287 reads as a second alternate link.
    """
    if not enclosures:
        return atom
    from lxml import etree

    root = etree.fromstring(atom)
    for entry in root.iter(f"{ATOM}entry"):
        files = enclosures.get(entry.findtext(f"{ATOM}id") or "")
        if not files:
            continue
        urls = {url for url, _mime, _size in files}
        for link in entry.findall(f"{ATOM}link"):
            if link.get("href") in urls:
                entry.remove(link)
        for url, mime, size in files:
            etree.SubElement(entry, f"{ATOM}link", rel="enclosure", href=url, type=mime, length=str(size))
    etree.indent(root)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def serialise(fg: FeedGenerator, page: str, rss_self: str) -> tuple[bytes, bytes]:
    """RSS and Atom bytes of a feed whose links are [page (alternate), Atom file (self)].

    feedgen's RSS takes <link> from the last link set and atom:link from the self link,
    so the RSS file would name the Atom file as both: re-link it to the page and itself.
    """
    atom = fg.atom_str(pretty=True)
    own = {"href": rss_self, "rel": "self", "type": "application/rss+xml"}
    fg.link([own, {"href": page, "rel": "alternate"}], replace=True)
    return fg.rss_str(pretty=True), atom
