"""The fast paths of markers.py find what the plain definitions find.

`_nfkc` normalizes line by line, `_visible` tells in one pass whether a text needs its
unseen characters dropped, and `_pattern` starts with a class of first letters instead of
a look-behind and case-insensitive letters: each is checked here against the definition
it replaces, on texts made of the characters where they could differ.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.load import chars, markers

# Combining marks and what composes with them, compatibility characters (№ → No, ¨ → space
# and a mark), Hangul jamo that compose, Cyrillic й and ё taken apart, line breaks, spaces.
NORMALIZING = list("аеийоуёЁИЕ№¨˘ﬁＡ　\n \r\t\u0301\u0306\u0308\u0306\u1100\u1161\u11a8\uac00")
# Letters of the markers below in every case and look-alike (ᲁ is a Д ignoring case, for
# the re module), spacers, unseen characters, word characters, characters past the BMP.
LETTERS = list("дДᲁδΔсСcCϲϹᲃпПπлЛяЯеЕёeкКkтТрpРнНhоОo0xх1_ .-*`\\\n\t\u00ad\u200b\u0301·—")
LETTERS += ["\U00010400", "\U00020000", "\U000e0041"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(st.sampled_from(NORMALIZING), max_size=30))
def test_nfkc_by_lines_is_nfkc(text: str):
    assert markers._nfkc(text) == unicodedata.normalize("NFKC", text)
    assert markers._nfkc(text).replace("\n", " ") == unicodedata.normalize("NFKC", text.replace("\n", " "))


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(st.sampled_from(LETTERS + NORMALIZING), max_size=30))
def test_visible_drops_every_unseen_character(text: str):
    expected = unicodedata.normalize("NFKC", text).translate(markers._UNSEEN)
    assert markers._visible(text) == expected


def _reference(words_of: list[str]) -> re.Pattern[str]:
    """The pattern as markers.py defines it: a look-behind, then the markers ignoring case."""

    def word(letters: str) -> str:
        plain = "".join(markers._letter(c) for c in letters)
        spaced = markers._GAP.join(markers._letter(c) for c in letters)
        return plain if len(letters) < 2 else f"(?:{plain}|{spaced})"

    alternatives = []
    for marker in sorted(words_of, key=len, reverse=True):
        words = [markers._compact(w) for w in markers._SPACERS.split(marker)]
        alternatives.append(f"{markers._SPACER}*".join(word(w) for w in words if w))
    return re.compile(r"(?<!\w)(" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


MARKERS = st.lists(
    st.sampled_from(["ДСП", "для служебного пользования", "секретно", "д", "с.п", "Пт", "K1", "x_y"]),
    min_size=1,
    max_size=3,
    unique=True,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(MARKERS, st.lists(st.sampled_from([*LETTERS, "ДСП", "секретно", "для", "служебного"]), max_size=14))
def test_pattern_finds_what_the_definition_finds(wanted: list[str], pieces: list[str]):
    text = markers._visible("".join(pieces))
    found = [(m.span(1), m.group(1)) for m in markers._pattern(tuple(wanted)).finditer(text)]
    expected = [(m.span(1), m.group(1)) for m in _reference(wanted).finditer(text)]
    assert found == expected


def test_first_letters_take_every_case_the_re_module_takes():
    """ᲁ (Cyrillic small letter long-legged de) matches д ignoring case: a pattern that
    spelt out only д and Д would miss «ᲁСП»."""
    pattern = markers._pattern(("ДСП",))
    for text in ("ᲁСП", "ДСП", "дсп", "δcπ", "ΔCΠ", "ᲁ.С.П"):
        assert pattern.search(text), text
    assert not pattern.search("aДСП") and not pattern.search("ДСПa")


def _find_part_by_part(path: str, parts: list[markers.Part], wanted: list[str]) -> list:
    """markers.find as defined: each part read alone, the exact ones first."""
    pattern = _reference(list({markers._compact(m): m for m in wanted if markers._compact(m)}.values()))
    seen: set[tuple[int, str]] = set()
    out = []
    for part in sorted(parts, key=lambda p: not p.exact):
        text = unicodedata.normalize("NFKC", part.text).translate(markers._UNSEEN)
        for found in pattern.finditer(text):
            marker = markers._compact(found.group(1))
            if part.exact:
                line = part.line + text.count("\n", 0, found.start())
            elif any(m == marker for _, m in seen):
                continue
            else:
                line = part.line
            if (line, marker) not in seen:
                seen.add((line, marker))
                out.append((line, chars.shown(" ".join(found.group(1).split()))))
    return out


PIECES = [*LETTERS, *NORMALIZING, "ДСП", "секретно", "для", "служебного", "д.с.п."]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    MARKERS,
    st.lists(
        st.tuples(st.integers(1, 4), st.lists(st.sampled_from(PIECES), max_size=8), st.booleans()),
        max_size=6,
    ),
)
def test_find_reports_what_the_definition_reports(wanted: list[str], specs: list):
    parts = [markers.Part(line, "".join(pieces), exact) for line, pieces, exact in specs]
    found = [(p.line, dict(p.args)["marker"]) for p in markers.find("content/x.md", parts, wanted)]
    assert found == _find_part_by_part("content/x.md", parts, wanted)
