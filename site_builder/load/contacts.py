"""Contact data in a citizen's question's public text: an e-mail address or a phone number
that a reader of the site would see (found at parse time, so the scan is cached with the
item).  A heuristic, hence a warning: the office decides, with the file's line in hand."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from site_builder.errors import Problem, problem

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An international number (+996 555 12-34-56), or a Kyrgyz or Russian one written from its
# leading 0 or 8 (0555 123 456, 8 (3922) 5-55-10): sums of money ("1 500 000 сомов") and
# dates never start so, and a number needs 9 to 15 digits.
PHONE = re.compile(
    r"(?<![\w+])(?:\+\d[\d ()-]{7,20}\d|[08][ (-]?\d{2,4}\)?[ -]?\d{1,3}[ -]?\d{2}[ -]?\d{2,3})(?!\w)"
)
PUBLIC_KEYS = ("title", "question")


def found_in(text: str) -> Iterator[tuple[str, str]]:
    """(code, value) of each contact in a text: an e-mail address or a phone number."""
    for match in EMAIL.finditer(text):
        yield "QUESTION_EMAIL", match.group()
    for match in PHONE.finditer(text):
        if 9 <= sum(c.isdigit() for c in match.group()) <= 15:
            yield "QUESTION_PHONE", match.group()


def find(path: str, data: Any, lines: dict[tuple, int], body: str, body_line: int) -> list[Problem]:
    """A warning for each contact in a question's title, its text and the answer's body."""
    out: list[Problem] = []
    parts = [(key, lines.get((key,), 1), data.get(key)) for key in PUBLIC_KEYS]
    parts += [("answer", body_line + index, text) for index, text in enumerate(body.split("\n"))]
    for key, line, text in parts:
        if not isinstance(text, str):
            continue
        for code, value in found_in(text):
            out.append(problem(path, line, "warning", code, key=key, value=value[:80]))
    return out
