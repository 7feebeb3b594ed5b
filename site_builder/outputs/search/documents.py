"""One entry as the search index sees it (`Doc`): what a result shows and the words it is found by.

A `Doc` depends on its entry alone, so a build caches it under `document_key(entry)`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from site_builder.load.model import Announcement, Question, Rebuttal
from site_builder.outputs.search.words import words
from site_builder.speed import cache
from site_builder.view.entries import Entry

SNIPPET = 220  # characters of body text shown when an item has no summary

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Doc:
    """One entry as the index sees it: what a result shows and the words it is found by."""

    url: str
    lang: str
    kind: str
    title: str
    date: datetime
    snippet: str
    withdrawn: bool
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
        snippet = withdrawal.reason if withdrawal else ""
        parts = [snippet]
    else:
        body = html.unescape(_TAG.sub(" ", entry.html))
        snippet = entry.summary or _cut(_SPACE.sub(" ", body[: SNIPPET * 3]).strip(), SNIPPET)
        parts = [entry.summary, body, *(tag.name for tag in entry.tags), *_fields(entry)]
    in_title = words(entry.title)
    other = words(" ".join(parts)) - in_title
    doc = Doc(
        url=entry.url,
        lang=entry.lang,
        kind=entry.kind,
        title=entry.title,
        date=entry.date,
        snippet=snippet,
        withdrawn=entry.withdrawn,
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
    """Texts of an item's page besides its body: a rebuttal's claims, an event's place and
    speakers, a citizen's question (and its asker, when named on the page)."""
    meta = entry.meta
    found: list[str] = []
    if isinstance(meta, Rebuttal):
        if meta.original:
            found += [meta.original.outlet, meta.original.title]
        for fact in meta.facts:
            found += [fact.claim, fact.fact]
    elif isinstance(meta, Announcement):
        event = meta.event
        found += [event.location or "", event.cancel_reason or ""]
        for speaker in event.speakers:
            found += [speaker] if isinstance(speaker, str) else [speaker.name, speaker.position]
    elif isinstance(meta, Question):
        found.append(meta.question)
        if meta.asker.public and meta.asker.name:
            found.append(meta.asker.name)
    return found


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.—-") + "…"
