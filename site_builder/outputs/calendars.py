"""iCalendar (RFC 5545) files: all events, one per event kind, and one per event.

A subscribed calendar client recognises an event by its UID and takes a copy with a
higher SEQUENCE as the newer one, so the UID is derived from the item's stable key and
SEQUENCE counts the public changes; a cancelled event stays in the file with
STATUS:CANCELLED so the cancellation reaches every subscriber.  Every time written
comes from content (the entry's updated time), never from the clock.
"""

from __future__ import annotations

from datetime import UTC
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from site_builder.i18n import translations
from site_builder.load import urls
from site_builder.load.model import Announcement
from site_builder.outputs import Context, Files, Keyed, Planned, lang_prefix
from site_builder.view.entries import Entry
from site_builder.view.site import Site

if TYPE_CHECKING:  # icalendar takes 0.1 s to import: only a build that lays a calendar out does
    from icalendar import Component, Event

KINDS = {
    "press_conference": "Press conferences",
    "briefing": "Briefings",
    "round_table": "Round tables",
    "live_stream": "Live streams",
    "interview": "Interviews",
}


def kind_slug(kind: str) -> str:
    return kind.replace("_", "-")


def events(site: Site, lang: str) -> list[Entry]:
    """Announcements of a language, earliest event first."""

    def make() -> list[Entry]:
        found = [e for e in site.of_kind("announcement", lang) if isinstance(e.meta, Announcement)]
        return sorted(found, key=lambda e: (e.meta.event.starts, e.url))

    return site.memo(("events", lang), make)


def events_by_kind(site: Site, lang: str) -> dict[str, list[Entry]]:
    """A language's announcements by event kind, each earliest first (`events`' order)."""

    def make() -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = {}
        for entry in events(site, lang):
            groups.setdefault(entry.meta.event.kind, []).append(entry)
        return groups

    return site.memo(("events_by_kind", lang), make)


def is_cancelled(entry: Entry) -> bool:
    return entry.withdrawn or entry.meta.event.status == "cancelled"


def sequence(site: Site, entry: Entry) -> int:
    """Number of public changes: every note dated after publication (an event change, a
    correction, the withdrawal) that is already public, plus one for a cancellation.

    Any re-approval of a published event needs such a note (EVENT_CHANGE_NOTE), so the
    count rises with every published change and never falls as time passes.
    """
    notes = [at for at in entry.item.notes if entry.date < at <= site.now]
    return len(notes) + (1 if is_cancelled(entry) else 0)


def uid(site: Site, entry: Entry) -> str:
    host = urlsplit(site.config.site.base_url).hostname or "localhost"
    return f"{entry.lang}/{entry.item.key}@{host}"


def event_ics_path(site: Site, entry: Entry) -> str:
    """Output path of an event's own .ics, next to its page."""
    return entry.url[len(site.config.base_path) :] + "event.ics"


def calendar_links(site: Site, lang: str) -> list[dict]:
    """Every calendar of a language, for the subscribe and open-data pages."""
    gettext = translations(lang, "ui").gettext
    base = site.config.base_path + lang_prefix(site, lang) + "calendar/"
    found = events(site, lang)
    links = [
        {
            "title": gettext("All events"),
            "url": base + "events.ics",
            "count": len(found),
            "webcal": webcal(site, base + "events.ics"),
        }
    ]
    by_kind = events_by_kind(site, lang)
    for kind, title in KINDS.items():
        count = len(by_kind.get(kind, ()))
        if count:
            path = f"{base}{kind_slug(kind)}.ics"
            links.append({"title": gettext(title), "url": path, "count": count, "webcal": webcal(site, path)})
    return links


def webcal(site: Site, path: str) -> str:
    """The webcal:// address of a calendar path, which calendar apps open as a subscription."""
    return "webcal://" + urlsplit(site.config.origin).netloc + path  # the host as a URI has it


def paths(site: Site, root: Path) -> Planned:
    for lang in site.config.languages:
        prefix = lang_prefix(site, lang) + "calendar/"
        yield prefix + "events.ics", None
        for kind in KINDS:
            if events_by_kind(site, lang).get(kind):
                yield f"{prefix}{kind_slug(kind)}.ics", None
        for entry in events(site, lang):
            yield event_ics_path(site, entry), entry


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    for lang in site.config.languages:
        out |= _calendars(site, ctx, lang)
    return out


def _calendars(site: Site, ctx: Context, lang: str) -> Files:
    """A language's calendars, each keyed by its events' keys in order: an edit that
    touches no event makes none of them (nor any event's bytes) again."""
    found = events(site, lang)
    gettext = translations(lang, "ui").gettext
    prefix = lang_prefix(site, lang) + "calendar/"

    @cache
    def ical() -> dict[str, bytes]:
        # Each event is in three calendars (all, its kind, its own): serialise it once, and
        # only when it changed (the cache keeps each event's bytes under its entry's key).
        made = ctx.fragments(
            "ical", lang, {e.key or e.url: partial(_serialise, site, e, lang) for e in found}
        )
        return {entry.url: made[entry.key or entry.url] for entry in found}

    def calendar(name: str, entries: list[Entry], title: str) -> Keyed | bytes:
        make = lambda: build_calendar(site, entries, title, lang, ical())  # noqa: E731
        return ctx.page(lang, ["ics", name, title, *(e.key or e.url for e in entries)], make)

    out: Files = {prefix + "events.ics": calendar("events", found, gettext("All events"))}
    by_kind = events_by_kind(site, lang)
    for kind, title in KINDS.items():
        of_kind = by_kind.get(kind)
        if of_kind:
            out[f"{prefix}{kind_slug(kind)}.ics"] = calendar(kind, of_kind, gettext(title))
    for entry in found:
        out[event_ics_path(site, entry)] = calendar("", [entry], entry.title)
    return out


def _serialise(site: Site, entry: Entry, lang: str) -> bytes:
    return to_ical(vevent(site, entry, lang))


def to_ical(component: Component) -> bytes:
    """`component.to_ical()`, its content lines folded by `fold` (icalendar folds a line
    of Cyrillic text character by character: half the time of a calendar)."""
    return b"".join(fold(line) + b"\r\n" for line in component.content_lines() if line)


LIMIT = 75  # octets a line holds, CRLF not counted (RFC 5545 3.1)


def fold(line: str) -> bytes:
    """A content line folded as RFC 5545 says and icalendar does: pieces of at most
    LIMIT - 1 octets (the continuation's leading space makes them LIMIT), never inside a
    UTF-8 sequence, and never inside an escape ("\\n", "\\\\", RFC 6868's "^^"): a run of
    backslashes or carets is cut only after an even number of them."""
    data = line.encode()
    if len(data) < LIMIT:
        return data
    pieces = []
    start, size = 0, len(data)
    while size - start >= LIMIT:
        end = start + LIMIT - 1
        while data[end] & 0xC0 == 0x80:  # a continuation byte: the character starts before
            end -= 1
        run = end  # where the run of backslashes (or carets) before the cut begins
        while run > 0 and data[run - 1] == data[end - 1] and data[end - 1] in b"\\^":
            run -= 1
        if (end - run) % 2:  # the last one begins an escape: it goes to the next piece whole
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def build_calendar(site: Site, entries: list[Entry], title: str, lang: str, ical: dict[str, bytes]) -> bytes:
    """One VCALENDAR with a VEVENT per entry; times in UTC, lines ending in CRLF.

    `ical` maps entry URLs to their serialised VEVENTs; icalendar folds each content line
    on its own, so a calendar is its header, its events' bytes and the END line.
    """
    from icalendar import Calendar, vText

    config = site.config
    site_title = config.site.titles.get(lang, config.site.title)  # type: ignore[call-overload]
    cal = Calendar()
    cal.add("prodid", f"-//{site_title}//site_builder//{lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # An X- property is not known to be text: unescaped, a newline in a title would end
    # the line (icalendar refuses it with an AssertionError), a ';' or ',' pass as is.
    cal.add("x-wr-calname", vText(f"{site_title} — {title}"))
    cal.add("x-wr-timezone", config.site.timezone)
    end = b"END:VCALENDAR\r\n"
    return to_ical(cal).removesuffix(end) + b"".join(ical[entry.url] for entry in entries) + end


def vevent(site: Site, entry: Entry, lang: str) -> Event:
    from icalendar import Event

    gettext = translations(lang, "ui").gettext
    config = site.config
    event = entry.meta.event
    ev = Event()
    ev.add("uid", uid(site, entry))
    ev.add("dtstamp", entry.updated.astimezone(UTC))
    ev.add("last-modified", entry.updated.astimezone(UTC))
    ev.add("created", entry.date.astimezone(UTC))
    ev.add("sequence", sequence(site, entry))
    ev.add("dtstart", event.starts.astimezone(UTC))
    if event.ends is not None:
        ev.add("dtend", event.ends.astimezone(UTC))
    cancelled = is_cancelled(entry)
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    ev.add("summary", (f"[{gettext('Cancelled')}] " if cancelled else "") + entry.title)
    if event.location:
        ev.add("location", event.location)
    ev.add("url", config.origin + entry.url)
    ev.add("description", "\n\n".join(description(site, entry, lang)))
    return ev


def description(site: Site, entry: Entry, lang: str) -> list[str]:
    """Paragraphs of an event's DESCRIPTION: summary, cancellation, accreditation, changes."""
    gettext = translations(lang, "ui").gettext
    config = site.config
    event = entry.meta.event
    tz = config.tz
    parts: list[str] = []
    if entry.withdrawn and entry.meta.withdrawn:
        parts.append(f"{gettext('Withdrawn')}: {entry.meta.withdrawn.reason}")
    if event.status == "cancelled":
        parts.append(f"{gettext('The event is cancelled.')} {event.cancel_reason or ''}".strip())
    if entry.summary:
        parts.append(entry.summary)
    if event.online_url:
        parts.append(f"{gettext('Online')}: {urls.uri(event.online_url)}")
    accreditation = event.accreditation
    if isinstance(accreditation, str):
        parts.append(f"{gettext('Accreditation')}: {accreditation}")
    elif accreditation is not None:
        text = f"{gettext('Accreditation')}: {accreditation.how}"
        if accreditation.deadline:
            deadline = accreditation.deadline.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            text += f" {gettext('Deadline')}: {deadline} ({config.site.timezone})."
        if accreditation.url:
            text += f" {urls.uri(accreditation.url)}"
        parts.append(text)
    for change in event.changes:
        parts.append(
            f"{gettext('Changes')} {change.at.astimezone(tz).strftime('%Y-%m-%d %H:%M')}: {change.note}"
        )
    parts.append(config.origin + entry.url)
    return parts
