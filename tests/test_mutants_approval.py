"""The approval hash is a stored promise: every `approval.hash` in the content was computed by
today's canonical form, so any change of that form voids them all.  Found by mutation testing
(tests/MUTANTS.md): the CLI tests approve and then check with the same function, so a mutant
that changes the form consistently (separators, key order, ASCII escapes, the body's trim, the
prefix) passed every test."""

from __future__ import annotations

import datetime as dt

from site_builder.load.approval import canonical, content_hash

FRONT = {
    "title": "Ремонт дорог",  # not ASCII: the hash is over UTF-8, not \\u escapes
    "date": dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=6))),  # via str()
    "author": "petrov",  # keys out of order: they are sorted
    "tags": ["дороги", "ремонт"],
    "status": "approved",
    "approval": {"by": "aliev", "at": "2026-11-20T09:00:00+06:00"},
}
BODY = "\n\nПервая строка.   \nВторая строка.\n\n"

# Computed once by the canonical form this project has always used; never recompute it.
PINNED = "sha256:62d3396ba578b6ba966e66d98444621d6e9241cc79ee440f30cdb9d992d2b3ab"


def test_the_canonical_form_is_exactly_this():
    assert (
        canonical(FRONT, BODY)
        == (
            '{"author":"petrov","date":"2026-11-20 10:00:00+06:00","tags":["дороги","ремонт"],'
            '"title":"Ремонт дорог"}\n---\nПервая строка.\nВторая строка.'
        ).encode()
    )


def test_the_hash_of_a_known_item_never_changes():
    assert content_hash(FRONT, BODY) == PINNED


def test_approval_and_status_are_not_content_but_every_other_key_is():
    base = content_hash(FRONT, BODY)
    assert content_hash({**FRONT, "status": "draft", "approval": None}, BODY) == base
    assert content_hash({k: v for k, v in FRONT.items() if k not in ("status", "approval")}, BODY) == base
    assert content_hash({**FRONT, "author": "aliev"}, BODY) != base
    assert content_hash(FRONT, BODY.replace("Вторая", "Третья")) != base


def test_blank_ends_and_trailing_spaces_do_not_count():
    base = content_hash(FRONT, BODY)
    assert content_hash(FRONT, "Первая строка.\nВторая строка.") == base
    assert content_hash(FRONT, "Первая строка.  \nВторая строка.\t\n") == base
    assert content_hash(FRONT, "Первая строка.\n\nВторая строка.") != base


def test_leading_spaces_of_the_first_line_count():
    """Only blank lines are trimmed at the ends: an indented first line is a code block in
    Markdown, a different page from the same words as a paragraph."""
    assert content_hash(FRONT, "    code\n") != content_hash(FRONT, "code\n")
    assert content_hash(FRONT, "\n    code\n") == content_hash(FRONT, "    code")


def test_only_blank_lines_are_trimmed_at_the_ends():
    for body in ("X в начале", "в конце X", "  отступ"):
        assert content_hash(FRONT, body) != content_hash(FRONT, body.strip("X "))
