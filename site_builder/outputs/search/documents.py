"""One entry as the search index sees it (`Doc`): what a result shows and the words it is found by.

A `Doc` depends on its entry alone, so a build caches it under `document_key(entry)`.
Everything a reader sees on a published item's page is read: the summary, the body, the
tags, the corrections, and its kind's own fields (a rebuttal's original publication and
claims and facts, an event's place, accreditation, speakers and changes, a media
plan's entries: topic, outlet, format).  What the page does not show (authors,
approvals, a plan entry's responsible person and reference, evidence URLs) is never read.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from site_builder.i18n import translations
from site_builder.load.model import Announcement, MediaPlan, Question, Rebuttal
from site_builder.outputs.search.words import words
from site_builder.speed import cache
from site_builder.view.entries import Entry

TEXT_MOST = 16_000  # characters of an item's text kept for excerpts (its words are all indexed)

# The headings and labels a kind's page shows for its fields (their msgids, templates/*.html)
EVENTS = {
    "press_conference": "Press conference",
    "briefing": "Briefing",
    "round_table": "Round table",
    "live_stream": "Live stream",
    "interview": "Interview",
}
VERDICTS = {
    "false": "False information",
    "distorted": "Distorted information",
    "accurate": "Accurate; official comment",
}
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class Doc:
    """One entry as the index sees it: what a result shows and the words it is found by."""

    url: str
    lang: str
    kind: str
    title: str
    date: datetime
    text: str  # the page's text as a reader sees it, blocks on lines of their own (at most TEXT_MOST)
    withdrawn: bool
    division: str  # the division's id, or ""
    title_words: str  # distinct normalised words of the title, space-separated, in no order
    words: str  # the entry's other distinct words (not in the title), likewise


def document(entry: Entry) -> Doc:
    """What the index needs of one entry; depends on nothing else (see `document_key`).

    A withdrawn entry is found by its title and the public reason only, as its notice
    page shows them; the body and summary it had are not read.
    """
    return read_document(entry)[0]


Words = Iterable[str]


def read_document(entry: Entry) -> tuple[Doc, Words, Words]:
    """`document`, and its title words and other words as they were found (the doc keeps
    them joined, to be cached; a build that has just read them need not split them again)."""
    if entry.withdrawn:
        withdrawal = entry.meta.withdrawn
        parts = [withdrawal.reason if withdrawal else ""]
    else:
        body = html.unescape(_TAG.sub(" ", entry.html))
        parts = [entry.summary or "", body, *_fields(entry), " ".join(tag.name for tag in entry.tags)]
    # As it is: the HTML's blocks are on lines of their own, and a browser shows a run
    # of blanks as one space (normalising it here would cost a build a tenth of a second).
    text = "\n".join(parts)
    in_title = words(entry.title)
    other = words(text) - in_title
    doc = Doc(
        url=entry.url,
        lang=entry.lang,
        kind=entry.kind,
        title=entry.title,
        date=entry.date,
        text=_cut(text, TEXT_MOST),
        withdrawn=entry.withdrawn,
        division=entry.division.id if entry.division else "",
        title_words=" ".join(in_title),
        words=" ".join(other),
    )
    return doc, in_title, other


def with_words(doc: Doc) -> tuple[Doc, Words, Words]:
    """A doc as `read_document` gives it: with its title words and other words split."""
    return doc, doc.title_words.split(), doc.words.split()


def document_key(entry: Entry) -> str:
    """A cache key for `document(entry)`: everything it reads, and this code's version.

    A sealed entry's key (Site.seal) covers it all: the file, its URL, state and tags, and
    the targets of its links.  Otherwise: the file's fingerprint (its bytes and the parse
    settings: title, summary, the withdrawal, a rebuttal's or event's fields) and what the
    build made of it.
    """
    if entry.key:  # both of fixed length: joined, they name one pair
        return cache.code_fingerprint() + entry.key
    return cache.key(
        cache.code_fingerprint(),
        entry.item.fingerprint,
        entry.kind,
        entry.lang,
        entry.date.isoformat(),
        entry.url,
        "withdrawn" if entry.withdrawn else "",
        entry.html,
        *(tag.name for tag in entry.tags),
    )


def _fields(entry: Entry) -> list[str]:
    """Texts of an item's page besides its summary, body and tags, as the page shows them
    (templates rebuttal.html, announcement.html, media-plan.html, question.html and item.html):
    a citizen's question, and its asker only when named on the page."""
    meta = entry.meta
    label = translations(entry.lang, "ui").gettext
    found: list[str] = []
    if isinstance(meta, Rebuttal):
        if meta.original:
            found += [meta.original.outlet, meta.original.title, label(VERDICTS[meta.verdict])]
        for fact in meta.facts:
            found += [fact.claim, fact.fact]
    elif isinstance(meta, Announcement):
        event = meta.event
        found.append(label(EVENTS[event.kind]))
        if event.status == "cancelled":
            found += [label("The event is cancelled."), event.cancel_reason or ""]
        found.append(event.location or "")
        accreditation = event.accreditation
        if accreditation:
            found.append(accreditation if isinstance(accreditation, str) else accreditation.how)
        for speaker in event.speakers:
            named = [speaker] if isinstance(speaker, str) else [speaker.name, speaker.position]
            found.append(", ".join(filter(None, named)))
        found += [change.note for change in event.changes]
    elif isinstance(meta, MediaPlan):
        for row in meta.entries:  # the plan table's texts (not its responsible person or reference)
            found.append(" · ".join(filter(None, [row.topic, row.outlet, row.format])))
    elif isinstance(meta, Question):
        found.append(meta.question)
        if meta.asker.public and meta.asker.name:
            found.append(meta.asker.name)
    found += [correction.note for correction in meta.corrections]
    return [text for text in found if text]


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(None, 1)[0].rstrip(" ,;:.—-") + "…"
