"""An index patched in place for a few changed docs: kept in the cache between builds
(`KeptIndex`) or in the preview server's memory (`LiveIndex`).

Both make a fresh build's files: only the lines of the words the changed docs lose or
gain, the shards and the `d/` chunks those touch are made again.
"""

from __future__ import annotations

import hashlib
import json
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import site_builder.outputs.search.index as index
from site_builder.outputs import Files
from site_builder.outputs.search.documents import Doc
from site_builder.view.site import Site

PATCH_MOST = 64  # changed docs a kept index is patched for; more: rebuilt


class LiveIndex:
    """One language's index as the preview server keeps it between builds, to patch it.

    An edit that leaves every item's date and URL as they were (a body, a title, tags)
    keeps every doc's id: only the postings of the words the changed docs lose or gain,
    the shards of those words' first letters (`index.split_shards`: groups below the root
    are independent) and the changed docs' `d/` chunks are made again.  Anything else — an
    item added, removed, moved in time, a new time zone — builds the index afresh.
    """

    def __init__(self, site: Site, lang: str, keys: list[str], order: list[tuple], docs: list[Doc]):
        self.setting = (lang, str(site.config.tz))
        self.keys, self.order, self.docs = keys, order, docs
        self.postings: defaultdict[str, array] = defaultdict(partial(array, "I"))
        row = index.row_maker(site, lang)
        self.rows, self.texts = [], []
        for number, doc in enumerate(docs):
            index.post(self.postings, number, doc.title_words.split(), doc.words.split())
            self.rows.append(row(doc))
            self.texts.append(index.text_of(doc))
        self.lines = {term: index.line_of(term, found) for term, found in self.postings.items()}
        self.total = sum(map(len, self.lines.values()))
        self.by_letter: defaultdict[str, list[str]] = defaultdict(list)
        for term in sorted(self.lines):
            self.by_letter[term[0]].append(term)
        self.groups = {letter: self._group(letter) for letter in self.by_letter}
        chunk = index.CHUNK
        self.chunks = [
            index.compact_json(self.rows[start : start + chunk]) for start in range(0, len(self.rows), chunk)
        ]
        self.digests: dict[bytes, str] = {}  # see `index.index_files`

    def _group(self, letter: str) -> dict[str, bytes]:
        shards: dict[str, bytes] = {}
        index.split_shards(self.by_letter[letter], 1, self.lines, shards)
        return shards

    def _root_split(self) -> bool:
        return len(self.lines) > 1 and self.total > index.SPLIT  # `split_shards` at depth 0

    def usable(self, site: Site, lang: str, order: list[tuple]) -> bool:
        return self.setting == (lang, str(site.config.tz)) and self.order == order

    def patch(self, site: Site, lang: str, changed: dict[int, tuple[str, Doc]]) -> None:
        """Replace the docs at these ids (same date and URL) with new ones under new keys."""
        split_before = self._root_split()
        row = index.row_maker(site, lang)
        touched: set[str] = set()
        for number, (key, doc) in changed.items():
            for term, value, add in _moves(number, self.docs[number], doc):
                found = self.postings[term]
                if add:
                    found.insert(bisect_left(found, value), value)
                else:
                    del found[bisect_left(found, value)]
                touched.add(term)
            self.keys[number], self.docs[number] = key, doc
            self.rows[number] = row(doc)
            self.texts[number] = index.text_of(doc)
        chunk = index.CHUNK
        for number in {number // chunk for number in changed}:
            self.chunks[number] = index.compact_json(self.rows[number * chunk : number * chunk + chunk])
        letters = set()
        for term in touched:
            self.total -= len(self.lines.get(term, b""))
            found = self.postings.get(term)
            words = self.by_letter[term[0]]
            if not found:
                self.postings.pop(term, None)
                if self.lines.pop(term, None) is not None:
                    del words[bisect_left(words, term)]
            else:
                if term not in self.lines:
                    words.insert(bisect_left(words, term), term)
                self.lines[term] = index.line_of(term, found)
                self.total += len(self.lines[term])
            letters.add(term[0])
        if self._root_split() != split_before:
            letters = set(self.by_letter) | set(self.groups)
        for letter in letters:
            if self.by_letter.get(letter):
                self.groups[letter] = self._group(letter)
            else:
                self.by_letter.pop(letter, None)
                self.groups.pop(letter, None)

    def files(self, lang: str) -> Files:
        if self._root_split():
            shards = {
                key: shard for letter in sorted(self.groups) for key, shard in self.groups[letter].items()
            }
        else:
            shards = index.shards_of(self.lines)
        parts = index.Parts(self.chunks, self.texts, index.facets_of(self.rows))
        return index.index_files(lang, shards, parts, len(self.docs), self.digests)


@dataclass(slots=True)
class KeptIndex:
    """One language's index as a build leaves it in the cache for the next build to patch.

    It holds every word's line (`index.line_of`), the other files' parts, each id's doc key, and
    what decided the ids: the setting and a digest of the ids' (time, URL) pairs.  When the
    next build's first `len(keys)` ids are the same (items edited in place; new items
    published after the newest take the next ids), only the lines of the words its
    changed docs lose or gain, the chunks those docs are in, their texts and the facets are
    made again; the shards
    are split from the lines as a fresh build splits them, so the files are a fresh
    build's.  The old words of a changed doc are read from the cache by its old key; when
    the cache has lost it, or more than PATCH_MOST docs changed, the index is built afresh.
    (The preview server keeps a whole `LiveIndex` in memory instead.)
    """

    setting: tuple[str, str, int]  # language, time zone, docs per chunk
    placed: str  # `placed_digest` of the ids' (time, URL) pairs
    keys: list[str]  # each id's doc key
    lines: dict[str, bytes]  # each word's line, in any order
    parts: index.Parts  # the `d/` and `f/` files and the facets

    def changed(self, setting: tuple, keys: list[str], placed: list[tuple]) -> list[int] | None:
        """The ids to patch for a build with these keys and ids (None: build afresh)."""
        count = len(self.keys)
        if self.setting != setting or len(keys) < count or placed_digest(placed[:count]) != self.placed:
            return None
        found = [n for n in range(count) if self.keys[n] != keys[n]] + list(range(count, len(keys)))
        return found if len(found) <= PATCH_MOST else None

    def patch(
        self,
        site: Site,
        lang: str,
        keys: list[str],
        placed: list[tuple],
        changed: dict[int, tuple[Doc | None, Doc]],
    ) -> bool:
        """Put each changed id's new doc in place of its old one (None: a new id); False
        when the lines turn out not to hold the old docs (the index is then built afresh)."""
        moves: defaultdict[str, list[tuple[int, bool]]] = defaultdict(list)  # word → (value, add)
        for number, (old, new) in changed.items():
            for word, value, add in _moves(number, old, new):
                moves[word].append((value, add))
        for word, changes in moves.items():
            line = self.lines.get(word)
            found = index.values_of(line) if line else array("I")
            for value, add in changes:
                at = bisect_left(found, value)
                if (at < len(found) and found[at] == value) == add:
                    return False  # the lines do not hold what the old docs say: not this index
                if add:
                    found.insert(at, value)
                else:
                    del found[at]
            if found:
                self.lines[word] = index.line_of(word, found)
            else:
                del self.lines[word]
        row = index.row_maker(site, lang)
        chunk = index.CHUNK
        chunks, texts = self.parts.chunks, self.parts.texts
        for number in sorted(changed):
            text = index.text_of(changed[number][1])
            if number < len(texts):
                texts[number] = text
            else:
                texts.append(text)
        for start in sorted({number - number % chunk for number in changed}):
            at = start // chunk
            rows = json.loads(chunks[at]) if at < len(chunks) else []
            for number in range(start, min(start + chunk, len(keys))):
                if number in changed:
                    doc = changed[number][1]
                    if number - start < len(rows):
                        rows[number - start] = row(doc)
                    else:
                        rows.append(row(doc))
            if at < len(chunks):
                chunks[at] = index.compact_json(rows)
            else:
                chunks.append(index.compact_json(rows))
        if changed:
            self.parts.facets = index.facets_of([row for data in chunks for row in json.loads(data)])
        self.keys, self.placed = list(keys), placed_digest(placed)
        return True

    def files(self, lang: str) -> Files:
        return index.index_files(lang, index.shards_of(self.lines), self.parts, len(self.keys))


def _moves(number: int, old: Doc | None, new: Doc) -> Iterator[tuple[str, int, bool]]:
    """How the postings change when doc `number` goes from `old` (None: a new id) to `new`:
    (word, value, True to add it or False to take it out)."""
    for value, before, after in (
        (number * 2 + 1, old.title_words if old else "", new.title_words),
        (number * 2, old.words if old else "", new.words),
    ):
        gone, got = set(before.split()), set(after.split())
        for word in gone - got:
            yield word, value, False
        for word in got - gone:
            yield word, value, True


def setting_of(site: Site, lang: str) -> tuple[str, str, int]:
    """What a `KeptIndex` is kept for besides its ids: language, time zone, docs per chunk."""
    return lang, str(site.config.tz), index.CHUNK


def placed_digest(placed: list[tuple]) -> str:
    """A digest of the ids' (time, URL) pairs: what decided them."""
    return hashlib.sha1(repr(placed).encode()).hexdigest()
