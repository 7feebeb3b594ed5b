"""Tests that kill mutants of site_builder/load/markers.py which the marker tests let live
(issue 31, tests/MUTANTS.md): how a marker is reported when the same item shows it more than
once — as written, decoded from a YAML escape, or as the page renders the body — and that
every marker on a line is named, each on its file line."""

from __future__ import annotations

import base64
from pathlib import Path

from hardkit import NOW
from sitekit import item, make_site

from site_builder.build import check
from site_builder.load import markers
from site_builder.load.frontmatter import Split


def _found(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    """(line, marker as shown) of each RESTRICTED_MARKER of one press release, in order."""
    root = make_site(tmp_path, {"content/press-releases/a.md": text})
    result = check(root, NOW)
    assert {p.code for p in result.problems if p.is_error} <= {"RESTRICTED_MARKER"}, result.problems
    return sorted((p.line, dict(p.args)["marker"]) for p in result.problems if p.code == "RESTRICTED_MARKER")


def _line(text: str, piece: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if piece in line)


def test_two_markers_on_one_line_are_both_named(tmp_path: Path) -> None:
    """One problem per line *and marker* (x_find 19: every marker of a line as one)."""
    text = item("Заголовок", body="Первый.\n\nПриказ ДСП, секретно.\n")
    line = _line(text, "Приказ")
    assert _found(tmp_path, text) == [(line, "ДСП"), (line, "секретно")]


def test_a_marker_only_an_escape_shows_is_named_after_one_the_raw_line_shows(tmp_path: Path) -> None:
    """The decoded title shows «ДСП», already named on its line, and «секретно» written as
    a YAML escape: the second is named too (x_find 35: `continue` → `break`)."""
    text = item("Заголовок").replace("title: Заголовок", 'title: "ДСП \\u0441екретно"')
    line = _line(text, "title:")
    assert _found(tmp_path, text) == [(line, "ДСП"), (line, "секретно")]


def test_a_marker_in_a_first_block_scalar_is_named_once_on_its_own_line(tmp_path: Path) -> None:
    """A block scalar's decoded value starts on its key's line: the marker is named on the
    line the raw text shows it, once, even when the decoded part would sort first
    (x_find 11, 13: the parts no longer taken exact first)."""
    text = item("Заголовок").replace("title:", "summary: |\n  (ДСП) приказ\ntitle:")
    assert _found(tmp_path, text) == [(_line(text, "(ДСП)"), "ДСП")]


def test_a_marker_in_the_body_is_not_named_again_at_its_first_line_for_the_page(tmp_path: Path) -> None:
    """A body with a character reference is read a second time as the page shows it; a
    marker the body shows as written is named on its own line only (x_parts_of 44, 51: the
    rendered body taken as exact)."""
    text = item("Заголовок", body="Первый &amp; второй.\n\nПриказ ДСП.\n")
    assert _found(tmp_path, text) == [(_line(text, "Приказ"), "ДСП")]


def test_a_marker_the_page_shows_at_the_end_of_a_line_is_found(tmp_path: Path) -> None:
    """«&#1044;СП» at the end of a line: only the rendered page shows «ДСП», followed by a
    line break, which must stay a gap, not become letters (x_parts_of 50)."""
    text = item("Заголовок", body="Приказ &#1044;СП\nот вчера.\n")
    assert _found(tmp_path, text) == [(_line(text, "Приказ"), "ДСП")]


def test_a_marker_in_a_list_only_its_escapes_show_is_found_on_its_line(tmp_path: Path) -> None:
    """A tag written as YAML escapes (x__strings 6: list items not looked into)."""
    text = item("Заголовок").replace("division:", 'tags:\n  - город\n  - "\\u0414\\u0421\\u041f"\ndivision:')
    assert _found(tmp_path, text) == [(_line(text, "\\u0414"), "ДСП")]


def test_bytes_that_are_not_utf8_are_read_with_replacements_not_refused() -> None:
    """`!!binary` that is not UTF-8 never reaches the marker check today (BAD_VALUE first),
    but parts_of must not raise on it either (x__strings 13, 16, 17: strict decoding or an
    unknown error handler)."""
    data = {"summary": "ДСП".encode() + b"\xff", "title": "Заголовок"}
    lines = {("summary",): 2, ("title",): 3}
    split = Split(
        yaml=f"summary: !!binary {base64.b64encode(data['summary']).decode()}\ntitle: x", body="", body_line=5
    )
    parts = markers.parts_of(data, lines, split, "")
    found = markers.find("a.md", parts, ["ДСП"])
    assert [(p.line, p.code) for p in found] == [(2, "RESTRICTED_MARKER")]


def test_a_text_without_a_marker_is_not_reported(tmp_path: Path) -> None:
    text = item("Несекретно", body="Первый &amp; второй.\n\nСекретарь ДСПшник, не секрет но.\n")
    assert _found(tmp_path, text) == []


def _lines(text: str, wanted: list[str]) -> list[int]:
    return [p.line for p in markers.find("a.md", [markers.Part(7, text)], wanted)]


def test_a_whole_marker_spaced_out_letter_by_letter_is_found() -> None:
    """Every word spaced out, the later ones too (x__word 12: a later word's spaced form
    needed a literal before it)."""
    assert _lines(
        "Вступление.\nД л я  с л у ж е б н о г о  п о л ь з о в а н и я.", ["для служебного пользования"]
    ) == [8]


def test_a_spaced_out_word_right_after_the_previous_word_is_found() -> None:
    """Nothing visible between two words of a marker, the second spaced out: the words may
    be glued, and this one is spaced in every gap (x__word 11: a gap demanded before it)."""
    assert _lines("для служебногоп.о.л.ь.з.о.в.а.н.и.я", ["для служебного пользования"]) == [7]


def test_a_two_letter_word_of_a_marker_spaced_out_is_found() -> None:
    """A configured marker with a two-letter word, «Н.Е. для печати» (x__word 18, 19: words
    of two letters only as written together)."""
    assert _lines("Текст.\nН.Е. для печати", ["не для печати"]) == [8]
    assert _lines("Текст.\nНе для печатиков", ["не для печати"]) == []


def test_a_marker_that_starts_above_the_bmp_is_found() -> None:
    """The first-character class takes everything above the BMP from U+10000 on
    (x__initials 34: from U+10001)."""
    assert _lines("знак \U00010000а здесь", ["\U00010000а"]) == [7]


def test_a_marker_that_starts_anywhere_above_the_bmp_is_found() -> None:
    """Not only at U+10000: the class holds the whole range (x__class 5, 8: a range as its
    first character only).  U+10330 is a Gothic letter, without case or compatibility form."""
    assert _lines("знак \U00010330а здесь", ["\U00010330а"]) == [7]
