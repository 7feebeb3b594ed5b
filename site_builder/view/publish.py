"""Making the published site: which items become entries, as readers may see them at
`now` (a withdrawn one by its public face), and the entries a last site lends the next."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import datetime
from operator import attrgetter

from site_builder.judge.mediarequests import Register, register
from site_builder.judge.rules import Judgement
from site_builder.judge.verdict import VISIBLE, State
from site_builder.load.config import Config
from site_builder.load.content import item_url
from site_builder.load.model import (
    SECTION_OF,
    Announcement,
    Asker,
    Event,
    Item,
    MediaPlan,
    Question,
    Rebuttal,
    once,
)
from site_builder.load.slugs import slug
from site_builder.view.entries import Entry, Tag
from site_builder.view.site import Site
from site_builder.view.terms import former_head


def build_site(
    items: list[Item],
    judgement: Judgement,
    config: Config,
    now: datetime,
    media: Register | None = None,
    last: Site | None = None,
) -> Site:
    """Keep the visible items and link them together; `media` is the media requests'
    register (see `judge.mediarequests.register`; none when not given).

    `last` is the site the previous build made, when the caller keeps it (the preview
    server): if no entry has moved since (see `_moved`), its entries are taken over, the
    edited ones given their new items, with the groupings worked out for it (`Site.placed`).
    """
    verdicts = judgement.verdicts
    visible = [
        public_face(as_of(i, now))
        if verdicts[i.source].state == State.WITHDRAWN
        else anonymous(as_of(i, now))
        for i in items
        if verdicts[i.source].state in VISIBLE
    ]
    media_requests = media or register([], config, now.astimezone(config.tz).date())
    if last is not None and not _moved(last, visible, verdicts, config):
        for entry in last.entries:  # a term may have ended since
            entry.former = former_head(entry.item, config, now)
        return Site(
            config, now, last.entries, last.by_source, last.tags, media_requests, _placed=last._placed
        )
    slugs: dict[str, str] = {}  # tag name → its slug
    tags: dict[str, Tag] = {}  # by slug: the name it has in the first file (by path) using it
    for item in sorted(visible, key=attrgetter("source")):
        for name in item.meta.tags:
            if name not in slugs:
                slugs[name] = slug(name) or "tag"
                tags.setdefault(slugs[name], Tag(slugs[name], name))
    urls = {i.source: item_url(config, i.lang, SECTION_OF[i.kind], i.slug) for i in visible}
    entries: dict[str, Entry] = {}
    for item in visible:
        meta = item.meta
        entries[item.source] = Entry(
            item=item,
            url=urls[item.source],
            withdrawn=verdicts[item.source].state == State.WITHDRAWN,
            urls=urls,
            updated=item.updated,
            tags=[tags[slugs[n]] for n in dict.fromkeys(meta.tags)] if meta.tags else [],
            division=config.division(meta.division),
            former=former_head(item, config, now),
        )
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries.values():
        groups[entry.item.key].append(entry)
    order = {lang: n for n, lang in enumerate(config.languages)}
    for group in groups.values():
        if len(group) > 1:  # an item in one language has no translations (the default)
            group.sort(key=lambda e: order.get(e.lang, 99))
            for entry in group:
                entry.translations = [e for e in group if e is not entry]
    ordered = sorted(entries.values(), key=attrgetter("sort_key"))
    return Site(config, now, ordered, entries, tags, media_requests)


def as_of(item: Item, now: datetime) -> Item:
    """The item as readers may see it at `now`: a correction, an event change or a
    withdrawal is public from its own time on (as in the changes feed and the calendars'
    SEQUENCE), so those dated after `now` are left out of every page, feed and file, and
    of the item's updated time.  The item itself when nothing of it is still to come."""
    notes = item.notes
    if not notes or notes[-1] <= now:
        return item
    meta = item.meta
    update: dict[str, object] = {"corrections": [c for c in meta.corrections if c.at <= now]}
    if meta.withdrawn is not None and meta.withdrawn.at > now:
        update["withdrawn"] = None
    if isinstance(meta, Announcement):
        changes = [c for c in meta.event.changes if c.at <= now]
        update["event"] = meta.event.model_copy(update={"changes": changes})
    return dataclasses.replace(item, meta=meta.model_copy(update=update))


def anonymous(item: Item) -> Item:
    """A citizen's question without its asker's name unless the asker agreed to have it
    published (`asker.public: true`): no template, feed or data file can show it."""
    meta = item.meta
    if not isinstance(meta, Question) or meta.asker.public or meta.asker.name is None:
        return item
    return dataclasses.replace(item, meta=meta.model_copy(update={"asker": Asker()}))


def public_face(item: Item) -> Item:
    """What a withdrawn item still shows, the same in every output (page, listings, feeds,
    calendars, open data, structured data, search): its title, its dates and the public
    reason for the withdrawal — nothing it said (summary, tags, image, body, attachments,
    corrections, an event's place, speakers and changes, a rebuttal's claims, a plan's
    entries), nor who wrote it or for which division.  The body is gone from the item
    itself, so no template can show it (`entry.item.html`)."""
    meta = item.meta
    update: dict[str, object] = {
        "summary": "",
        "tags": [],
        "image": None,
        "image_alt": None,
        "corrections": [],
        "division": None,
        "author": None,
        "translation_exception": None,
    }
    if isinstance(meta, Announcement):
        update["event"] = Event.model_construct(
            kind=meta.event.kind, starts=meta.event.starts, ends=meta.event.ends, status=meta.event.status
        )
    elif isinstance(meta, Rebuttal):
        update.update(original=None, facts=[])
    elif isinstance(meta, MediaPlan):
        update["entries"] = []
    elif isinstance(meta, Question):
        update.update(question="", asker=Asker(), event=None)
    return dataclasses.replace(
        item,
        meta=meta.model_copy(update=update),
        attachments=(),
        packed_html=_NO_BODY,
        md_links=(),
        images=(),
    )


_NO_BODY = Item.pack("", {})["packed_html"]


_ONCE = [name for name, value in vars(Entry).items() if isinstance(value, once)]


def _moved(last: Site, visible: list[Item], verdicts: dict, config: Config) -> bool:
    """Whether `visible` needs entries of its own rather than `last`'s: something was
    published, hidden, withdrawn, moved to another URL, date, division or tags, or
    another translation group, or the settings changed.  Otherwise `last`'s entries are
    made this build's (the edited ones get their new item, and forget what they showed)."""
    entries = last.by_source
    if len(visible) != len(entries) or config != last.config:
        return True
    edited: list[tuple[Entry, Item]] = []
    for item in visible:
        entry = entries.get(item.source)
        if entry is None or entry.withdrawn != (verdicts[item.source].state == State.WITHDRAWN):
            return True
        if entry.item is not item:  # parsed anew: the file changed
            old = entry.item
            if (
                item.stamp != old.stamp
                or item.kind != old.kind
                or item.lang != old.lang
                or item.slug != old.slug
                or item.key != old.key
                or item.meta.tags != old.meta.tags
                or item.meta.division != old.meta.division
            ):
                return True
            edited.append((entry, item))
    for entry, item in edited:
        entry.item, entry.updated = item, item.updated
        for name in _ONCE:
            entry.__dict__.pop(name, None)
    for entry in last.entries:  # set again by the build (`Site.seal`, drafts marked)
        entry.key, entry.preview = "", None
    return False
