"""The published versions of an entry as its pages show them (judge/record.py reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from site_builder.judge.record import Version
from site_builder.load.model import Announcement
from site_builder.view.entries import Entry
from site_builder.view.site import Site


@dataclass(frozen=True)
class Shown:
    """One version as its page and the item's «Версии» list show it."""

    number: int
    url: str
    went: datetime
    event: str  # judge/record.py's EVENTS
    note: str
    content: str  # its content hash, as the log names it
    version: Version

    @property
    def anchor(self) -> str:
        return f"v{self.number}"


def shown(site: Site, entry: Entry) -> list[Shown]:
    """The versions of an entry that have pages (none when it has had only one), oldest first."""
    found = site.record.of(entry.item.source)
    # They end at the version its page shows: an item held back for its errors shows the
    # version it keeps (judge/held.py), and history's later ones are not shown as published.
    shows = [index for index, v in enumerate(found) if v.item.digest == entry.item.digest]
    if shows:
        found = found[: shows[-1] + 1]
    if len(found) < 2:
        return []
    return [
        Shown(v.number, f"{entry.url}v{v.number}/", v.went, v.event, v.note, v.item.digest, v) for v in found
    ]


def diff_url(site: Site, entry: Entry, anchor: str) -> str | None:
    """The version page showing the change a changes-feed entry is about (`anchor`:
    correction-N, event-change-N, withdrawn, cancelled), if it has one."""
    kind, _, number = anchor.rpartition("-")
    for version in shown(site, entry)[1:]:
        meta = version.version.item.meta
        if anchor == "withdrawn":
            hit = version.event == "withdrawn"
        elif anchor == "cancelled":
            hit = version.event == "cancelled"
        elif kind == "correction":
            hit = len(meta.corrections) >= int(number)
        elif kind == "event-change" and isinstance(meta, Announcement):
            hit = len(meta.event.changes) >= int(number)
        else:
            hit = False
        if hit:
            return version.url + "#changes"
    return None
