"""A withdrawal reason is text in every feed: RSS, Atom, JSON Feed and the changes feeds.

Feed readers render an entry's content (Atom type="html", RSS description, JSON Feed
content_html) as HTML, so the reason must arrive there escaped: no <script> element in the
XML, none in the HTML a reader makes of a field, and the reader's text is the reason exactly.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree
from sitekit import NOW, item, make_site

from site_builder.build import build
from site_builder.speed.session import Session

REASON = 'Ошибка <script>alert(1)</script> в цифрах ]]> «A & B» &amp; "кавычки" <b>жирно</b> конец'
TITLE = "Отозванная новость"
SLUG = "otozvannaia"
FEEDS = ("all", "press-releases", "changes")
HTML_FIELDS = {"description", "encoded", "content", "summary"}  # RSS, content:encoded, Atom


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    withdrawn = item(
        TITLE,
        status="withdrawn",
        withdrawn={"at": "2026-11-21T10:00:00+06:00", "reason": REASON},
        body="Текст отозванной новости.\n",
    )
    root = make_site(
        tmp_path_factory.mktemp("withdrawal"),
        {f"content/press-releases/{SLUG}.md": withdrawn, "content/press-releases/other.md": item("Другая")},
    )
    result = build(root, datetime.fromisoformat(NOW), root / "output", session=Session.of(root, 1))
    assert result.ok, [(p.path, p.code) for p in result.problems if p.is_error]
    return root / "output"


def reader_text(html: str) -> tuple[str, list[str]]:
    """What a feed reader shows of an HTML field: its text, and the elements it would make."""
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    return fragment.text_content(), [e.tag for e in fragment.iter() if isinstance(e.tag, str)]


def assert_shown_as_text(html: str, where: str) -> None:
    text, tags = reader_text(html)
    assert "script" not in tags and "b" not in tags, (where, tags, html)
    assert REASON in text, (where, text)


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("stem", FEEDS)
def test_reason_is_text_in_xml_feeds(output: Path, stem: str, fmt: str) -> None:
    data = (output / f"feeds/{stem}.{fmt}.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert any(e.link.endswith(f"/{SLUG}/") for e in parsed.entries)
    root = etree.fromstring(data)  # well-formed: the reason's "]]>" and "&" broke nothing
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    assert not [e for e in elements if etree.QName(e).localname.lower() == "script"]
    fields = [
        e.text
        for e in elements
        if etree.QName(e).localname in HTML_FIELDS and e.text and "alert(1)" in e.text
    ]
    assert fields, f"the reason is not in {stem}.{fmt}.xml"
    for html in fields:
        assert_shown_as_text(html, f"{stem}.{fmt}.xml")


@pytest.mark.parametrize("stem", ["all", "press-releases"])
def test_reason_is_text_in_json_feeds(output: Path, stem: str) -> None:
    feed = json.loads((output / f"feeds/{stem}.json").read_text(encoding="utf-8"))
    [entry] = [e for e in feed["items"] if e["url"].endswith(f"/{SLUG}/")]
    assert_shown_as_text(entry["content_html"], f"{stem}.json")
    assert "Текст отозванной новости" not in json.dumps(entry, ensure_ascii=False)
