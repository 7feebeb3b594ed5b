"""The example site's feeds, subscribe page and open data as readers and tools see them
(issue 30): each feed links its own listing page, an empty feed dates itself by the build,
the subscribe page says which feeds are empty, and CSV booleans are JSON's."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from site_builder.build import build

ROOT = Path(__file__).parent.parent  # the example site
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # 18:00 in Bishkek (+06:00)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("example") / "output"
    assert build(ROOT, NOW, target).ok
    return target


def feeds(out: Path) -> list[tuple[str, str, Path]]:
    """(language prefix, stem, file) of every feed but the changes feed, in each format."""
    found = []
    for path in sorted(out.rglob("feeds/**/*")):
        rel = path.relative_to(out).as_posix()
        prefix, _, name = rel.partition("feeds/")
        stem = name.removesuffix(".json").removesuffix(".rss.xml").removesuffix(".atom.xml")
        if path.is_file() and stem != "changes" and stem != name:
            found.append((prefix, stem, path))
    return found


def page_link(path: Path) -> str:
    """The link a feed gives as the page it belongs to."""
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))["home_page_url"]
    return feedparser.parse(path.read_bytes()).feed.link


def test_each_feed_links_its_own_listing_page(out: Path) -> None:
    found = feeds(out)
    groups = {stem.split("/")[0] for _, stem, _ in found}
    assert {"all", "press-releases", "divisions", "tags"} <= groups and len(found) > 30
    for prefix, stem, path in found:
        listing = "" if stem == "all" else f"{stem}/"
        assert page_link(path) == f"https://press.karakol.example.kg/{prefix}{listing}", path
        assert (out / prefix / listing / "index.html").is_file(), path  # the page is there


def test_an_empty_feed_is_dated_by_the_build_not_2000(out: Path) -> None:
    empty = out / "en/feeds/rebuttals.json"
    assert json.loads(empty.read_text(encoding="utf-8"))["items"] == []
    for name in ("rebuttals.atom.xml", "rebuttals.rss.xml"):
        feed = feedparser.parse((out / "en/feeds" / name).read_bytes())
        assert not feed.bozo and not feed.entries, name
        when = feed.feed.get("updated") or feed.feed.get("published")
        assert when is not None, name
        day = datetime(2026, 11, 21, 18, tzinfo=UTC)  # the build's day starts in Bishkek
        assert datetime(*feed.feed.updated_parsed[:6], tzinfo=UTC) == day, name
    for path in out.rglob("feeds/**/*"):
        if path.is_file():
            assert b"2000-01-01" not in path.read_bytes() and b"01 Jan 2000" not in path.read_bytes(), path


def test_an_empty_feed_is_the_same_for_the_same_now(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "output"
    assert build(ROOT, NOW, again).ok
    for name in ("en/feeds/rebuttals.atom.xml", "en/feeds/rebuttals.rss.xml", "ky/feeds/media-plans.json"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_the_subscribe_page_says_which_feeds_are_empty(out: Path) -> None:
    html = (out / "en/subscribe/index.html").read_text(encoding="utf-8")
    rows = [line for line in html.splitlines() if 'class="feed-title"' in line]
    lines = {line.split("</span>")[0].rsplit(">", 1)[1]: line for line in rows}
    assert "empty for now" in lines["Rebuttals"] and "(0)" not in lines["Rebuttals"]
    assert "empty for now" not in lines["Press releases"]
    ru = (out / "subscribe/index.html").read_text(encoding="utf-8")
    assert "пока пуста" not in ru  # every Russian type feed has items


def test_csv_booleans_are_the_json_ones(out: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((out / "data/items.csv").read_text(encoding="utf-8"))))
    records = json.loads((out / "data/items.json").read_text(encoding="utf-8"))
    records = records if isinstance(records, list) else records["items"]
    assert len(rows) == len(records) > 10
    assert {row["withdrawn"] for row in rows} == {"true", "false"}
    for row, record in zip(rows, records, strict=True):
        assert row["withdrawn"] == json.dumps(record["withdrawn"]), row["id"]
