"""Characters that no page, feed or calendar may hold, and where an editor's text has one.

XML 1.0 allows no C0 control character but tab, line feed and carriage return, no
surrogate and neither U+FFFE nor U+FFFF: feedgen refuses a feed with one, and a browser
shows it as a box or as nothing.  Refused here as well, though XML 1.0 only discourages
them: DEL, the C1 controls U+0080-U+009F (what text decoded in the wrong code page
leaves behind) and the other noncharacters.  No editor means any of them, and every one
is invisible, so each is an error that names its line and column.
"""

from __future__ import annotations

import re

from site_builder.errors import Problem, problem

_BMP = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_BAD = re.compile(f"[{_BMP}]")
# A name becomes a URL, a line of a message and a link's text: no line breaks of any kind,
# and no bidirectional controls, which show its letters in another order than they are.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BAD_IN_NAME = re.compile(f"[\t\n\r\u2028\u2029{_BIDI}{_BMP}]")
# The noncharacters past the BMP, looked for one by one: a character class holding them
# makes every regex search several times slower, and most text cannot hold them at all.
_ASTRAL = tuple(chr(plane * 0x10000 + low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))
# The UTF-8 bytes that begin every refused character but the C1 controls (\xc2\x80-\xc2\x9f);
# \xed begins the surrogates, as "surrogatepass" writes them.
_LEADS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xED, 0xEF, *range(0xF0, 0xF5)])
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
MOST_PER_FILE = 20  # a file full of them gets this many problems; the rest show once these are fixed

# What each character is, as the message says it (an English msgid, translated when shown).
_NAMES = {
    0x00: "a null character",
    0x09: "a tab",
    0x0A: "a line break",
    0x0B: "a vertical tab, as Word pastes a line break",
    0x0C: "a form feed, a page break from Word or a PDF",
    0x0D: "a carriage return",
    0x1B: "an escape character, from a terminal",
    0x7F: "a delete character",
    0xFFFE: "a noncharacter: a byte order mark read backwards",
}


def name(char: str) -> str:
    """What the character is, in words (an English msgid)."""
    code = ord(char)
    if code in _NAMES:
        return _NAMES[code]
    if 0x80 <= code <= 0x9F:
        return "a C1 control character, left by text decoded in the wrong encoding"
    if 0xD800 <= code <= 0xDFFF:
        return "half of a surrogate pair, not a character"
    if code < 0x20:
        return "a control character"
    if code in (0x2028, 0x2029):
        return "a line or paragraph separator"
    if code in (0x061C, 0x200E, 0x200F) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional control, which shows the letters around it in another order"
    return "a noncharacter, never meant for text"


def label(char: str) -> str:
    return f"U+{ord(char):04X}"


def _find(text: str, pattern: re.Pattern[str] = _BAD) -> tuple[int, str] | None:
    """Where the first refused character of `text` is, and which it is."""
    found = pattern.search(text)
    at = found.start() if found else len(text)
    if not text.isascii():
        for char in _ASTRAL:  # at once -1 for text that holds no character past the BMP
            index = text.find(char, 0, at)
            if index >= 0:
                at = index
    return (at, text[at]) if at < len(text) else None


def first_bad(text: str) -> str | None:
    """The first refused character of `text`, if any."""
    found = _find(text)
    return found[1] if found else None


def bad_in_name(filename: str) -> str | None:
    """The first character of a file or folder name that no name may hold, if any."""
    found = _find(filename, _BAD_IN_NAME)
    return found[1] if found else None


def surely_clean(raw: bytes) -> bool:
    """Whether UTF-8 bytes hold no refused character, told at memchr speed for most files:
    False means only that the exact `scan` must look (an emoji, a U+FEFF, « » do not)."""
    return len(raw.translate(None, _LEADS)) == len(raw) and _C1.search(raw) is None


def shown(text: str) -> str:
    """`text` as a message may print it: each character no name may hold as its code in
    brackets, so no terminal acts on an escape sequence."""
    out = []
    while (found := _find(text, _BAD_IN_NAME)) is not None:
        at, char = found
        out += [text[:at], f"[{label(char)}]"]
        text = text[at + 1 :]
    return "".join([*out, text])


def scan(text: str, path: str, first_line: int = 1) -> list[Problem]:
    """A problem for each line of `text` (whose first line is file line `first_line`)
    holding a refused character: the first one, with its column."""
    if surely_clean(text.encode("utf-8", "surrogatepass")) or _find(text) is None:
        return []
    out: list[Problem] = []
    for number, line in enumerate(text.split("\n"), first_line):
        found = _find(line)
        if found is None:
            continue
        column, char = found
        out.append(
            problem(path, number, "error", "BAD_CHAR", char=label(char), what=name(char), column=column + 1)
        )
        if len(out) >= MOST_PER_FILE:
            break
    return out
