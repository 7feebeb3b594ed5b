"""The media plan tells the truth: an entry is done when what it links went out (an event:
took place), announced while its event is ahead, cancelled when withdrawn or called off —
the same on the plan's page, the home page and the open data — and an entry's status that
says otherwise is a warning on its line."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sitekit import run_cli
from test_newsroom_calendar import announcement, make_site
from test_newsroom_feeds import DRAFT, WITHDRAWN

from site_builder.build import build

BISHKEK = timezone(timedelta(hours=6))
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=BISHKEK)

RELEASE = """---
title: Релиз
date: 2026-11-03T10:00:00+06:00
status: approved
author: editor
approval: {by: chief, at: "2026-11-03T09:00:00+06:00"}
---
Текст.
"""
FRESH = RELEASE.replace("2026-11-03T10", "2026-12-05T10").replace("2026-11-03T09", "2026-12-05T09")
EMBARGOED = RELEASE.replace("2026-11-03T10", "2026-12-20T10")
CALLED_OFF = announcement(
    "Отменённая", "2026-12-12T10:00:00+06:00", extra_event="  status: cancelled\n  cancel_reason: Болезнь\n"
)

# (topic, status, ref, the state every output shows, the warning on the entry's line)
ROWS = [
    ("Итоговая", "planned", "announcements/final.md", "announced", None),  # the case
    ("Круглый стол", "planned", "announcements/past.md", "done", None),  # took place on the 5th
    ("Эфир", "done", "announcements/final.md", "announced", "PLAN_DONE_NOT_HAPPENED"),
    ("Черновик", "done", "press-releases/draft.md", "planned", "PLAN_DONE_NOT_OUT"),
    ("Эмбарго", "done", "press-releases/embargoed.md", "planned", "PLAN_DONE_NOT_OUT"),
    ("Отказ", "cancelled", "press-releases/fresh.md", "done", "PLAN_CANCELLED_BUT_OUT"),
    ("Отозван", "planned", "press-releases/withdrawn.md", "cancelled", "PLAN_REF_WITHDRAWN"),
    ("Сорван", "done", "announcements/called-off.md", "cancelled", "PLAN_EVENT_CANCELLED"),
    ("Давно", "planned", "press-releases/old.md", "done", "PLAN_STATUS_BEHIND"),  # out on 3 Nov
    ("Вчера", "planned", "press-releases/fresh.md", "done", None),  # out two days ago: no nagging
    ("Радио", "done", None, "done", None),  # nothing on the site to know it by: the entry's word
    ("Будет", "planned", "press-releases/draft.md", "planned", None),
]


def _plan(rows: list[tuple]) -> str:
    lines = []
    for topic, status, ref, _, _ in rows:
        lines.append(
            "  - date: 2026-12-22\n    channel: media\n    outlet: Мэрия\n"
            f"    topic: {topic}\n    responsible: pr\n    status: {status}\n"
            + (f"    ref: {ref}\n" if ref else "")
        )
    return (
        "---\ntitle: План на декабрь\ndate: 2026-11-30T10:00:00+06:00\nstatus: approved\nauthor: editor\n"
        'approval: {by: chief, at: "2026-11-30T09:00:00+06:00"}\n'
        "period: {from: 2026-12-01, to: 2026-12-31}\nentries:\n" + "".join(lines) + "---\nПлан.\n"
    )


def _site(tmp_path: Path, rows: list[tuple] = ROWS) -> Path:
    return make_site(
        tmp_path / "site",
        {
            "content/media-plans/december.md": _plan(rows),
            "content/announcements/final.md": announcement("Итоговая", "2026-12-22T10:00:00+06:00"),
            "content/announcements/past.md": announcement("Прошедшая", "2026-12-05T10:00:00+06:00"),
            "content/announcements/called-off.md": CALLED_OFF,
            "content/press-releases/old.md": RELEASE,
            "content/press-releases/fresh.md": FRESH,
            "content/press-releases/embargoed.md": EMBARGOED,
            "content/press-releases/draft.md": DRAFT,
            "content/press-releases/withdrawn.md": WITHDRAWN,
        },
    )


@pytest.fixture(scope="module")
def december(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    root = _site(tmp_path_factory.mktemp("plan"))
    result = build(root, NOW)
    assert result.ok, [(p.path, p.code, p.args) for p in result.problems if p.is_error]
    return root, result.problems


def test_every_output_shows_each_entry_as_it_truly_is(december: tuple[Path, list]) -> None:
    root, _ = december
    out = root / "output"
    expected = [state for _, _, _, state, _ in ROWS]
    table = (out / "data/media-plan.csv").read_text(encoding="utf-8")
    assert [r["state"] for r in csv.DictReader(io.StringIO(table))] == expected
    page = (out / "media-plans/december/index.html").read_text(encoding="utf-8")
    home = (out / "index.html").read_text(encoding="utf-8")  # December's plan is the current one
    for html in (page, home):
        assert re.findall(r'<tr class="plan-(\w+)">', html) == expected
    assert page.count("Анонсировано") == expected.count("announced")
    done = expected.count("done")
    assert f"Выполнено: {done} из {len(ROWS)}" in page
    # Announced and planned entries are not yet due: only done and overdue ones count.
    assert re.search(rf"Отдел</th>\s*<td>{done}</td>\s*<td>{done}</td>\s*<td>100%</td>", page), page


def test_a_status_that_contradicts_the_site_is_a_warning_on_its_line(december: tuple[Path, list]) -> None:
    root, problems = december
    found = {
        dict(p.args)["topic"]: (p.code, p.severity, p.line)
        for p in problems
        if p.path == "content/media-plans/december.md" and p.code.startswith("PLAN_")
    }
    lines = (root / "content/media-plans/december.md").read_text(encoding="utf-8").splitlines()
    expected = {topic: code for topic, _, _, _, code in ROWS if code}
    assert {topic: code for topic, (code, _, _) in found.items()} == expected
    for topic, (_, severity, line) in found.items():
        assert severity == "warning"
        assert lines[line - 1].strip().startswith("status:"), (topic, lines[line - 1])
        assert topic in "\n".join(lines[line - 6 : line])


def test_check_says_it_in_russian_with_a_hint(tmp_path: Path) -> None:
    rows = [r for r in ROWS if r[0] in ("Эфир", "Отказ")]
    root = _site(tmp_path, rows)
    code, out, err = run_cli("check", "--now", NOW.isoformat(), cwd=root)
    text = out + err
    assert code == 0, text
    assert "content/media-plans/december.md:" in text
    assert "отмечен status: done, но мероприятие из content/announcements/final.md ещё не прошло" in text
    assert "до мероприятия пункт значится в плане как «Анонсировано»" in text
    assert "отмечен status: cancelled, но content/press-releases/fresh.md опубликован" in text


def test_an_announced_entry_is_done_once_its_event_has_taken_place(tmp_path: Path) -> None:
    """The same file, after the event: done, with no warning, and the page says so."""
    rows = [("Итоговая", "planned", "announcements/final.md", "", None)]
    root = _site(tmp_path, rows)
    for now, state in ((NOW, "announced"), (datetime(2026, 12, 22, 10, 0, 1, tzinfo=BISHKEK), "done")):
        result = build(root, now)
        assert result.ok and not [p for p in result.problems if p.code.startswith("PLAN_")]
        page = (root / "output/media-plans/december/index.html").read_text(encoding="utf-8")
        assert re.findall(r'<tr class="plan-(\w+)">', page) == [state]
