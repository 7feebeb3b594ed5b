"""What the search page's script (static/search.js) does, in Python, over a built site's index.

It takes case endings off each query word, walks the shard list to the shards of that stem,
matches it as a prefix of the indexed words, intersects and ranks, then reads the results'
metadata chunks.  A plain module: tests/test_search.py imports it, and the browser tests
load it by path to compare it with the script in a real browser.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path


class Reader:
    """The search page's client, in Python: looks queries up in a built site's index."""

    def __init__(self, output: Path, lang: str):
        self.folder = output / "search" / lang
        self.meta = json.loads((self.folder / "index.json").read_text(encoding="utf-8"))
        self.keys = set(self.meta["shards"])
        self.split = {key[:n] for key in self.keys for n in range(len(key))}

    def shards_for(self, word: str) -> list[str]:
        key = ""
        while key in self.split and len(key) < len(word):
            key = word[: len(key) + 1]
        if key not in self.split:
            return [key] if key in self.keys else []
        return [k for k in self.meta["shards"] if k.startswith(key)]

    def shard(self, key: str) -> dict[str, list[int]]:
        name = "-".join(f"{ord(c):x}" for c in key) or "0"
        return json.loads((self.folder / "w" / f"{name}.json").read_text(encoding="utf-8"))

    def stem(self, word: str) -> str:
        found = True
        while found:
            found = False
            for ending in self.meta["endings"]:  # the longest first
                if len(word) - len(ending) >= self.meta["min_stem"] and word.endswith(ending):
                    word, found = word[: -len(ending)], True
                    break
        return word

    def lookup(self, word: str) -> dict[int, list[int]]:
        hits: dict[int, list[int]] = {}  # id → [typed in title, typed, in title, forms]
        stem = self.stem(word)
        for key in self.shards_for(stem):
            for indexed, gaps in self.shard(key).items():
                if not indexed.startswith(stem):
                    continue
                typed = int(indexed.startswith(word))
                value = 0
                for gap in gaps:
                    value += gap
                    hit = hits.setdefault(value >> 1, [0, 0, 0, 0])
                    hit[0] |= typed & value & 1
                    hit[1] |= typed
                    hit[2] |= value & 1
                    hit[3] += 2 if indexed == word else 1
        return hits

    def ids(self, query: str) -> list[int]:
        text = unicodedata.normalize("NFC", query).lower().replace("ё", "е")
        words = list(dict.fromkeys(re.findall(r"[^\W_]{2,}", text)))[:8]  # as many as the script takes
        if not words:
            return []
        per_word = sorted((self.lookup(w) for w in words), key=len)
        found = []
        for doc, _hit in per_word[0].items():
            hits = [hits[doc] for hits in per_word if doc in hits]
            if len(hits) == len(per_word):
                found.append((*(-sum(column) for column in zip(*hits, strict=True)), -doc))  # newest first
        return [-doc for *_score, doc in sorted(found)]

    def docs(self, query: str) -> list[list]:
        size = self.meta["chunk"]
        rows = []
        for doc in self.ids(query):
            chunk = json.loads((self.folder / "d" / f"{doc // size}.json").read_text(encoding="utf-8"))
            rows.append(chunk[doc % size])
        return rows

    def titles(self, query: str) -> list[str]:
        return [row[1] for row in self.docs(query)]
