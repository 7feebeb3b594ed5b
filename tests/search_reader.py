"""What the search page's script (static/search.js) does, in Python, over a built site's index.

It splits a query into words as the build does (`words.normalise`, `words._WORD`), makes
each word's form stem and prefix stem (see site_builder.outputs.search.words), walks the
shard list to the shards that may hold its forms, matches the indexed words (the word as
typed, its forms, then words its prefix stem begins), falls back to a word one edit away
for a word of `typo` letters or more that matches nothing, intersects and ranks, filters
by the facets and reads the results' metadata chunks.  A plain module: tests/test_search.py
imports it, and the browser tests load it by path to compare it with the script.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from pathlib import Path

WORD = re.compile(r"[0-9]+(?:[.,:][0-9]+)+|[^\W_]{2,}")
GROUPED = re.compile(r"(?<![0-9.,:])([0-9]{1,3})(?:[ \u00a0\u2009\u202f]([0-9]{3}))+(?![0-9])")
GROUP_SPACE = re.compile(r"[ \u00a0\u2009\u202f]")
MAX_WORDS = 8
ORDER = ("whole_title", "exact", "whole", "title", "forms")


def query_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    text = GROUPED.sub(lambda m: GROUP_SPACE.sub("", m.group(0)), text)
    return list(dict.fromkeys(WORD.findall(text)))[:MAX_WORDS]


def one_edit(a: str, b: str) -> bool:
    """Whether b is a with one letter changed, added, removed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        return a[start + 1 :] == b[start + 1 :] or (
            a[start + 2 :] == b[start + 2 :] and a[start : start + 2] == b[start : start + 2][::-1]
        )
    return a[start + 1 :] == b[start:] if len(a) > len(b) else a[start:] == b[start + 1 :]


class Reader:
    """The search page's client, in Python: looks queries up in a built site's index."""

    def __init__(self, output: Path, lang: str):
        self.folder = output / "search" / lang
        self.meta = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
        self.keys = set(self.meta["shards"])
        self.split = {key[:n] for key in self.keys for n in range(len(key))}
        self.suggested: list[str] = []  # the words of the last query's "did you mean"
        self.loaded: set[str] = set()  # files read (relative to the index folder)

    def read(self, rel: str):
        self.loaded.add(rel)
        return json.loads((self.folder / rel).read_text(encoding="utf-8"))

    def shards_for(self, word: str) -> list[str]:
        key = ""
        while key in self.split and len(key) < len(word):
            key = word[: len(key) + 1]
        if key not in self.split:
            return [key] if key in self.keys else []
        return [k for k in self.meta["shards"] if k.startswith(key)]

    def shard(self, key: str) -> dict[str, list[int]]:
        name = "-".join(f"{ord(c):x}" for c in key) or "0"
        return self.read(f"w/{name}.json")

    def strip(self, word: str, least: int, again: bool) -> str:
        found = True
        while found:
            found = False
            for ending in self.meta["endings"]:  # the longest first: the one it has, if it may go
                if word.endswith(ending):
                    if len(word) - len(ending) >= least:
                        word, found = word[: -len(ending)], again
                    break
        return word

    def stem(self, word: str) -> str:
        """The prefix stem: endings off while `min_stem` letters are left."""
        return self.strip(word, self.meta["min_stem"], True)

    def form_stem(self, word: str) -> str:
        return self.strip(word, self.meta["form_stem"], False)

    def lookup(self, word: str) -> dict[int, dict[str, int]]:
        """{doc id: hit} for one query word."""
        hits: dict[int, dict[str, int]] = {}
        form, stem = self.form_stem(word), self.stem(word)
        prefix = len(stem) >= self.meta["min_stem"] and not any(c.isdigit() for c in word)
        start = form if len(form) <= len(stem) else stem
        for key in self.shards_for(start):
            for indexed, gaps in self.shard(key).items():
                if not indexed.startswith(start):
                    continue
                if indexed == word:
                    strength = 3
                elif self.form_stem(indexed) == form:
                    strength = 2
                elif prefix and indexed.startswith(stem):
                    strength = 1
                else:
                    continue
                value = 0
                for gap in gaps:
                    value += gap
                    hit = hits.setdefault(value >> 1, dict.fromkeys(ORDER, 0))
                    title = value & 1
                    hit["whole_title"] |= int(strength > 1 and title)
                    hit["exact"] |= int(strength == 3)
                    hit["whole"] |= int(strength > 1)
                    hit["title"] |= title
                    hit["forms"] += 2 if strength == 3 else 1
        return hits

    def correction(self, word: str) -> str | None:
        """The indexed word one edit away that most items hold (the first two letters as typed)."""
        best = None
        for key in self.shards_for(word[:2]):
            for indexed, gaps in self.shard(key).items():
                if indexed.startswith(word[:2]) and one_edit(word, indexed):
                    if best is None or (-len(gaps), indexed) < (-len(best[1]), best[0]):
                        best = (indexed, gaps)
        return best[0] if best else None

    def ids(
        self, query: str, type: str = "", division: str = "", year: str = "", sort: str = ""
    ) -> list[int]:
        words = query_words(query)
        self.suggested = []
        if not words:
            return []
        per_word = []
        fixed = list(words)
        for n, word in enumerate(words):
            hits = self.lookup(word)
            if not hits and len(word) >= self.meta["typo"]:
                better = self.correction(word)
                if better:
                    fixed[n] = better
                    hits = self.lookup(better)
            per_word.append(hits)
        if fixed != words:
            self.suggested = fixed
        per_word.sort(key=len)
        found = []
        for doc in per_word[0]:
            hits = [hits[doc] for hits in per_word if doc in hits]
            if len(hits) == len(per_word):
                found.append((*(-sum(hit[name] for hit in hits) for name in ORDER), -doc))  # newest first
        ranked = [-doc for *_score, doc in sorted(found)]
        if type or division or year:
            facets = self.read("facets.json")
            wanted = [
                facets[name].index(value) if value in facets[name] else -1
                for name, value in (("kinds", type), ("divisions", division), ("years", int(year or 0)))
            ]
            values = facets["docs"]
            ranked = [
                doc
                for doc in ranked
                if all(
                    not given or values[doc * 3 + n] == wanted[n]
                    for n, given in enumerate((type, division, year))
                )
            ]
        if sort == "date":
            ranked.sort(reverse=True)
        return ranked

    def docs(self, query: str, **filters: str) -> list[list]:
        size = self.meta["chunk"]
        rows = []
        for doc in self.ids(query, **filters):
            rows.append(self.read(f"d/{doc // size}.json")[doc % size])
        return rows

    def titles(self, query: str, **filters: str) -> list[str]:
        return [row[1] for row in self.docs(query, **filters)]

    def text(self, doc: int) -> str:
        self.loaded.add(f"f/{doc}.txt")
        return (self.folder / f"f/{doc}.txt").read_text(encoding="utf-8")

    def first_query(self, query: str) -> tuple[int, int, int]:
        """What a browser downloads for a first query — index.json, the shards it reads, and
        the first ten results' metadata chunks and texts — as (gzipped bytes file by file,
        files, results)."""
        self.loaded.clear()
        self.loaded.add("index.json")
        ids = self.ids(query)
        size = self.meta["chunk"]
        for doc in ids[:10]:
            self.read(f"d/{doc // size}.json")
            self.text(doc)
        total = sum(len(gzip.compress((self.folder / rel).read_bytes(), 6)) for rel in self.loaded)
        return total, len(self.loaded), len(ids)
