"""JSON-LD and sharing tags of every page, as a crawler reads them."""

from __future__ import annotations

import json
import re
from pathlib import Path

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
    assert reviews[0]["itemReviewed"]["url"] == "https://news.example/most"
    assert reviews[0]["itemReviewed"]["author"]["name"] == "Газета"
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
