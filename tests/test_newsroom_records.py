"""Media requests register, media plan vs fact, press centre, open data, and the link walk."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sitekit import approve_records
from test_newsroom_calendar import CONFIG, NOW, announcement, built, make_site
from test_newsroom_feeds import DRAFT, WITHDRAWN
from test_newsroom_structured import REBUTTAL, RELEASE

from site_builder.build import build, check
from site_builder.judge.workdays import WorkingDays
from site_builder.load.config import WorkCalendar
from site_builder.speed.cache import Cache


def test_holidays_are_kept_in_the_build_cache(tmp_path: Path) -> None:
    """A year's holidays are worked out once per cache: later builds read them from it."""
    settings = WorkCalendar(country="RU")
    store = Cache(tmp_path / "cache")
    days = WorkingDays(settings, store)
    assert not days.is_working(date(2026, 11, 4))  # Unity Day, a Wednesday
    assert store.get("holidays", "RU-2026") == days.holidays(2026) == WorkingDays(settings).holidays(2026)
    # What the cache holds is what the next build goes by (here: a made-up holiday).
    store.put("holidays", "RU-2026", frozenset({date(2026, 11, 5)}))
    again = WorkingDays(settings, Cache(tmp_path / "cache"))
    assert again.is_working(date(2026, 11, 4)) and not again.is_working(date(2026, 11, 5))


def test_readying_the_package_ahead_is_skipped_when_the_cache_has_the_year(
    tmp_path: Path, monkeypatch
) -> None:
    import holidays

    asked: list[str] = []
    real = holidays.country_holidays
    monkeypatch.setattr(
        holidays, "country_holidays", lambda country, **kw: asked.append(country) or real(country, **kw)
    )
    store = Cache(tmp_path / "cache")
    days = WorkingDays(WorkCalendar(country="RU"), store)
    days.prepare(2026)
    assert asked == ["RU"]
    days.holidays(2026)  # worked out and kept in the cache
    asked.clear()
    WorkingDays(WorkCalendar(country="RU"), Cache(tmp_path / "cache")).prepare(2026)
    assert asked == []


def request(received: str, answered: str = "", public: bool = False, topic: str = "Тема") -> str:
    return f"""---
received: {received}
outlet: Газета
topic: {topic}
answered: {answered}
answer_summary: Ответ дан
public: {str(public).lower()}
---
"""


@pytest.mark.parametrize(
    ("country", "received", "deadline", "extra_off"),
    [
        # KG: 2026-03-20 (Eid al-Fitr, Fri) and the weekends are skipped: 14 working days → Tue 31 March.
        ("KG", date(2026, 3, 10), date(2026, 3, 31), []),
        # … and one declared extra day off (Mon 23 March) moves it to 1 April.
        ("KG", date(2026, 3, 10), date(2026, 4, 1), [date(2026, 3, 23)]),
        # RU: 2026-11-04 (Unity Day, Wed) and the weekends are skipped → Thu 19 November.
        ("RU", date(2026, 10, 29), date(2026, 11, 19), []),
    ],
)
def test_request_deadline_counts_working_days(
    tmp_path: Path, country: str, received: date, deadline: date, extra_off: list[date]
) -> None:
    assert WorkingDays(WorkCalendar(country=country, extra_days_off=extra_off)).add(received, 14) == deadline
    extra = "".join(f"\n    - {d.isoformat()}" for d in extra_off)
    config = (
        CONFIG + f"calendar:\n  country: {country}\n  extra_days_off: [{', '.join(map(str, extra_off))}]\n"
    )
    del extra
    site = make_site(
        tmp_path,
        {"config.yaml": config, "content/media-requests/a.md": request(received.isoformat(), public=True)},
    )
    approve_records(site, by="chief", author="editor", at="2026-01-01T09:00:00+06:00")
    data = json.loads((built(site) / "data/media-requests.json").read_text(encoding="utf-8"))
    row = next(r for r in data if r["row_type"] == "request")
    assert row["deadline"] == deadline.isoformat()


def test_check_warns_near_and_after_the_deadline(tmp_path: Path) -> None:
    config = CONFIG + "calendar: {country: RU}\n"
    site = make_site(
        tmp_path,
        {
            "config.yaml": config,
            "content/media-requests/due.md": request("2026-11-05"),  # deadline 25 Nov: 3 working days left
            "content/media-requests/late.md": request("2026-10-29"),  # deadline 19 Nov: overdue
            "content/media-requests/done.md": request("2026-10-29", answered="2026-11-02"),
            "content/media-requests/fresh.md": request("2026-11-20"),
            "content/media-requests/bad.md": "---\nreceived: 2026-11-20\noutlet: X\n---\n",
        },
    )
    result = check(site, NOW)
    found = {(p.path, p.code) for p in result.problems}
    assert ("content/media-requests/due.md", "REQUEST_DUE") in found
    assert ("content/media-requests/late.md", "REQUEST_OVERDUE") in found
    assert not any(p.path.endswith(("done.md", "fresh.md")) for p in result.problems)
    bad = [p for p in result.problems if p.path.endswith("bad.md")]
    assert bad and all(p.is_error for p in bad)  # topic: missing, reported with file and line
    due = next(p for p in result.problems if p.code == "REQUEST_DUE")
    assert dict(due.args)["deadline"] == "2026-11-25"


def test_statistics_page_counts_all_but_lists_only_public(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "content/media-requests/a.md": request(
                "2026-10-01", "2026-10-05", public=True, topic="Публичная тема"
            ),
            "content/media-requests/b.md": request("2026-10-02", "2026-11-20", topic="Закрытая тема"),
            "content/media-requests/c.md": request("2026-11-20", topic="Вторая закрытая"),
        },
    )
    approve_records(site, by="chief", author="editor")
    out = built(site)
    page = (out / "media-requests/index.html").read_text(encoding="utf-8")
    assert "Публичная тема" in page
    everything = "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()
    )
    assert "Публичная тема" in everything
    assert "Закрытая тема" not in everything and "Вторая закрытая" not in everything
    rows = json.loads((out / "data/media-requests.json").read_text(encoding="utf-8"))
    stats = {r["month"]: r for r in rows if r["row_type"] != "request"}
    assert (stats["2026-10"]["received"], stats["2026-10"]["on_time"], stats["2026-10"]["late"]) == (2, 1, 1)
    assert (stats["2026-11"]["received"], stats["2026-11"]["open"]) == (1, 1)
    assert stats["total"]["received"] == 3


PLAN = """---
title: Медиаплан
date: 2026-11-01T10:00:00+06:00
status: approved
author: editor
approval: {by: chief, at: "2026-11-01T09:00:00+06:00"}
period: {from: 2026-11-01, to: 2026-11-30}
entries:
  - {date: 2026-11-03, channel: site, outlet: Сайт, topic: Сделано, responsible: pr, ref: press-releases/p.md}
  - {date: 2026-11-10, channel: media, outlet: ТВ, topic: Забыто, responsible: chief}
  - {date: 2026-11-28, channel: social, outlet: Телеграм, topic: Будет, responsible: editor}
---
План.
"""


def test_plan_overdue_entries_are_reported_and_shown(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/press-releases/p.md": RELEASE, "content/media-plans/m.md": PLAN})
    result = check(site, NOW)
    overdue = [p for p in result.problems if p.code == "PLAN_ENTRY_OVERDUE"]
    assert len(overdue) == 1 and dict(overdue[0].args)["topic"] == "Забыто"
    out = built(site)
    page = (out / "media-plans/m/index.html").read_text(encoding="utf-8")
    assert "plan-overdue" in page and "plan-done" in page
    assert re.search(r"Отдел[^<]*</th>\s*<td>1</td>\s*<td>2</td>\s*<td>50%</td>", page), page
    rows = list(csv.DictReader(io.StringIO((out / "data/media-plan.csv").read_text(encoding="utf-8"))))
    assert [r["state"] for r in rows] == ["done", "overdue", "planned"]


def test_event_changed_after_publication_needs_a_change_note(tmp_path: Path) -> None:
    text = announcement("A", "2026-12-05T15:00:00+06:00", approved="2026-11-10T09:00:00+06:00")
    site = make_site(tmp_path, {"content/announcements/a.md": text})
    result = build(site, NOW, strict=True)
    assert not result.ok
    assert [p.code for p in result.problems if p.is_error] == ["EVENT_CHANGE_NOTE"]
    assert not (site / "output").exists()


def test_press_centre_shows_only_public_contact_fields(tmp_path: Path) -> None:
    config = CONFIG + "press_centre: {accreditation: Аккредитация по письму, address: ул. Ленина 1}\n"
    site = make_site(
        tmp_path,
        {"config.yaml": config, "content/media-plans/m.md": PLAN, "content/press-releases/p.md": RELEASE},
    )
    page = (built(site) / "press-centre/index.html").read_text(encoding="utf-8")
    assert "pr@example.kg" in page and "Аккредитация по письму" in page
    assert "+996 555 000" not in page and "@pr" not in page  # not listed in contact.public
    assert "Редактор" not in page  # not in the PR department
    assert "Забыто" in page  # the current media plan


class Links(__import__("html.parser").parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hrefs += [v for k, v in attrs if k == "href" and v]


def test_every_feed_calendar_and_data_file_is_linked_and_nothing_unpublished_leaks(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "content/press-releases/p.md": RELEASE,
            "content/press-releases/w.md": WITHDRAWN,
            "content/press-releases/d.md": DRAFT,
            "content/rebuttals/r.md": REBUTTAL,
            "content/media-plans/m.md": PLAN,
            "content/announcements/a.md": announcement("Событие", "2026-12-05T10:00:00+06:00"),
            "content/announcements/s.md": announcement(
                "Тайное событие", "2026-12-05T10:00:00+06:00", status="draft"
            ),
            "content/media-requests/x.md": request("2026-11-02", public=False, topic="Секретный запрос"),
        },
    )
    out = built(site)
    machine = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.suffix in (".ics", ".json", ".csv", ".xml")
        and p.name not in ("sitemap.xml",)
        and "sitemaps" not in p.parts  # for search engines: linked from sitemap.xml and robots.txt
        and "search" not in p.parts  # the search index: read by the search page's script
    }
    per_event = {p for p in machine if p.endswith("/event.ics")}
    assert {Path(p).suffix for p in machine} == {".ics", ".json", ".csv", ".xml"}, sorted(machine)
    assert per_event and len(machine - per_event) > 10, sorted(machine)
    for page in ("subscribe/index.html", "data/index.html"):
        parser = Links()
        parser.feed((out / page).read_text(encoding="utf-8"))
        linked = {
            h.split("://", 1)[-1].split("/", 1)[-1] if "://" in h else h.lstrip("/") for h in parser.hrefs
        }
        missing = machine - per_event - linked
        assert not missing, (page, sorted(missing))
    for rel in machine:
        text = (out / rel).read_text(encoding="utf-8")
        for secret in ("Черновик", "Секретн", "Тайное"):
            assert secret not in text, (rel, secret)
    for rel in per_event:  # each event's own calendar is linked from its page
        page = (out / rel).parent / "index.html"
        assert f'href="/{rel}"' in page.read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(
        st.dictionaries(
            st.text(max_size=6),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.text(max_size=12),
                st.floats(),
                st.lists(st.integers()),
            ),
            max_size=5,
        ),
        max_size=4,
    )
)
def test_open_data_json_is_the_standard_library_s(records):
    """The tables' JSON is laid out by hand for speed; byte for byte what `json.dumps` writes."""
    from site_builder.outputs.opendata.layout import rows_json

    assert rows_json(records) == json.dumps(records, ensure_ascii=False, indent=1)
