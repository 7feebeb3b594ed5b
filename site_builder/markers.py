"""Restricted-information markers («ДСП», «секретно») in a public item, however written.

A marker must be found the way a reader of the published page would see it, not only as
it was typed in config.yaml: in any letter case; with Latin or Greek look-alikes for
Cyrillic letters («ДCП» with a Latin C, «ceкрeтнo»), or Cyrillic for Latin; in another
Unicode form (NFKC: fullwidth letters, compatibility characters); with invisible
characters inside (a soft hyphen, a zero-width space or joiner); with dots, spaces,
dashes, underscores or emphasis between its letters («Д.С.П.», «Д С П», «Д**С**П»),
across a line break of a wrapped paragraph; written as YAML escapes or `!!binary` in the
front matter, or as HTML character references in the body.  It is never found inside a
longer word («несекретно» is a word of its own).

Each occurrence is one RESTRICTED_MARKER problem at the line where it starts.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from site_builder import chars
from site_builder.errors import Problem, problem

# Letters a reader cannot tell apart, each group as one letter (lower case; the pattern
# ignores case, and upper-case look-alikes such as Latin H for Н, B for В, M for М or
# T for Т fold to these).  Е and Ё are one letter to Russian readers and writers.
LOOKALIKES = [
    "аaα",
    "вbβ",
    "еeёε",
    "кkκ",
    "мmμ",
    "нh",
    "оoο0",
    "рpρ",
    "сcϲ",
    "тtτ",
    "уy",
    "хxχ",
    "з3",
    "пπ",
    "іiı",
]
_GROUP = {char: group for group in LOOKALIKES for char in group}
_CANON = str.maketrans({char: group[0] for group in LOOKALIKES for char in group})
# Never seen on the page: dropped before matching.
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"  # soft hyphen, joiners and fillers
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"  # zero-width, marks
)
_DROP = str.maketrans(dict.fromkeys(INVISIBLE))
# What may stand between a marker's letters: spaces and line breaks, dots, dashes,
# underscores and Markdown emphasis, middle dots and bullets, and the invisible ones.
_SEPARATOR = r"[\s.·•\-‐‑‒–—_*~" + re.escape(INVISIBLE) + "]"
_SEPARATORS = re.compile(_SEPARATOR + "+")


def _compact(text: str) -> str:
    """Text as matching sees it with nothing between letters: NFKC, case folded, look-alikes
    as one letter, separators and invisible characters gone (a quick test: a superset)."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_CANON)
    return _SEPARATORS.sub("", folded)


def _letter(char: str) -> str:
    group = _GROUP.get(char.casefold(), char.casefold())
    return "[" + "".join(re.escape(c) for c in sorted(set(group))) + "]"


@functools.cache
def _pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all markers: their letters (each any of its look-alikes, in any case)
    with separators allowed between them, never inside a longer word."""
    alternatives = []
    for marker in sorted(markers, key=len, reverse=True):
        letters = _compact(marker)
        alternatives.append((_SEPARATOR + "*").join(_letter(c) for c in letters))
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def find(path: str, texts: list[tuple[int, str]], markers: list[str]) -> list[Problem]:
    """RESTRICTED_MARKER for every marker in the (first line, text) parts of a public item;
    one problem per line and marker however many parts show it there."""
    wanted = [m for m in markers if _compact(m)]  # config refuses a blank one, which matches anywhere
    if not wanted:
        return []
    compact = {_compact(m): m for m in wanted}
    pattern = _pattern(tuple(wanted))
    seen: set[tuple[int, str]] = set()
    out = []
    for offset, raw in texts:
        text = unicodedata.normalize("NFKC", raw)  # the same line breaks as `raw`
        if not any(marker in _compact(text) for marker in compact):
            continue
        for found in pattern.finditer(text):
            line = offset + text.count("\n", 0, found.start())
            marker = compact.get(_compact(found.group(1)), found.group(1))
            if (line, marker) not in seen:
                seen.add((line, marker))
                shown = chars.shown(" ".join(found.group(1).translate(_DROP).split()))
                out.append(problem(path, line, "error", "RESTRICTED_MARKER", marker=shown))
    return out


def texts_of(
    data: Any, lines: dict[tuple, int], body: str, body_line: int, raw_yaml: str
) -> list[tuple[int, str]]:
    """The parts of an item a marker is looked for in: the front matter as written and as
    decoded (escapes, `!!binary`), the body as written and with its HTML character
    references decoded, each with the file line it starts on."""
    parts = [(2, raw_yaml), (body_line, body)]
    parts += [(lines.get(key, 1), text) for key, text in _strings(data, ())]
    if "&" in body:
        parts.append((body_line, html.unescape(body)))
    return parts


def _strings(value: Any, key: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _strings(inner, (*key, name))
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield from _strings(inner, (*key, index))
    elif isinstance(value, bytes):
        yield key, value.decode("utf-8", "replace")
    elif isinstance(value, str):
        yield key, value
