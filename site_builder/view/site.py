"""The published site as views: what templates and feeds may see, and nothing else.

Only items judged PUBLISHED or WITHDRAWN become entries (view/publish.py); every listing,
feed, page and index is built from these entries, so an unpublished item cannot leak by
construction.  Here: the site, its groupings and keys, and the media plans' progress.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from site_builder.judge import plan, questions
from site_builder.judge.mediarequests import Register, Tally
from site_builder.judge.record import Record
from site_builder.load.config import Config
from site_builder.load.model import Announcement, MediaPlan, Question
from site_builder.speed import cache
from site_builder.view.entries import Entry, Tag

T = TypeVar("T")


@dataclass
class Site:
    config: Config
    now: datetime
    entries: list[Entry]  # every visible entry, newest first
    by_source: dict[str, Entry]
    tags: dict[str, Tag]
    media_requests: Register = field(default_factory=lambda: Register([], Tally("total"), []))
    # Attachments published without their metadata (judge/attachments.py): source → SHA-256
    # of the file's bytes, which names the copy the check made.
    cleaned: dict[str, str] = field(default_factory=dict)
    record: Record = field(default_factory=Record)  # every published version, and the log (judge/record.py)
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
        versions = tuple(f"{v.blob}:{v.went.isoformat()}" for v in self.record.of(item.source))
        if isinstance(item.meta, Announcement):
            event = item.meta.event
            return bisect_right(item.notes, now), (event.ends or event.starts) >= now, versions
        return bisect_right(item.notes, now), versions

    def entry_state(self, entry: Entry) -> list[str]:
        """What an entry's pages and feed items show, `now` included only through its effects."""
        item = entry.item
        parts = [item.fingerprint, entry.url, str(entry.withdrawn), str(entry.preview or False)]
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

    def event_questions(self, entry: Entry) -> list[Entry]:
        """The citizens' questions attached to an announcement's event, in its language, to
        be shown on its page: none until the event took place (judge/questions.py), none of
        a withdrawn one; in the order they were asked."""
        meta = entry.meta
        if entry.withdrawn or not isinstance(meta, Announcement) or not questions.took_place(meta, self.now):
            return []
        attached = self.memo(("event_questions", entry.lang), lambda: self._event_questions(entry.lang))
        return attached.get(entry.item.key, [])

    def question_event(self, entry: Entry) -> Entry | None:
        """The published announcement a question is attached to, in the question's language
        where it has a version in it."""
        meta = entry.meta
        if entry.withdrawn or not isinstance(meta, Question) or not meta.event:
            return None
        events = self.memo("events_by_key", self._events_by_key)
        found = events.get(questions.event_key(meta.event), [])
        return next((e for e in found if e.lang == entry.lang), found[0] if found else None)

    def _events_by_key(self) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for e in self.entries:
            if e.kind == "announcement" and not e.withdrawn:
                groups[e.item.key].append(e)
        return groups

    def _event_questions(self, lang: str) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for e in self.of_kind("question", lang):
            if not e.withdrawn and isinstance(e.meta, Question) and e.meta.event:
                groups[questions.event_key(e.meta.event)].append(e)
        for group in groups.values():
            group.sort(key=lambda e: (str(e.meta.asked), e.url))
        return groups

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


def plan_rows(entry: Entry, site: Site) -> list[dict]:
    """A media plan's entries with the published item each one points to, and its state
    (worked out once per site: the plan's page, the home page and the open data show them)."""
    return site.memo(("plan_rows", entry.url), lambda: _plan_rows(entry, site))


def _plan_rows(entry: Entry, site: Site) -> list[dict]:
    """Each row's `state` is judge/plan.py's: the warnings and every output go by it.  Its
    `target` is the published (or withdrawn) item it links, as a link: a draft shown by
    `serve --drafts` is linked, but is not out."""
    assert isinstance(entry.meta, MediaPlan)
    today = site.now.astimezone(site.config.tz).date()
    rows = []
    for row in entry.meta.entries:
        target = site.by_source.get((row.ref or "").removeprefix("content/"))
        if target is not None and target.lang != entry.lang:
            target = next((t for t in target.translations if t.lang == entry.lang), target)
        out = None if target is None or target.preview else plan.Target(target.meta, target.withdrawn)
        rows.append({"entry": row, "target": target, "state": plan.state(row, out, site.now, today)})
    return rows


def plan_completion(rows: list[dict], config: Config) -> list[dict]:
    """Done / due per division of a plan's rows (a person counts for their division).

    Entries not yet due (planned, date ahead; announced, the event ahead) and cancelled
    ones are left out of the percentage: a division is judged on what it should have
    delivered by now.
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
