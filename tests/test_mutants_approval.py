"""The approval hash is a stored promise: every `approval.hash` in the content was computed by
today's canonical form, so any change of that form voids them all.  Found by mutation testing
(tests/MUTANTS.md): the CLI tests approve and then check with the same function, so a mutant
that changes the form consistently (separators, key order, ASCII escapes, the body's trim, the
prefix) passed every test.  The trailer binds the hash to the item's identity and attachments
(issue 24): each of its parts is tested to count."""

from __future__ import annotations

import datetime as dt
import hashlib

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
KEY = "press-releases/remont-dorog"
LANG = "ru"
# Not in name order (they are sorted), one name not ASCII.
ATTACHMENTS = [
    ("схема.png", hashlib.sha256(b"PNG").hexdigest()),
    ("grafik.docx", hashlib.sha256(b"DOCX").hexdigest()),
]
PNG, DOCX = ATTACHMENTS[0][1], ATTACHMENTS[1][1]

# Computed once by the canonical form this project uses since issue 24; never recompute it.
PINNED = "sha256:1ed23a5f5fdd0555cd1a5573fed4f41e584df0c9ff8ccd6f2de748748615248d"


def digest(front=FRONT, body=BODY, key=KEY, lang=LANG, attachments=ATTACHMENTS) -> str:
    return content_hash(front, body, key, lang, attachments)


def test_the_canonical_form_is_exactly_this():
    assert (
        canonical(FRONT, BODY, KEY, LANG, ATTACHMENTS)
        == (
            '{"author":"petrov","date":"2026-11-20 10:00:00+06:00","tags":["дороги","ремонт"],'
            '"title":"Ремонт дорог"}\n---\nПервая строка.\nВторая строка.\n---\n'
            f'{{"attachments":[["grafik.docx","{DOCX}"],["схема.png","{PNG}"]],'
            '"item":"press-releases/remont-dorog","lang":"ru"}'
        ).encode()
    )


def test_without_attachments_the_trailer_holds_an_empty_list():
    assert canonical(FRONT, "Текст.", KEY, LANG).endswith(
        b'\n---\n{"attachments":[],"item":"press-releases/remont-dorog","lang":"ru"}'
    )


def test_the_hash_of_a_known_item_never_changes():
    assert digest() == PINNED


def test_approval_and_status_are_not_content_but_every_other_key_is():
    base = digest()
    assert digest(front={**FRONT, "status": "draft", "approval": None}) == base
    assert digest(front={k: v for k, v in FRONT.items() if k not in ("status", "approval")}) == base
    assert digest(front={**FRONT, "author": "aliev"}) != base
    assert digest(body=BODY.replace("Вторая", "Третья")) != base


def test_the_item_identity_counts():
    """A copy of an approved file to another path or language is not approved."""
    base = digest()
    assert digest(key="press-releases/remont-dorog-2") != base
    assert digest(key="rebuttals/remont-dorog") != base
    assert digest(lang="ky") != base


def test_every_attachment_counts_by_name_and_bytes_in_any_order():
    base = digest()
    assert digest(attachments=list(reversed(ATTACHMENTS))) == base
    assert digest(attachments=ATTACHMENTS[:1]) != base  # removed
    assert digest(attachments=[*ATTACHMENTS, ("ещё.pdf", PNG)]) != base  # added
    assert digest(attachments=[("схема2.png", PNG), ATTACHMENTS[1]]) != base  # renamed
    assert digest(attachments=[("схема.png", DOCX), ATTACHMENTS[1]]) != base  # replaced
    assert digest(attachments=[("схема.png", DOCX), ("grafik.docx", PNG)]) != base  # swapped
    assert digest(attachments=()) != base


def test_the_parts_never_run_into_one_another():
    """The head and the trailer are one line each: a body that ends like a trailer, or
    names that hold a separator, cannot make another item's hash."""
    trailer = '{"attachments":[],"item":"x/y","lang":"ru"}'
    assert digest(body="Текст.\n---\n" + trailer, key="x/z", attachments=()) != digest(
        body="Текст.", key="x/y", attachments=()
    )
    assert b"\n" not in canonical(FRONT, "", "a\n---\nb", "ru", [("a\nb", PNG)]).split(b"\n---\n", 2)[2]


def test_blank_ends_and_trailing_spaces_do_not_count():
    base = digest()
    assert digest(body="Первая строка.\nВторая строка.") == base
    assert digest(body="Первая строка.  \nВторая строка.\t\n") == base
    assert digest(body="Первая строка.\n\nВторая строка.") != base


def test_leading_spaces_of_the_first_line_count():
    """Only blank lines are trimmed at the ends: an indented first line is a code block in
    Markdown, a different page from the same words as a paragraph."""
    assert digest(body="    code\n") != digest(body="code\n")
    assert digest(body="\n    code\n") == digest(body="    code")


def test_only_blank_lines_are_trimmed_at_the_ends():
    for body in ("X в начале", "в конце X", "  отступ"):
        assert digest(body=body) != digest(body=body.strip("X "))
