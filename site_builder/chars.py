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

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
BAD = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# In a file or folder name, which becomes a URL and a line of a message, not even these.
BAD_IN_NAME = re.compile(f"[\t\n\r{BAD.pattern[1:-1]}]")
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
    return "a noncharacter, never meant for text"


def label(char: str) -> str:
    return f"U+{ord(char):04X}"


def shown(text: str) -> str:
    """`text` as a message may print it: each character refused here as its code in brackets,
    so no terminal acts on an escape sequence."""
    return BAD_IN_NAME.sub(lambda m: f"[{label(m.group())}]", text)


def first_bad(text: str) -> str | None:
    """The first refused character of `text`, if any."""
    found = BAD.search(text)
    return found.group() if found else None


def scan(text: str, path: str, first_line: int = 1) -> list[Problem]:
    """A problem for each line of `text` (whose first line is file line `first_line`)
    holding a refused character: the first one, with its column."""
    if BAD.search(text) is None:
        return []
    out: list[Problem] = []
    for number, line in enumerate(text.split("\n"), first_line):
        found = BAD.search(line)
        if found is None:
            continue
        char = found.group()
        out.append(
            problem(
                path,
                number,
                "error",
                "BAD_CHAR",
                char=label(char),
                what=name(char),
                column=found.start() + 1,
            )
        )
        if len(out) >= MOST_PER_FILE:
            break
    return out
