"""The files of one language's index from its docs: postings, term shards by word prefix, `d/` chunks.

The layout of the files is described in the package docstring (site_builder.outputs.search).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import accumulate
from operator import sub

from site_builder.outputs import Files, Keyed
from site_builder.outputs.render import day_format
from site_builder.outputs.search.documents import Doc, Words, with_words
from site_builder.outputs.search.words import ENDINGS, FORM_STEM, MIN_STEM, TYPO_LEAST
from site_builder.view.site import Site

# The tunables are read through this module (`index.CHUNK`) by the other search modules,
# so a test that sets one here sets it for all of them.
FOLDER = "search/"
CHUNK = 10  # docs per metadata file: a first page of results fetches at most ten small ones
SPLIT = 24_000  # bytes: a bigger shard is split by the next letter of its words…
MAX_KEY = 5  # … up to keys this long


@dataclass(slots=True)
class Parts:
    """What a language's index files are made of besides the shards: each doc's row, its
    `d/` chunks and each doc's text file (`f/<id>.txt`)."""

    chunks: list[bytes]
    texts: list[bytes]
    facets: bytes


def assemble(site: Site, lang: str, docs: Iterable[Doc]) -> Files:
    """The index files of one language (see the package docstring) from its docs, in any order."""
    ordered = sorted(docs, key=lambda d: (d.date.timestamp(), d.url))
    return assemble_ordered(site, lang, map(with_words, ordered))[0]


def assemble_ordered(
    site: Site, lang: str, ordered: Iterable[tuple[Doc, Words, Words]]
) -> tuple[Files, dict[str, bytes], Parts]:
    """`assemble` for docs already in id order, with their words, taken one at a time: a
    doc's words can be let go as soon as they are in the postings.  Also every word's
    line and the other parts, which a build keeps to patch (see `patch.KeptIndex`)."""
    postings: defaultdict[str, array] = defaultdict(partial(array, "I"))
    row = row_maker(site, lang)
    rows, texts = [], []
    for number, (doc, title_words, other_words) in enumerate(ordered):
        post(postings, number, title_words, other_words)
        rows.append(row(doc))
        texts.append(text_of(doc))
    parts = Parts(chunks_of(rows), texts, facets_of(rows))
    lines = _lines(postings)  # empties `postings`, so it and the lines are not both whole
    return index_files(lang, shards_of(lines), parts, len(rows)), lines, parts


def chunks_of(rows: list[list]) -> list[bytes]:
    return [compact_json(rows[start : start + CHUNK]) for start in range(0, len(rows), CHUNK)]


def text_of(doc: Doc) -> bytes:
    """A doc's `f/<id>.txt`: its text, for the excerpts a result shows (UTF-8)."""
    return doc.text.encode()


def facets_of(rows: list[list]) -> bytes:
    """`facets.json`: what the filters go by, every doc's kind, division and year.

    `{"divisions": [id, …], "docs": [k0, d0, y0, k1, …], "kinds": […], "years": […]}`:
    three numbers a doc, each an index into its list ("" is no division).
    """
    kinds = sorted({row[2] for row in rows})
    divisions = sorted({row[6] for row in rows})
    years = sorted({row[3][:4] for row in rows})
    at = [{value: n for n, value in enumerate(values)} for values in (kinds, divisions, years)]
    docs = []
    for row in rows:
        docs += [at[0][row[2]], at[1][row[6]], at[2][row[3][:4]]]
    return compact_json(
        {"divisions": divisions, "docs": docs, "kinds": kinds, "years": [int(y) for y in years]}
    )


def post(postings: dict[str, array], number: int, title_words: Words, other_words: Words) -> None:
    """Put doc `number`'s words in the postings (value `2 × number`, plus 1 in the title)."""
    value = number * 2 + 1  # in the title
    for word in title_words:
        postings[word].append(value)
    value -= 1
    for word in other_words:
        postings[word].append(value)


def row_maker(site: Site, lang: str) -> Callable[[Doc], list]:
    """A doc's row in the `d/` files: [url, title, kind, day, day text, withdrawn, division]."""
    day = day_format(lang)
    tz = site.config.tz
    days: dict[date, tuple[str, str]] = {}

    def row(doc: Doc) -> list:
        local = doc.date.astimezone(tz).date()
        if local not in days:  # Babel is slow and items share days
            days[local] = (local.isoformat(), day(local))
        iso, text = days[local]
        return [doc.url, doc.title, doc.kind, iso, text, 1 if doc.withdrawn else 0, doc.division]

    return row


def index_files(
    lang: str,
    shards: dict[str, bytes],
    parts: Parts,
    count: int,
    digests: dict[bytes, str] | None = None,
) -> Files:
    """A language's index files from its shards and its other parts.

    `digests` (the preview server's patched index) is every file's SHA-1 by its bytes
    from the last build, filled with this build's: then each file is `Keyed` by it, so
    one an edit left as it was is neither hashed nor compared again.
    """
    folder = f"{FOLDER}{lang}/"
    found: dict[str, bytes] = {}
    for key, shard in shards.items():
        found[f"{folder}w/{_file_name(key)}.json"] = shard
    for number, chunk in enumerate(parts.chunks):
        found[f"{folder}d/{number}.json"] = chunk
    for number, text in enumerate(parts.texts):
        found[f"{folder}f/{number}.txt"] = text
    found[f"{folder}facets.json"] = parts.facets
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
    out[f"{folder}index.json"] = compact_json(
        {
            "chunk": CHUNK,
            "count": count,
            "endings": sorted(set(ENDINGS.get(lang, "").split()), key=lambda e: (-len(e), e)),
            "form_stem": FORM_STEM,
            "min_stem": MIN_STEM,
            "shards": sorted(shards),
            "typo": TYPO_LEAST,
            "version": version.hexdigest()[:16],
        }
    )
    return out


def _file_name(key: str) -> str:
    return "-".join(f"{ord(c):x}" for c in key) or "0"  # U+0000 is in no word


def _lines(postings: dict[str, array]) -> dict[str, bytes]:
    """Every word's `"word":[gaps…]` in word order; `postings` is emptied on the way."""
    return {word: line_of(word, postings.pop(word)) for word in sorted(postings)}


def shards_of(lines: dict[str, bytes]) -> dict[str, bytes]:
    """Term shards by word prefix, each `{"word": [gaps…], …}` as bytes (see the package
    docstring), from every word's line."""
    shards: dict[str, bytes] = {}
    split_shards(sorted(lines), 0, lines, shards)
    return shards


def split_shards(words: list[str], depth: int, lines: dict[str, bytes], shards: dict[str, bytes]) -> None:
    """Put sorted `words` (all sharing their first `depth` letters) into `shards`.

    Below the root the groups are independent: a group of words with one first letter
    makes the same shards whatever the other groups hold (`patch.LiveIndex` relies on it).
    """
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for word in words:  # sorted, so every shard's words stay sorted
        groups[word[:depth]].append(word)
    for key, group in groups.items():
        longer = [word for word in group if len(word) > depth]
        if depth < MAX_KEY and len(longer) > 1 and sum(len(lines[w]) for w in group) > SPLIT:
            if len(longer) < len(group):
                shards[key] = _object([lines[key]])  # the word that is the key itself
            split_shards(longer, depth + 1, lines, shards)
        else:
            shards[key] = _object([lines[word] for word in group])


def line_of(word: str, found: array) -> bytes:
    """A word's line in its shard: `"word":[gaps…]` for its values `found`, ascending."""
    # A word is letters and digits only (`_WORD`): nothing in it needs JSON escaping.
    if len(found) == 1:
        return f'"{word}":[{found[0]}]'.encode()
    return f'"{word}":[{found[0]},{",".join(map(str, map(sub, found[1:], found)))}]'.encode()


def values_of(line: bytes) -> array:
    """The values a `line_of` line holds (its gaps added up again)."""
    return array("I", accumulate(map(int, line[line.index(b":[") + 2 : -1].split(b","))))


def _object(lines: Iterable[bytes]) -> bytes:
    return b"{" + b",".join(lines) + b"}"


def compact_json(value: object) -> bytes:
    """JSON as the index files hold it: UTF-8, compact, sorted keys."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
