"""JSON Feed and the changes-and-corrections feed, read by real feed parsers."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from test_newsroom_calendar import NOW, announcement, built, make_site
from test_newsroom_structured import RELEASE

from site_builder.build import build

WITHDRAWN = """---
title: Отозванный
date: 2026-11-03T10:00:00+06:00
status: withdrawn
author: editor
approval: {by: chief, at: "2026-11-03T09:00:00+06:00"}
withdrawn: {at: "2026-11-05T10:00:00+06:00", reason: Ошибка в цифрах}
---
Текст.
"""
DRAFT = """---
title: Черновик секретный
date: 2026-11-03T10:00:00+06:00
author: editor
status: draft
corrections:
  - {at: "2026-11-04T10:00:00+06:00", note: Секретная правка}
---
Текст.
"""


def newsroom(tmp_path: Path) -> Path:
    cancelled = announcement(
        "Отменённое",
        "2026-12-06T10:00:00+06:00",
        approved="2026-11-11T09:00:00+06:00",
        extra_event="  status: cancelled\n  cancel_reason: Болезнь спикера\n",
        changes='  changes:\n    - {at: "2026-11-11T08:00:00+06:00", note: "Отменено"}\n',
    )
    return make_site(
        tmp_path,
        {
            "content/press-releases/p.md": RELEASE,
            "content/press-releases/w.md": WITHDRAWN,
            "content/press-releases/d.md": DRAFT,
            "content/announcements/a.md": cancelled,
        },
    )


def test_changes_feed_has_one_entry_per_change(tmp_path: Path) -> None:
    out = built(newsroom(tmp_path))
    for name in ("changes.atom.xml", "changes.rss.xml"):
        feed = feedparser.parse((out / "feeds" / name).read_bytes())
        assert not feed.bozo, (name, feed.bozo_exception)
        titles = [e.title for e in feed.entries]
        assert len(titles) == 4, titles  # correction, withdrawal, event change, cancellation
        ids = [e.id for e in feed.entries]
        assert len(set(ids)) == len(ids)
        assert not any("Черновик" in t for t in titles)
    atom = feedparser.parse((out / "feeds/changes.atom.xml").read_bytes())
    assert tuple(atom.feed.updated_parsed)[:5] == (2026, 11, 11, 2, 0)  # the newest change, not the build
    correction = next(e for e in atom.entries if e.id.endswith("#correction-1"))
    assert tuple(correction.updated_parsed)[:5] == (2026, 11, 4, 4, 0)
    assert "Исправлена дата" in correction.summary


def test_json_feeds_have_the_required_fields(tmp_path: Path) -> None:
    out = built(newsroom(tmp_path))
    paths = sorted((out / "feeds").rglob("*.json"))
    assert {p.name for p in paths} >= {"all.json", "press-releases.json", "announcements.json"}
    for path in paths:
        feed = json.loads(path.read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"] and isinstance(feed["items"], list)
        assert feed["feed_url"] == "https://press.example.kg/" + path.relative_to(out).as_posix()
        for item in feed["items"]:
            assert isinstance(item["id"], str) and item["id"]
            assert item["url"].startswith("https://press.example.kg/")
            assert "content_html" in item or "content_text" in item
            assert "Секретн" not in json.dumps(item, ensure_ascii=False)
    everything = json.loads((out / "feeds/all.json").read_text(encoding="utf-8"))
    assert len(everything["items"]) == 3


def test_feeds_do_not_change_between_builds(tmp_path: Path) -> None:
    site = newsroom(tmp_path)
    out = built(site)
    first = {p: (out / p).read_bytes() for p in ("feeds/all.json", "feeds/changes.atom.xml")}
    assert build(site, NOW.replace(hour=20)).ok
    assert {p: (out / p).read_bytes() for p in first} == first


def test_every_feed_links_the_site_and_names_itself(tmp_path: Path) -> None:
    out = built(newsroom(tmp_path))
    paths = sorted((out / "feeds").rglob("*.xml"))
    assert any(p.name == "changes.rss.xml" for p in paths) and len(paths) > 6
    for path in paths:
        feed = feedparser.parse(path.read_bytes())
        own = "https://press.example.kg/" + path.relative_to(out).as_posix()
        selves = [link.href for link in feed.feed.links if link.rel == "self"]
        assert selves == [own], (path.name, feed.feed.links)
        stem = path.relative_to(out / "feeds").as_posix().rsplit(".", 2)[0]  # tags/x.rss.xml: tags/x
        page = "https://press.example.kg/" + ("" if stem in ("all", "changes") else stem + "/")
        assert feed.feed.link == page, path.name


def test_attachments_are_enclosures_with_type_and_length(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent  # the example site: a press release with a document and a photo
    out = tmp_path / "output"
    assert build(root, NOW, out).ok
    folder = root / "content/press-releases/2026/zimnee-soderzhanie"
    sizes = {p.name: p.stat().st_size for p in folder.iterdir() if p.suffix in (".docx", ".png")}
    assert len(sizes) == 2
    for name, expected in (("all.atom.xml", set(sizes)), ("all.rss.xml", {"grafik-uborki-snega.docx"})):
        feed = feedparser.parse((out / "feeds" / name).read_bytes())
        assert not feed.bozo, (name, feed.bozo_exception)
        entry = next(e for e in feed.entries if e.link.endswith("/zimnee-soderzhanie/"))
        found = {x.href.rsplit("/", 1)[1]: x for x in entry.enclosures}
        assert set(found) == expected, name
        for file, enclosure in found.items():
            assert int(enclosure.length) == sizes[file] and enclosure.type, (name, file)
        alternates = [link.href for link in entry.links if link.rel == "alternate"]
        assert alternates == [entry.link], (name, entry.links)  # attachments are not alternates
