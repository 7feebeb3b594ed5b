"""JSON-LD and sharing tags of every page, as a crawler reads them."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from test_newsroom_calendar import announcement, built, make_site

REBUTTAL = """---
title: Опровержение
date: 2026-11-02T10:00:00+06:00
status: approved
author: editor
approval: {by: chief, at: "2026-11-01T09:00:00+06:00"}
detected_at: 2026-11-01T08:00:00+06:00
original:
  outlet: Газета
  title: "Мост </script><b>рухнул"
  url: https://news.example/most
  published: 2026-10-31T10:00:00+06:00
verdict: distorted
facts:
  - {claim: Мост рухнул, fact: Мост стоит}
  - {claim: Денег нет, fact: Деньги есть}
  - {claim: Ремонта не будет, fact: Ремонт идёт}
---
Текст.
"""
RELEASE = """---
title: Пресс-релиз
date: 2026-11-03T10:00:00+06:00
status: approved
author: editor
summary: Кратко о главном
approval: {by: chief, at: "2026-11-03T09:00:00+06:00"}
corrections:
  - {at: "2026-11-04T10:00:00+06:00", note: Исправлена дата}
---
Текст.
"""
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def graphs(page: Path) -> list[dict]:
    html = page.read_text(encoding="utf-8")
    found = SCRIPT.findall(html)
    assert len(found) == 1, page
    return json.loads(found[0])["@graph"]


def types(graph: list[dict]) -> list[str]:
    return [node["@type"] for node in graph]


def test_every_page_has_parseable_json_ld_and_sharing_tags(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "content/rebuttals/r.md": REBUTTAL,
            "content/press-releases/p.md": RELEASE,
            "content/announcements/a.md": announcement("Событие", "2026-12-05T10:00:00+06:00"),
        },
    )
    out = built(site)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        if page.name == "404.html" or "search" in page.parts:
            continue
        graph = graphs(page)
        assert graph[0]["@type"] == "Organization", page
        html = page.read_text(encoding="utf-8")
        for prop in ("og:title", "og:description", "og:url", "twitter:card"):
            assert f'"{prop}"' in html, (page, prop)

    release = graphs(out / "press-releases/p/index.html")
    assert types(release) == ["Organization", "NewsArticle"]
    assert release[1]["correction"][0]["@type"] == "CorrectionComment"
    assert release[1]["url"] == "https://press.example.kg/press-releases/p/"

    event = graphs(out / "announcements/a/index.html")
    assert "Event" in types(event)
    assert (
        next(n for n in event if n["@type"] == "Event")["eventStatus"] == "https://schema.org/EventScheduled"
    )

    rebuttal = graphs(out / "rebuttals/r/index.html")
    reviews = [n for n in rebuttal if n["@type"] == "ClaimReview"]
    assert len(reviews) == 3
    assert {r["reviewRating"]["ratingValue"] for r in reviews} == {2}
    assert reviews[0]["reviewRating"]["alternateName"] == "Искажение"
    assert reviews[0]["itemReviewed"]["appearance"]["url"] == "https://news.example/most"
    assert reviews[0]["itemReviewed"]["appearance"]["publisher"]["name"] == "Газета"
    raw = (out / "rebuttals/r/index.html").read_text(encoding="utf-8")
    assert "</script><b>" not in raw  # the original's title cannot break out of the script element

    page = (out / "press-releases/p/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:url" content="https://press.example.kg/press-releases/p/">' in page
    assert '<meta property="og:description" content="Кратко о главном">' in page


def test_cancelled_and_rescheduled_events_say_so(tmp_path: Path) -> None:
    cancelled = announcement(
        "Отменённое",
        "2026-12-06T10:00:00+06:00",
        approved="2026-11-11T09:00:00+06:00",
        extra_event="  status: cancelled\n  cancel_reason: Болезнь спикера\n",
        changes='  changes:\n    - {at: "2026-11-11T08:00:00+06:00", note: "Отменено"}\n',
    )
    moved = announcement(
        "Перенесённое",
        "2026-12-07T15:00:00+06:00",
        approved="2026-11-11T09:00:00+06:00",
        changes='  changes:\n    - {at: "2026-11-11T08:00:00+06:00", note: "Перенесено"}\n',
    )
    site = make_site(tmp_path, {"content/announcements/c.md": cancelled, "content/announcements/m.md": moved})
    out = built(site)
    for slug, status in (("c", "EventCancelled"), ("m", "EventRescheduled")):
        event = next(n for n in graphs(out / f"announcements/{slug}/index.html") if n["@type"] == "Event")
        assert event["eventStatus"] == f"https://schema.org/{status}"


# The example site (the repository root), built once, as a crawler reads its JSON-LD.
REPO = Path(__file__).resolve().parent.parent
EXAMPLE_NOW = "2026-11-22T12:00:00+06:00"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from site_builder.build import build

    out = tmp_path_factory.mktemp("example") / "output"
    result = build(REPO, datetime.fromisoformat(EXAMPLE_NOW), out)
    assert result.ok, result.problems
    return out


def nodes(out: Path, page: str, kind: str) -> list[dict]:
    return [n for n in graphs(out / page / "index.html") if n["@type"] == kind]


def test_a_rescheduled_event_names_its_previous_start(example: Path) -> None:
    (event,) = nodes(example, "announcements/brifing-podgotovka-k-zime", "Event")
    assert event["eventStatus"] == "https://schema.org/EventRescheduled"
    assert event["startDate"] == "2026-11-25T10:00:00+06:00"
    assert event["previousStartDate"] == "2026-11-25T11:00:00+06:00"


def test_an_event_location_is_a_place_with_a_postal_address(example: Path) -> None:
    (event,) = nodes(example, "announcements/brifing-podgotovka-k-zime", "Event")
    place = event["location"]
    assert place["@type"] == "Place" and place["name"].startswith("Мэрия города Каракол")
    assert place["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "ул. Абдрахманова, 130",
        "addressLocality": "Каракол",
        "addressRegion": "Иссык-Кульская область",
        "addressCountry": "KG",
    }
    assert event["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    # an address written as plain text only: the text is the street, the rest the site's
    (event,) = nodes(example, "announcements/kruglyi-stol-gornolyzhnyi-turizm", "Event")
    address = event["location"]["address"]
    assert address["streetAddress"] == event["location"]["name"]
    assert (address["addressLocality"], address["addressCountry"]) == ("Каракол", "KG")


def test_online_and_mixed_events_carry_a_virtual_location(example: Path) -> None:
    (online,) = nodes(example, "announcements/onlain-brifing-zimnie-kanikuly", "Event")
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert online["location"] == {
        "@type": "VirtualLocation",
        "url": "https://live.karakol.example.kg/kanikuly-2026",
    }
    (mixed,) = nodes(example, "announcements/pryamoi-efir-mera", "Event")
    assert mixed["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [p["@type"] for p in mixed["location"]] == ["Place", "VirtualLocation"]
    assert mixed["location"][1]["url"] == "https://live.karakol.example.kg/mer-2026-12-10"


def test_an_event_has_free_offers_its_division_as_organizer_and_an_image(example: Path) -> None:
    page = "announcements/brifing-podgotovka-k-zime"
    (event,) = nodes(example, page, "Event")
    url = "https://press.karakol.example.kg/" + page + "/"
    assert event["offers"] == {
        "@type": "Offer",
        "price": 0,
        "priceCurrency": "KGS",
        "availability": "https://schema.org/InStock",
        "url": url,
        "validFrom": "2026-11-16T09:00:00+06:00",
    }
    organizer = event["organizer"]
    assert organizer["@type"] == "Organization"
    assert organizer["name"] == "Управление жилищно-коммунального хозяйства"
    assert organizer["url"] == "https://press.karakol.example.kg/divisions/city-services/"
    assert (example / "divisions/city-services/index.html").is_file()
    assert event["image"] == "https://press.karakol.example.kg/static/karakol-emblem.svg"
    # a cancelled event offers nothing
    (cancelled,) = nodes(example, "announcements/press-konferenciya-elektronnaya-ochered", "Event")
    assert "offers" not in cancelled


def test_a_claim_review_reviews_a_claim_that_appeared_in_the_original(example: Path) -> None:
    reviews = nodes(example, "rebuttals/tarify-na-vodu", "ClaimReview")
    assert reviews
    for review in reviews:
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim" and claim["name"] == review["claimReviewed"]
        assert claim["appearance"] == claim["firstAppearance"]
        original = claim["appearance"]
        assert original["@type"] == "CreativeWork"
        assert original["url"] == "https://issykkol-info.example.kg/news/2026/11/15/voda-vdvoe"
        assert original["headline"] == "С января жителям Каракола придётся платить за воду вдвое больше"
        assert original["datePublished"] == "2026-11-15T20:10:00+06:00"
        assert original["publisher"] == {"@type": "Organization", "name": "Новостной портал «Ысык-Көл Инфо»"}
        assert original["author"] == {"@type": "Person", "name": "Эрмек Султаналиев"}
        assert claim["author"] == original["author"]


def test_every_article_and_event_of_the_example_has_an_image(example: Path) -> None:
    counted = 0
    for page in sorted(example.rglob("index.html")):
        for node in graphs(page) if "search" not in page.parts else []:
            if node["@type"] in {"Article", "NewsArticle", "Event"}:
                assert node.get("image"), (page, node["@type"])
                counted += 1
            if node["@type"] == "Organization" and "@id" in node:
                assert node["logo"].endswith("/static/karakol-emblem.svg")
    assert counted > 40


def png(width: int, height: int = 10) -> bytes:
    """A PNG's signature and header chunk: what the width check reads."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


def jpeg(width: int, height: int = 10) -> bytes:
    import struct

    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8"
        + b"\xff\xc0"
        + struct.pack(">H", len(frame) + 2)
        + frame
        + b"\xff\xda\x00\x02"
        + b"\xff\xd9"
    )


@pytest.mark.parametrize(
    ("files", "codes"),
    [
        ({"static/wide.png": png(1600)}, []),
        ({"static/wide.png": png(800)}, [("SITE_IMAGE_SMALL", 4)]),
        ({"static/wide.png": jpeg(1200)}, []),
        ({"static/wide.png": jpeg(640)}, [("SITE_IMAGE_SMALL", 4)]),
        ({"static/wide.png": b"\x89PNG\r\n\x1a\n"}, [("SITE_PICTURE_UNREADABLE", 4)]),
        ({}, [("SITE_PICTURE_MISSING", 4)]),
    ],
)
def test_a_site_image_narrower_than_1200_px_is_a_config_warning(
    tmp_path: Path, files: dict[str, bytes], codes: list[tuple[str, int]]
) -> None:
    from test_newsroom_calendar import CONFIG

    from site_builder.build import check

    config = CONFIG.replace("  timezone:", "  image: static/wide.png\n  timezone:")
    site = make_site(tmp_path, {"config.yaml": config, "content/press-releases/p.md": RELEASE})
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    result = check(site, datetime.fromisoformat(EXAMPLE_NOW))
    found = [(p.code, p.line) for p in result.problems if p.code.startswith("SITE_")]
    assert found == codes
    assert all(
        p.severity == "warning" and p.path == "config.yaml"
        for p in result.problems
        if p.code.startswith("SITE_")
    )
    # the picture is still every page's default, whatever its width
    out = built(site)
    (node,) = [n for n in graphs(out / "index.html") if n["@type"] == "Organization"]
    assert node["logo"] == "https://press.example.kg/static/wide.png"
