"""Restricted-information markers («ДСП», «секретно») in a public item, however written.

A marker is found the way a reader of the published page would read it, not only as it
was typed in config.yaml:

- in any letter case and Unicode form (NFKC: fullwidth and compatibility characters);
- with Latin or Greek look-alikes for Cyrillic letters («ДCП» with a Latin C,
  «CEKPETHO»), or Cyrillic for Latin;
- with characters a reader does not see inside (invisible.py: combining marks such as a
  stress mark, soft hyphens, zero-width and bidi characters);
- with its letters spaced out by dots, spaces, dashes, underscores, backslashes or
  emphasis — in every gap of a word, as in «Д.С.П.», «Д С П», «с е к р е т н о», but not
  in only some: «не секрет но» is two words and «секрет» one of them;
- across a line break of a wrapped paragraph;
- as YAML escapes or `!!binary` in the front matter;
- in the body as the page shows it (HTML character references, Markdown escapes, code
  spans and links between its letters).

It is never found inside a longer word («несекретно» is a word of its own).  One
RESTRICTED_MARKER problem per line and marker.  Where only the rendered body shows a
marker, the problem names the body's first line.  (Initials after the abbreviation «д.»,
«д. С. П. Семёнова», read as the marker spaced out: the docs say to write «дер.».)
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterator
from typing import Any, NamedTuple

from site_builder.errors import Problem, problem
from site_builder.load import chars
from site_builder.load.invisible import IGNORABLE

# Letters a reader cannot tell apart, each group as one letter (lower case; matching
# ignores case, so upper-case look-alikes such as Latin H for Н, B for В, M for М or T
# for Т fold to these).  Е and Ё are one letter to Russian readers and writers.
LOOKALIKES = [
    "аaα",
    "вbβ",
    "дδ",
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
_CANON = {ord(char): group[0] for group in LOOKALIKES for char in group}


# What may space out a marker's letters: white space (\s takes every Zs), dashes (Pd),
# dots, underscores, Markdown's emphasis, code and escape marks, middle dots and bullets.
_SPACER = r"[\s.·•‐‑‒–—―−⁃\-_*~`\\]"
_GAP = f"{_SPACER}+"
_SPACERS = re.compile(_GAP)


def _class(ranges: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> str:
    parts = (re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return "[" + "".join(parts) + "]"


_UNSEEN: dict[int, None] = {code: None for a, b in IGNORABLE for code in range(a, b + 1)}
# Whether a text may hold an unseen character, in one pass of a regular expression: the BMP's
# unseen characters are a bitmap, and any character above the BMP sends the text on to the
# exact (slower) class of every unseen character.
_UNSEEN_BMP_OR_ASTRAL = re.compile(
    _class([(a, min(b, 0xFFFF)) for a, b in IGNORABLE if a <= 0xFFFF] + [(0x10000, 0x10FFFF)])
)
_UNSEEN_ANY = re.compile(_class(IGNORABLE))
# `_compact` in one pass of str.translate: look-alikes to their group's letter, spacers and
# invisible characters dropped (for markers and matches: short texts).
_FOLD: dict[int, int | None] = {
    **_UNSEEN,
    **{code: None for code in range(0x3001) if chr(code).isspace()},
    **{ord(c): None for c in ".·•‐‑‒–—―−⁃-_*~`\\"},
    **_CANON,
}


def _visible(text: str) -> str:
    """NFKC text without its unseen characters (the same line breaks)."""
    text = _nfkc(text)
    found = _UNSEEN_BMP_OR_ASTRAL.search(text)
    if found and (found.group() <= "\uffff" or _UNSEEN_ANY.search(text, found.start())):
        text = text.translate(_UNSEEN)
    return text


def _nfkc(text: str) -> str:
    """NFKC, normalizing only the lines that need it: a line break is a normalization
    boundary (it neither decomposes nor composes with its neighbours), and normalizing a
    whole page of Cyrillic, whose «й» and «ё» are taken apart and put back, for one «№» in
    it costs more than scanning it for markers."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    lines = text.split("\n")
    if len(lines) == 1:
        return unicodedata.normalize("NFKC", text)
    return "\n".join(_nfkc(line) for line in lines)


def _compact(text: str) -> str:
    """Text as matching sees it with nothing between letters: NFKC, case folded, look-alikes
    as one letter, spacers and invisible characters gone (a quick test: a superset)."""
    return _nfkc(text).casefold().translate(_FOLD)


def _letter(char: str) -> str:
    group = _GROUP.get(char, char)
    return "[" + "".join(re.escape(c) for c in sorted(set(group))) + "]"


def _word(letters: str, skip: int = 0) -> str:
    """One word of a marker: its letters with nothing visible between them, or with a
    spacer in every gap; from its letter `skip` on (the pattern matched the first ones)."""
    plain = "".join(_letter(c) for c in letters[skip:])
    spaced = "".join((_GAP if i else "") + _letter(c) for i, c in enumerate(letters) if i >= skip)
    return plain if len(letters) < 2 else f"(?:{plain}|{spaced})"


@functools.cache
def _pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all markers, never inside a longer word.

    It starts with a class of every character a marker may start with (see `_initials`),
    and only then looks behind for a letter and tries each marker (its first letter again,
    ignoring case, then the rest): the re module skips at bitmap speed to where such a
    character is, where a pattern that starts with a look-behind or with a letter matched
    ignoring case is tried at every position, four times slower.  What it finds is what
    `(?<!\\w)(marker|marker…)(?!\\w)` matched ignoring case finds."""
    alternatives, initials = [], set()
    for marker in sorted(markers, key=len, reverse=True):
        words = [w for w in (_compact(word) for word in _SPACERS.split(marker)) if w]
        if not words:
            continue
        initials.update(_GROUP.get(words[0][0], words[0][0]))
        rest = f"{_SPACER}*".join([_word(words[0], 1), *(_word(w) for w in words[1:])])
        alternatives.append(f"(?<=(?i:{_letter(words[0][0])}))(?i:{rest})")
    if not alternatives:
        return re.compile("(?!)()")
    start = _initials(initials)
    return re.compile(rf"({start}(?<!\w{start})(?:{'|'.join(alternatives)}))(?!\w)")


def _initials(chars: set[str]) -> str:
    """A class of every character that matches one of `chars` ignoring case — the re module
    itself tells which in the BMP (д has ᲁ besides Д) — and of every character above it
    (a superset is enough: each marker checks its own first letter, ignoring case)."""
    bmp = "".join(map(chr, range(0x10000)))
    cased = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]", re.IGNORECASE)
    found = sorted(set(cased.findall(bmp)) | {c for c in chars if c <= "\uffff"})
    return _class([(ord(c), ord(c)) for c in found] + [(0x10000, 0x10FFFF)])


class Part(NamedTuple):
    """A text a marker is looked for in and the file line it starts on; `exact` False for a
    text whose lines are not the file's (a decoded value, the rendered body): its marker is
    named at `line`, and only when no exact part showed it already."""

    line: int
    text: str
    exact: bool = True


def find(path: str, parts: list[Part], markers: list[str]) -> list[Problem]:
    """RESTRICTED_MARKER for the markers in the parts of a public item: one problem per
    line and marker however many parts show it there."""
    wanted = {_compact(m): m for m in markers if _compact(m)}  # a blank one would match anywhere
    if not wanted:
        return []
    pattern = _pattern(tuple(wanted.values()))
    seen: set[tuple[int, str]] = set()
    out = []
    for part in sorted(parts, key=lambda p: not p.exact):
        text = _visible(part.text)  # the pattern scans faster than any pre-filter would
        for found in pattern.finditer(text):
            marker = _compact(found.group(1))
            if part.exact:
                line = part.line + text.count("\n", 0, found.start())
            elif any(m == marker for _, m in seen):
                continue
            else:
                line = part.line
            if (line, marker) not in seen:
                seen.add((line, marker))
                shown = chars.shown(" ".join(found.group(1).split()))
                out.append(problem(path, line, "error", "RESTRICTED_MARKER", marker=shown))
    return out


_TAG = re.compile(r"<[^>]*>")
# What makes the page's letters differ from the body's beyond the spacers: a character
# reference, a link (its target hidden), an autolink.  A body without them needs no
# second reading as rendered.
_REWRITTEN = re.compile(r"[&\[<]")


def parts_of(data: Any, lines: dict[tuple, int], split: Any, rendered_html: str) -> list[Part]:
    """The parts of an item a marker is looked for in: the front matter as written and as
    decoded (escapes, `!!binary`), the body as written, and the body as the page shows it."""
    parts = [Part(2, split.yaml), Part(split.body_line, split.body)]
    # Decoded values show what the raw text does not (an escape, `!!binary`); a block
    # scalar's lines are not the key's, so they count only where the raw text is silent.
    parts += [Part(lines.get(key, 1), text, exact=False) for key, text in _strings(data, ())]
    if not _REWRITTEN.search(split.body):  # the page shows these letters as written
        return parts
    shown = _nfkc(html.unescape(_TAG.sub("", rendered_html)))  # line by line, see `_nfkc`
    # A space is a normalization boundary too: `_visible` finds this text normalized.
    return [*parts, Part(split.body_line, shown.replace("\n", " "), exact=False)]


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
