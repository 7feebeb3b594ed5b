"""Full-text search on static hosting: a search page per language and a sharded word index.

The index is made from the site's entries (never from content/), so only published items
can be found, and a withdrawn item only by its title and public reason: its body is not
an entry's to give.  It is built in two steps, so a build can spread and cache the work:

- `document(entry)` reads one entry into a `Doc` (a small picklable record: what a result
  shows and the entry's distinct normalised words); it depends on that entry alone, so it
  is cached under `document_key(entry)`;
- `assemble(site, lang, docs)` turns the docs of one language into the index files.

Files under `search/<lang>/` (JSON, UTF-8, compact, sorted keys, nothing from the clock):

- `index.json`: `{"chunk": C, "count": N, "endings": […], "min_stem": M, "shards": [KEY, …],
  "version": V}` (`endings`: see `ENDINGS`).
- `w/<KEY>.json`, one term shard per word prefix: `{"word": [d1, d2, …], …}`.  The
  numbers are the gaps between successive values `2 × doc id + (1 if the word is in the
  title)`.  A small site has one shard, key "" (`w/0.json`); a shard that would be too
  big is split by the next letter of its words, up to `MAX_KEY` letters, and a word that
  is its key's whole length stays in the key's own shard.  So a word's shard is found by
  walking down its letters while the shard list has longer keys below the current one.
  A file name is the key's code points in hex: `w/440-435.json` is "ре".
- `d/<n>.json`: docs `n × C … n × C + C - 1` as `[url, title, kind, day, day text,
  snippet, withdrawn]`.

Doc ids count from the oldest item (by date, then URL), so they are the same in every
build, a higher id is a newer item, and a newly published item takes the next id: the
files it changes are its words' shards, the last metadata chunk and `index.json`.  A
build with the cache patches the index the last one kept (`_Kept`) for such a change and
for items edited in place; the preview server patches the one it holds (`_Index`).

`static/search.js` looks every query word up as a prefix of the indexed words ("ремонт"
finds "ремонта"), after taking a case ending off it ("вода" also finds "воды"), and
fetches `index.json` revalidated and the rest with `?v=VERSION`, so a browser never mixes
two builds' files.
"""

from __future__ import annotations

import hashlib
import html
import json
import pickle
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from itertools import accumulate
from operator import sub
from pathlib import Path

from site_builder.load.model import Announcement, Rebuttal
from site_builder.outputs import Context, Files, Keyed, Planned, lang_prefix
from site_builder.outputs.render import day_format
from site_builder.outputs.render import render as template
from site_builder.outputs.sitedata import SiteData
from site_builder.speed import cache
from site_builder.speed.cache import Cache
from site_builder.view.entries import Entry
from site_builder.view.site import Site

FOLDER = "search/"
CHUNK = 50  # docs per metadata file: one page of results fetches a few small files
SPLIT = 48_000  # bytes: a bigger shard is split by the next letter of its words…
MAX_KEY = 5  # … up to keys this long
SNIPPET = 220  # characters of body text shown when an item has no summary
PACK = 2000  # docs per cache pack
PATCH_MOST = 64  # changed docs a kept index is patched for (`_Kept`, `_Index`); more: rebuilt
KEPT = "search-kept"  # cache bucket: each language's `_Kept`, by its code

# Endings a query word may lose before it is looked up as a prefix, so a word typed in
# one form finds the others: "вода" → "вод" (воды, водой), "мектептерге" → "мектеп"
# (мектептин, мектепке).  The client strips the longest one that leaves MIN_STEM
# letters, again until none does, and ranks items with the word as typed first.  Only
# queries are stemmed: the index keeps words as written, for the prefix match.
ENDINGS = {
    "ru": (  # space-separated
        "ами ями ого его ому ему ыми ими ией ать ять ить еть ая яя ое ее ые ие ый ий ой ей ую юю"
        " ых их ым им ом ем ах ях ам ям ов ев ию ия ии а я о е и ы у ю ь й"
    ),
    "ky": (
        "лар лер лор лөр дар дер дор дөр тар тер тор төр нын нин нун нүн дын дин дун дүн тын тин"
        " тун түн дан ден дон дөн тан тен тон төн нан нен нон нөн дагы деги догу дөгү тагы теги"
        " тогу төгү нда нде ндо ндө га ге го гө ка ке ко кө да де до дө та те то тө ны ни ну нү"
        " ды ди ду дү ты ти ту тү сы си су сү ым им ум үм ың иң уң үң ы и у ү"
    ),
    "en": "ing ed es s",
}
MIN_STEM = 3

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[^\W_]{2,}")  # runs of letters and digits, one-letter words dropped
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


def normalise(text: str) -> str:
    """Lower case, ё as е, composed characters: the form words are indexed and looked up in."""
    return unicodedata.normalize("NFC", text).lower().replace("ё", "е")


def words(text: str) -> set[str]:
    r"""The distinct normalised words of a text: runs of letters and digits, two or more long.

    The same as `set(_WORD.findall(normalise(text)))`, a fifth faster: most blank-separated
    pieces of a text are a word already (`isalnum` is `[^\W_]` for every character), so
    only the pieces with punctuation in them go through the pattern.
    """
    found: set[str] = set()
    for piece in set(normalise(text).split()):
        if piece.isalnum():
            if len(piece) > 1:
                found.add(piece)
        else:
            found.update(_WORD.findall(piece))
    return found


def document(entry: Entry) -> Doc:
    """What the index needs of one entry; depends on nothing else (see `document_key`).

    A withdrawn entry is found by its title and the public reason only, as its notice
    page shows them; the body and summary it had are not read.
    """
    return _read(entry)[0]


Words = Iterable[str]


def _read(entry: Entry) -> tuple[Doc, Words, Words]:
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


def _split_words(doc: Doc) -> tuple[Doc, Words, Words]:
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


def assemble(site: Site, lang: str, docs: Iterable[Doc]) -> Files:
    """The index files of one language (see the module docstring) from its docs, in any order."""
    ordered = sorted(docs, key=lambda d: (d.date.timestamp(), d.url))
    return _assemble(site, lang, map(_split_words, ordered))[0]


def _assemble(
    site: Site, lang: str, ordered: Iterable[tuple[Doc, Words, Words]]
) -> tuple[Files, dict[str, bytes], list[bytes]]:
    """`assemble` for docs already in id order, with their words, taken one at a time: a
    doc's words can be let go as soon as they are in the postings.  Also every word's
    line and the `d/` chunks, which a build keeps to patch (see `_Kept`)."""
    postings: defaultdict[str, array] = defaultdict(partial(array, "I"))
    row = _rows(site, lang)
    rows = []
    for number, (doc, title_words, other_words) in enumerate(ordered):
        _post(postings, number, title_words, other_words)
        rows.append(row(doc))
    chunks = [_json(rows[start : start + CHUNK]) for start in range(0, len(rows), CHUNK)]
    lines = _lines(postings)  # empties `postings`, so it and the lines are not both whole
    return _files(lang, _shards(lines), chunks, len(rows)), lines, chunks


def _post(postings: dict[str, array], number: int, title_words: Words, other_words: Words) -> None:
    value = number * 2 + 1  # in the title
    for word in title_words:
        postings[word].append(value)
    value -= 1
    for word in other_words:
        postings[word].append(value)


def _rows(site: Site, lang: str) -> Callable[[Doc], list]:
    """A doc's row in the `d/` files: [url, title, kind, day, day text, snippet, withdrawn]."""
    day = day_format(lang)
    tz = site.config.tz
    days: dict[date, tuple[str, str]] = {}

    def row(doc: Doc) -> list:
        local = doc.date.astimezone(tz).date()
        if local not in days:  # Babel is slow and items share days
            days[local] = (local.isoformat(), day(local))
        iso, text = days[local]
        return [doc.url, doc.title, doc.kind, iso, text, doc.snippet, 1 if doc.withdrawn else 0]

    return row


def _files(
    lang: str,
    shards: dict[str, bytes],
    chunks: list[bytes],
    count: int,
    digests: dict[bytes, str] | None = None,
) -> Files:
    """A language's index files from its shards and its `d/` chunks.

    `digests` (the preview server's patched index) is every file's SHA-1 by its bytes
    from the last build, filled with this build's: then each file is `Keyed` by it, so
    one an edit left as it was is neither hashed nor compared again.
    """
    folder = f"{FOLDER}{lang}/"
    found: dict[str, bytes] = {}
    for key, shard in shards.items():
        found[f"{folder}w/{_file_name(key)}.json"] = shard
    for number, chunk in enumerate(chunks):
        found[f"{folder}d/{number}.json"] = chunk
    known = {} if digests is None else digests.copy()
    if digests is not None:
        digests.clear()
    version = hashlib.sha256()
    out: Files = {}
    for rel in sorted(found):
        data = found[rel]
        digest = known.get(data) or hashlib.sha1(data).hexdigest()
        version.update(rel.encode() + b"\0" + digest.encode())
        if digests is None:
            out[rel] = data
        else:  # the digest is the writer's, so an unchanged file is kept by its key alone
            digests[data] = digest
            out[rel] = Keyed(digest, partial(bytes, data))
    out[f"{folder}index.json"] = _json(
        {
            "chunk": CHUNK,
            "count": count,
            "endings": sorted(set(ENDINGS.get(lang, "").split()), key=lambda e: (-len(e), e)),
            "min_stem": MIN_STEM,
            "shards": sorted(shards),
            "version": version.hexdigest()[:16],
        }
    )
    return out


class _Index:
    """One language's index as the preview server keeps it between builds, to patch it.

    An edit that leaves every item's date and URL as they were (a body, a title, tags)
    keeps every doc's id: only the postings of the words the changed docs lose or gain,
    the shards of those words' first letters (`_split`: groups below the root are
    independent) and the changed docs' `d/` chunks are made again.  Anything else — an
    item added, removed, moved in time, a new time zone — builds the index afresh.
    """

    def __init__(self, site: Site, lang: str, keys: list[str], order: list[tuple], docs: list[Doc]):
        self.setting = (lang, str(site.config.tz))
        self.keys, self.order, self.docs = keys, order, docs
        self.postings: defaultdict[str, array] = defaultdict(partial(array, "I"))
        row = _rows(site, lang)
        self.rows = []
        for number, doc in enumerate(docs):
            _post(self.postings, number, doc.title_words.split(), doc.words.split())
            self.rows.append(row(doc))
        self.lines = {term: _entry(term, found) for term, found in self.postings.items()}
        self.total = sum(map(len, self.lines.values()))
        self.by_letter: defaultdict[str, list[str]] = defaultdict(list)
        for term in sorted(self.lines):
            self.by_letter[term[0]].append(term)
        self.groups = {letter: self._group(letter) for letter in self.by_letter}
        self.chunks = [_json(self.rows[start : start + CHUNK]) for start in range(0, len(self.rows), CHUNK)]
        self.digests: dict[bytes, str] = {}  # see `_files`

    def _group(self, letter: str) -> dict[str, bytes]:
        shards: dict[str, bytes] = {}
        _split(self.by_letter[letter], 1, self.lines, shards)
        return shards

    def _root_split(self) -> bool:
        return len(self.lines) > 1 and self.total > SPLIT  # `_split` at depth 0

    def usable(self, site: Site, lang: str, order: list[tuple]) -> bool:
        return self.setting == (lang, str(site.config.tz)) and self.order == order

    def patch(self, site: Site, lang: str, changed: dict[int, tuple[str, Doc]]) -> None:
        """Replace the docs at these ids (same date and URL) with new ones under new keys."""
        split_before = self._root_split()
        row = _rows(site, lang)
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
        for number in {number // CHUNK for number in changed}:
            self.chunks[number] = _json(self.rows[number * CHUNK : number * CHUNK + CHUNK])
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
                self.lines[term] = _entry(term, found)
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
            shards = _shards(self.lines)
        return _files(lang, shards, self.chunks, len(self.docs), self.digests)


@dataclass(slots=True)
class _Kept:
    """One language's index as a build leaves it in the cache for the next build to patch.

    It holds every word's line (`_entry`), the `d/` chunks, each id's doc key, and what
    decided the ids: the setting and a digest of the ids' (time, URL) pairs.  When the
    next build's first `len(keys)` ids are the same (items edited in place; new items
    published after the newest take the next ids), only the lines of the words its
    changed docs lose or gain and the chunks those docs are in are made again; the shards
    are split from the lines as a fresh build splits them, so the files are a fresh
    build's.  The old words of a changed doc are read from the cache by its old key; when
    the cache has lost it, or more than PATCH_MOST docs changed, the index is built afresh.
    (The preview server keeps a whole `_Index` in memory instead.)
    """

    setting: tuple[str, str, int]  # language, time zone, docs per chunk
    placed: str  # `_placed` of the ids' (time, URL) pairs
    keys: list[str]  # each id's doc key
    lines: dict[str, bytes]  # each word's line, in any order
    chunks: list[bytes]  # the `d/` files

    def changed(self, setting: tuple, keys: list[str], placed: list[tuple]) -> list[int] | None:
        """The ids to patch for a build with these keys and ids (None: build afresh)."""
        count = len(self.keys)
        if self.setting != setting or len(keys) < count or _placed(placed[:count]) != self.placed:
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
            found = _values(line) if line else array("I")
            for value, add in changes:
                at = bisect_left(found, value)
                if (at < len(found) and found[at] == value) == add:
                    return False  # the lines do not hold what the old docs say: not this index
                if add:
                    found.insert(at, value)
                else:
                    del found[at]
            if found:
                self.lines[word] = _entry(word, found)
            else:
                del self.lines[word]
        row = _rows(site, lang)
        for start in sorted({number - number % CHUNK for number in changed}):
            at = start // CHUNK
            rows = json.loads(self.chunks[at]) if at < len(self.chunks) else []
            for number in range(start, min(start + CHUNK, len(keys))):
                if number in changed:
                    doc = changed[number][1]
                    if number - start < len(rows):
                        rows[number - start] = row(doc)
                    else:
                        rows.append(row(doc))
            if at < len(self.chunks):
                self.chunks[at] = _json(rows)
            else:
                self.chunks.append(_json(rows))
        self.keys, self.placed = list(keys), _placed(placed)
        return True

    def files(self, lang: str) -> Files:
        return _files(lang, _shards(self.lines), self.chunks, len(self.keys))


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


def _placed(placed: list[tuple]) -> str:
    return hashlib.sha1(repr(placed).encode()).hexdigest()


def paths(site: Site, root: Path) -> Planned:
    """The search pages, and each language's index folder (its files are named by words)."""
    for lang in site.config.languages:
        yield f"{lang_prefix(site, lang)}search/index.html", None
    for lang in dict.fromkeys([*site.config.languages, *(entry.lang for entry in site.entries)]):
        yield f"{FOLDER}{lang}/", None


def pages(site: Site, ctx: Context) -> Files:
    """The search page of every language (`{prefix}search/index.html`)."""
    out: Files = {}
    for lang in site.config.languages:
        prefix = lang_prefix(site, lang)
        base = site.config.base_path + prefix
        out[f"{prefix}search/index.html"] = template(
            ctx.env(lang),
            "search.html",
            page_url=f"{base}search/",
            base=base,
            prefix=prefix,
            feeds=[],
            site_data=SiteData.of(site),
            index=f"{site.config.base_path}{FOLDER}{lang}/",
        )
    return out


def render(site: Site, ctx: Context, store: Cache | None = None) -> Files:
    """The search pages and every language's index, in one process.

    Entries are read in id order and each doc's words go into the postings straight
    away; a doc made now is let go once it is there (cached ones come from the cache all
    at once).  Docs are kept in the cache's packed "search" bucket by `document_key`, so
    an edit re-reads one entry; a build with a disk cache patches the index the last one
    kept (`_Kept`), the preview server the one it holds (`_Index`), when they can.  This
    runs in the build's main process beside the render workers (see build.render_site).
    """
    store = store or Cache(None)
    entries, ids_of, placed_of = site.placed("search-order", partial(_order, site))
    keys = [document_key(entry) for entry in entries] if store.folder else [""] * len(entries)
    languages = list(dict.fromkeys([*site.config.languages, *(entry.lang for entry in entries)]))
    patches: dict[str, tuple[_Kept, list[int]]] = {}
    if store.folder and store.memory is None:
        for lang in languages:
            kept = store.get(KEPT, lang)
            ids = ids_of.get(lang, [])
            if isinstance(kept, _Kept):
                changed = kept.changed(_setting(site, lang), [keys[i] for i in ids], placed_of.get(lang, []))
                if changed is not None:
                    patches[lang] = (kept, changed)
    # The docs to read: a patch's changed ones (and their old versions), or all.
    wanted = [i for lang in languages if lang not in patches for i in ids_of.get(lang, [])]
    wanted += [ids_of[lang][n] for lang, (_, changed) in patches.items() for n in changed]
    old_keys = [kept.keys[n] for kept, changed in patches.values() for n in changed if n < len(kept.keys)]
    found = store.get_many("search", [keys[i] for i in wanted] + old_keys)
    known: list[Doc | None] = [None] * len(entries)
    for index, doc in zip(wanted, found, strict=False):
        known[index] = doc
    old_docs = dict(zip(old_keys, found[len(wanted) :], strict=True))
    fresh: dict[str, bytes] = {}

    def read_at(index: int, split: bool = True) -> tuple[Doc, Words, Words]:
        """The entry's doc and its words, from the cache or read now (and put in the cache);
        a cached doc's words are split only when `split`."""
        doc, known[index] = known[index], None  # let it go once it is in the postings
        if isinstance(doc, Doc):
            return _split_words(doc) if split else (doc, (), ())
        found = _read(entries[index])
        if store.folder:
            fresh[keys[index]] = pickle.dumps(found[0], pickle.HIGHEST_PROTOCOL)
            store.remember("search", keys[index], found[0])
            if len(fresh) >= PACK:
                store.put_many("search", fresh)
                fresh.clear()
        return found

    def doc_at(index: int) -> Doc:
        return read_at(index, split=False)[0]

    out = pages(site, ctx)
    for lang in languages:
        ids, placed = ids_of.get(lang, []), placed_of.get(lang, [])
        if lang in patches:
            kept, changed = patches[lang]
            olds = {n: old_docs[kept.keys[n]] if n < len(kept.keys) else None for n in changed}
            new = {n: (olds[n], doc_at(ids[n])) for n in changed}
            if all(isinstance(old, Doc) for n, (old, _) in new.items() if n < len(kept.keys)) and kept.patch(
                site, lang, [keys[i] for i in ids], placed, new
            ):
                out |= kept.files(lang)
                if changed:  # else the cache holds it as it is
                    store.put(KEPT, lang, kept)
                continue
            # The cache lost an old doc, or holds another index: build afresh, with every doc.
            missing = [i for i in ids if known[i] is None]
            for index, doc in zip(missing, store.get_many("search", [keys[i] for i in missing]), strict=True):
                known[index] = doc
        if store.memory is None:
            files, lines, chunks = _assemble(site, lang, map(read_at, ids))
            out |= files
            if store.folder:  # for the next build to patch
                store.put(
                    KEPT,
                    lang,
                    _Kept(_setting(site, lang), _placed(placed), [keys[i] for i in ids], lines, chunks),
                )
            del files, lines, chunks
            continue
        # The preview server: patch the index it kept from the last build when it can.
        index = store.recall("search-index", lang)
        usable = isinstance(index, _Index) and index.usable(site, lang, placed)
        changes = {n: i for n, i in enumerate(ids) if usable and index.keys[n] != keys[i]}
        if usable and len(changes) <= PATCH_MOST:
            store.remember("search-index", lang, None)  # a patch that fails half-way is not kept
            index.patch(site, lang, {n: (keys[i], doc_at(i)) for n, i in changes.items()})
        else:
            index = _Index(site, lang, [keys[i] for i in ids], placed, [doc_at(i) for i in ids])
        store.remember("search-index", lang, index)
        out |= index.files(lang)
    store.put_many("search", fresh)
    store.compact("search", set(keys))
    return out


def _setting(site: Site, lang: str) -> tuple[str, str, int]:
    return lang, str(site.config.tz), CHUNK


def _order(site: Site) -> tuple[list[Entry], dict[str, list[int]], dict[str, list[tuple]]]:
    """The entries in id order (by language, then date and URL) and, per language, their
    positions and what decides their ids there: worked out once per placing of entries."""
    order = {lang: number for number, lang in enumerate(site.config.languages)}
    entries = sorted(site.entries, key=lambda e: (order.get(e.lang, len(order)), e.item.stamp, e.url))
    ids: dict[str, list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        ids[entry.lang].append(index)
    placed = {lang: [(entries[i].item.stamp, entries[i].url) for i in at] for lang, at in ids.items()}
    return entries, dict(ids), placed


def _fields(entry: Entry) -> list[str]:
    """Texts of an item's page besides its body: a rebuttal's claims, an event's place and speakers."""
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
    return found


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.—-") + "…"


def _file_name(key: str) -> str:
    return "-".join(f"{ord(c):x}" for c in key) or "0"  # U+0000 is in no word


def _lines(postings: dict[str, array]) -> dict[str, bytes]:
    """Every word's `"word":[gaps…]` in word order; `postings` is emptied on the way."""
    return {word: _entry(word, postings.pop(word)) for word in sorted(postings)}


def _shards(lines: dict[str, bytes]) -> dict[str, bytes]:
    """Term shards by word prefix, each `{"word": [gaps…], …}` as bytes (see the module
    docstring), from every word's line."""
    shards: dict[str, bytes] = {}
    _split(sorted(lines), 0, lines, shards)
    return shards


def _split(words: list[str], depth: int, lines: dict[str, bytes], shards: dict[str, bytes]) -> None:
    """Put sorted `words` (all sharing their first `depth` letters) into `shards`.

    Below the root the groups are independent: a group of words with one first letter
    makes the same shards whatever the other groups hold (`_Index` relies on it).
    """
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for word in words:  # sorted, so every shard's words stay sorted
        groups[word[:depth]].append(word)
    for key, group in groups.items():
        longer = [word for word in group if len(word) > depth]
        if depth < MAX_KEY and len(longer) > 1 and sum(len(lines[w]) for w in group) > SPLIT:
            if len(longer) < len(group):
                shards[key] = _object([lines[key]])  # the word that is the key itself
            _split(longer, depth + 1, lines, shards)
        else:
            shards[key] = _object([lines[word] for word in group])


def _entry(word: str, found: array) -> bytes:
    # A word is letters and digits only (`_WORD`): nothing in it needs JSON escaping.
    if len(found) == 1:
        return f'"{word}":[{found[0]}]'.encode()
    return f'"{word}":[{found[0]},{",".join(map(str, map(sub, found[1:], found)))}]'.encode()


def _values(line: bytes) -> array:
    """The values an `_entry` line holds (its gaps added up again)."""
    return array("I", accumulate(map(int, line[line.index(b":[") + 2 : -1].split(b","))))


def _object(lines: Iterable[bytes]) -> bytes:
    return b"{" + b",".join(lines) + b"}"


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
