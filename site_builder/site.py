"""The published site as views: what templates and feeds may see, and nothing else.

Only items judged PUBLISHED or WITHDRAWN become entries; every listing, feed, page and
index is built from these entries, so an unpublished item cannot leak by construction.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import TypeVar

from site_builder.errors import Problem, problem
from site_builder.judge.mediarequests import Register, Request, Tally, register
from site_builder.judge.rules import VISIBLE, Judgement, State
from site_builder.judge.workdays import WorkingDays
from site_builder.load.config import Config, Division
from site_builder.load.content import item_url
from site_builder.load.markdown import REF_PREFIX
from site_builder.load.model import (
    SECTION_OF,
    Announcement,
    Attachment,
    Event,
    Item,
    MediaPlan,
    Rebuttal,
    once,
)
from site_builder.load.slugs import slug
from site_builder.speed import cache

T = TypeVar("T")
_REF_LINK = re.compile(
    r'<a href="' + re.escape(REF_PREFIX) + r'([^"#]*)(#[^"]*)?"([^>]*)>(.*?)</a>', re.DOTALL
)


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str


@dataclass
class Entry:
    """A published item as templates see it (what it shows of its item is worked out once)."""

    item: Item
    url: str
    withdrawn: bool
    urls: dict[str, str] = field(repr=False)  # every visible URL by source (shared): links resolve to it
    updated: datetime
    tags: list[Tag]
    division: Division | None
    translations: list[Entry] = field(default_factory=list)
    preview: bool = False  # a draft or item under review: rendered only by `serve --drafts`
    key: str = ""  # hash of everything its pages show (set by Site.seal)

    @once
    def meta(self):
        return self.item.meta

    @property
    def html(self) -> str:
        """The body (none for a withdrawn item), with links to other items resolved."""
        return "" if self.withdrawn else _resolve_refs(self.item.html, self.urls)

    @property
    def files(self) -> tuple[Attachment, ...]:
        """The attachments published next to its page: none for a withdrawn item, whose
        files are withdrawn with it (so no feed, page or data file may name them)."""
        return () if self.withdrawn else self.item.attachments

    @once
    def kind(self) -> str:
        return self.item.kind

    @once
    def section(self) -> str:
        return SECTION_OF[self.item.kind]

    @once
    def title(self) -> str:
        return self.item.meta.title

    @once
    def date(self) -> datetime:
        assert self.item.meta.date is not None
        return self.item.meta.date

    @once
    def lang(self) -> str:
        return self.item.lang

    @once
    def summary(self) -> str:
        return self.item.meta.summary

    @once
    def sort_key(self) -> tuple:
        return (-self.item.stamp, self.url)


@dataclass
class Site:
    config: Config
    now: datetime
    entries: list[Entry]  # every visible entry, newest first
    by_source: dict[str, Entry]
    tags: dict[str, Tag]
    media_requests: Register = field(default_factory=lambda: Register([], Tally("total"), []))
    _memo: dict = field(default_factory=dict, repr=False)
    _placed: dict = field(default_factory=dict, repr=False)  # see `placed`

    def memo(self, key: object, make: Callable[[], T]) -> T:
        """A value worked out once per site (feeds, groupings): every page asks for it."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def placed(self, key: object, make: Callable[[], T]) -> T:
        """`memo` for a value that depends only on where the entries are: which entries
        there are, in what order, their language, kind, division and tags, and the
        settings — not on what they say, their keys or `now`.  A site that `build_site`
        made from the last one's entries, none of them moved, starts with these values."""
        if key not in self._placed:
            self._placed[key] = make()
        return self._placed[key]

    def seal(self, key: Callable[..., str] = cache.key) -> None:
        """Give every entry its key, once previews are marked: the inputs of its pages.
        `key` is `cache.key`, or a cache's `key_of` that remembers it by its parts."""
        own = {id(entry): self._own_key(entry, key) for entry in self.entries}
        for entry in self.entries:  # an item page names its translations and their state
            mine = own[id(entry)]
            entry.key = key(mine, *(own[id(e)] for e in entry.translations)) if entry.translations else mine

    def _own_key(self, entry: Entry, key: Callable[..., str]) -> str:
        """The hash of `entry_state`, which an entry taken over from the last site (see
        `build_site`) keeps while its item, its preview mark and what `now` decides of it
        are the same: nothing else it reads can change without the entry being made anew."""
        item, moment = entry.item, (entry.preview, *self._moment(entry))
        kept = entry.__dict__.get("_own")
        if kept is not None and kept[0] is item and kept[1] == moment:
            return kept[2]
        found = key(*self.entry_state(entry))
        entry.__dict__["_own"] = (item, moment, found)
        return found

    def _moment(self, entry: Entry) -> tuple:
        """All that `now` decides of an entry's pages (`entry_state` and `_own_key` go by it):
        how many of its public notes (corrections, event changes, the withdrawal; in order)
        are out, and for an announcement whether its event is still to come."""
        item, now = entry.item, self.now
        if isinstance(item.meta, Announcement):
            event = item.meta.event
            return bisect_right(item.notes, now), (event.ends or event.starts) >= now
        return (bisect_right(item.notes, now),)

    def entry_state(self, entry: Entry) -> list[str]:
        """What an entry's pages and feed items show, `now` included only through its effects."""
        item = entry.item
        parts = [item.fingerprint, entry.url, str(entry.withdrawn), str(entry.preview)]
        if entry.preview:  # `serve --drafts` dates an undated draft `now`: not in the file
            parts.append(str(item.stamp))
        parts += [str(part) for part in self._moment(entry)]
        parts += [f"{t.slug}={t.name}" for t in entry.tags]
        if item.md_links:  # links to other items resolve by their state
            parts.append(entry.html)
        return parts

    def of_lang(self, lang: str) -> list[Entry]:
        return self.placed(("of_lang", lang), lambda: [e for e in self.entries if e.lang == lang])

    def of_kind(self, kind: str, lang: str) -> list[Entry]:
        return self.placed(("by_kind", lang), lambda: self._by_kind(lang)).get(kind, [])

    def _by_kind(self, lang: str) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.of_lang(lang):
            groups[entry.kind].append(entry)
        return groups

    def by_division(self, lang: str) -> dict[str, list[Entry]]:
        return self.placed(("by_division", lang), lambda: self._by_division(lang))

    def _by_division(self, lang: str) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.of_lang(lang):
            if entry.division:
                groups[entry.division.id].append(entry)
        return groups

    def by_tag(self, lang: str) -> dict[str, list[Entry]]:
        return self.placed(("by_tag", lang), lambda: self._by_tag(lang))

    def _by_tag(self, lang: str) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.of_lang(lang):
            for tag in entry.tags:
                groups[tag.slug].append(entry)
        return dict(sorted(groups.items()))

    def by_year(self, lang: str) -> dict[int, list[Entry]]:
        return self.placed(("by_year", lang), lambda: self._by_year(lang))

    def _by_year(self, lang: str) -> dict[int, list[Entry]]:
        groups: dict[int, list[Entry]] = defaultdict(list)
        tz = self.config.tz
        for entry in self.of_lang(lang):
            groups[entry.date.astimezone(tz).year].append(entry)
        return dict(sorted(groups.items(), reverse=True))

    def upcoming_events(self, lang: str) -> list[Entry]:
        events = [
            e
            for e in self.of_kind("announcement", lang)
            if not e.withdrawn
            and isinstance(e.meta, Announcement)
            and (e.meta.event.ends or e.meta.event.starts) >= self.now
        ]
        return sorted(events, key=lambda e: (e.meta.event.starts, e.url))

    def plan_completion(self, rows: list[dict]) -> list[dict]:
        """Completion of a plan's due entries per division, for the plan page."""
        return plan_completion(rows, self.config)

    def current_plan(self, lang: str) -> Entry | None:
        today = self.now.astimezone(self.config.tz).date()
        plans = [
            e for e in self.of_kind("media-plan", lang) if not e.withdrawn and isinstance(e.meta, MediaPlan)
        ]
        current = [e for e in plans if e.meta.period.from_ <= today <= e.meta.period.to]
        return (current or plans or [None])[0]


def build_site(
    items: list[Item],
    judgement: Judgement,
    config: Config,
    now: datetime,
    requests: list[Request] | None = None,
    days: WorkingDays | None = None,
    last: Site | None = None,
) -> Site:
    """Keep the visible items and link them together (`days`: for the media requests' deadlines).

    `last` is the site the previous build made, when the caller keeps it (the preview
    server): if no entry has moved since (see `_moved`), its entries are taken over, the
    edited ones given their new items, with the groupings worked out for it (`Site.placed`).
    """
    verdicts = judgement.verdicts
    visible = [
        public_face(as_of(i, now)) if verdicts[i.source].state == State.WITHDRAWN else as_of(i, now)
        for i in items
        if verdicts[i.source].state in VISIBLE
    ]
    today = now.astimezone(config.tz).date()
    media_requests = register(requests or [], config, today, days)
    if last is not None and not _moved(last, visible, verdicts, config):
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
        entry.key, entry.preview = "", False
    return False


def collisions(site: Site, planned: Iterable[tuple[str, Entry | str | None]]) -> list[Problem]:
    """Files of entries (pages, calendars, attachments) and of the site's static/ that
    the build could not write where it plans to (`planned`: outputs.kinds.planned): a path the
    generator writes too, or a folder of its where the file would be, or the other way round.

    An approved `press-releases/page/` with an attachment named `2` would be a file where
    the listing's page 2 needs a folder; `static/search.js/` a folder where the theme's
    script is.  Two entries at one address are DUPLICATE_URL; two of the generator's own
    files at one path would be its bug, not the editors'.
    """
    own: list[tuple[str, Entry | str]] = []
    files: set[str] = set()  # the site's own files
    whole: set[str] = set()  # folders the site claims whole (ending in "/")
    for path, owner in planned:
        if owner is not None:
            own.append((path, owner))
        elif path.endswith("/"):
            whole.add(path)
        else:
            files.add(path)
    ordered = sorted(files)

    def written_in(folder: str) -> str | None:
        """A file the site writes in this folder (or deeper), if any."""
        at = bisect_left(ordered, folder)
        return ordered[at] if at < len(ordered) and ordered[at].startswith(folder) else None

    # Whether a file or a whole folder of the site's is at or above a folder: worked out
    # once per folder (an entry's, and each above it).
    blocked: dict[str, bool] = {"": False}

    def under_site_file(folder: str) -> bool:
        found = blocked.get(folder)
        if found is None:
            parent = folder[: folder.rfind("/", 0, -1) + 1]
            found = folder[:-1] in files or folder in whole or under_site_file(parent)
            blocked[folder] = found
        return found

    problems: list[Problem] = []
    for path, owner in own:
        folder = path[: path.rfind("/") + 1]
        if not under_site_file(folder) and written_in(folder) is None:
            continue  # the site writes nothing in this folder, nor sits above it
        clash = path if path in files else written_in(path + "/")
        for above in _folders(path) if clash is None else ():
            if above[:-1] in files or above in whole:
                clash = above[:-1] if above[:-1] in files else above
                break
        if clash is not None:
            source, line = (owner, 0) if isinstance(owner, str) else _blamed(owner)
            base = site.config.base_path
            problems.append(
                problem(
                    source,
                    line,
                    "error",
                    "URL_COLLISION",
                    name=path.rsplit("/", 1)[-1],
                    url=base + path,
                    other=base + clash.removesuffix("index.html"),
                )
            )
    return problems


def _blamed(entry: Entry) -> tuple[str, int]:
    """The file and line that place an entry's files: its source and its slug."""
    return "content/" + entry.item.source, entry.item.line("slug")


def _folders(path: str) -> Iterator[str]:
    """Each folder a path is in, outermost first: "a/b/c" → "a/", "a/b/"."""
    end = path.find("/")
    while end != -1:
        yield path[: end + 1]
        end = path.find("/", end + 1)


def _resolve_refs(html: str, urls: dict[str, str]) -> str:
    """Turn links to other items' .md files into their URLs; unpublished targets become text."""
    if REF_PREFIX not in html:
        return html

    def swap(match: re.Match[str]) -> str:
        target, fragment, rest, text = match.groups()
        url = urls.get(target)
        if url is None:
            return text
        return f'<a href="{url}{fragment or ""}"{rest}>{text}</a>'

    return _REF_LINK.sub(swap, html)


def plan_rows(entry: Entry, site: Site) -> list[dict]:
    """A media plan's entries with the published item each one points to, and its state
    (worked out once per site: the plan's page, the home page and the open data show them)."""
    return site.memo(("plan_rows", entry.url), lambda: _plan_rows(entry, site))


def _plan_rows(entry: Entry, site: Site) -> list[dict]:
    assert isinstance(entry.meta, MediaPlan)
    today = site.now.astimezone(site.config.tz).date()
    rows = []
    for row in entry.meta.entries:
        target = site.by_source.get((row.ref or "").removeprefix("content/"))
        if target is not None and target.lang != entry.lang:
            target = next((t for t in target.translations if t.lang == entry.lang), target)
        if row.status == "cancelled":
            state = "cancelled"
        elif row.status == "done" or target is not None:
            state = "done"
        elif row.date < today:
            state = "overdue"
        else:
            state = "planned"
        rows.append({"entry": row, "target": target, "state": state})
    return rows


def plan_completion(rows: list[dict], config: Config) -> list[dict]:
    """Done / due per division of a plan's rows (a person counts for their division).

    Entries not yet due (planned, date ahead) and cancelled ones are left out of the
    percentage: a division is judged on what it should have delivered by now.
    """
    counts: dict[str, list[int]] = {}
    for row in rows:
        owner = row["entry"].responsible
        person = config.person(owner)
        division = config.division(person.division if person else owner)
        name = division.name if division else owner
        done_due = counts.setdefault(name, [0, 0])
        if row["state"] in ("done", "overdue"):
            done_due[1] += 1
            done_due[0] += row["state"] == "done"
    return [
        {"name": name, "done": done, "due": due, "percent": round(100 * done / due) if due else None}
        for name, (done, due) in sorted(counts.items())
    ]


def is_rebuttal(entry: Entry) -> bool:
    return isinstance(entry.meta, Rebuttal)
