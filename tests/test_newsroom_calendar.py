"""Event calendars as a subscribed calendar client sees them, before and after a rebuild."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import icalendar
from hypothesis import example, given, settings
from hypothesis import strategies as st

from site_builder.build import build
from site_builder.outputs import calendars

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CONFIG = """\
site:
  title: Пресс-служба
  base_url: https://press.example.kg/
  timezone: Asia/Bishkek
divisions:
  - {id: pr, name: Отдел}
people:
  - id: chief
    name: Начальник
    roles: [pr_department]
    division: pr
    contact: {phone: "+996 555 000", email: pr@example.kg, telegram: "@pr", public: [email]}
  - {id: editor, name: Редактор, roles: [press_secretary], division: pr}
rules:
  types:
    press-release: {approval_hash: optional}
    rebuttal: {approval_hash: optional}
    announcement: {approval_hash: optional}
    media-plan: {approval_hash: optional}
"""


def announcement(
    title: str,
    starts: str,
    *,
    approved: str = "2026-11-01T09:00:00+06:00",
    extra_event: str = "",
    changes: str = "",
    kind: str = "press_conference",
    status: str = "approved",
) -> str:
    return f"""---
title: {title}
date: 2026-11-01T10:00:00+06:00
status: {status}
author: editor
approval: {{by: chief, at: "{approved}"}}
event:
  kind: {kind}
  starts: {starts}
  location: Мэрия, зал 1
  accreditation:
    how: Письмо на pr@example.kg
    deadline: 2026-12-01T18:00:00+06:00
{extra_event}{changes}---
Текст анонса.
"""


def make_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in {"config.yaml": CONFIG, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def built(root: Path) -> Path:
    result = build(root, NOW)
    assert result.ok, [(p.path, p.line, p.code, p.args) for p in result.problems if p.is_error]
    return root / "output"


def events_by_title(raw: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(raw)
    return {str(e["summary"]).split("] ")[-1]: e for e in cal.walk("VEVENT")}


def test_client_sees_reschedule_and_cancellation_after_rebuild(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "content/announcements/moved.md": announcement("Moved", "2026-12-05T10:00:00+06:00"),
            "content/announcements/dropped.md": announcement("Dropped", "2026-12-06T10:00:00+06:00"),
            "content/announcements/draft.md": announcement(
                "Secret", "2026-12-07T10:00:00+06:00", status="draft"
            ),
        },
    )
    first = (built(site) / "calendar/events.ics").read_bytes()
    assert b"\r\n" in first and b"\n" not in first.replace(b"\r\n", b"")
    before = events_by_title(first)
    assert set(before) == {"Moved", "Dropped"}  # the draft never appears
    assert before["Moved"].decoded("dtstart") == datetime(2026, 12, 5, 4, 0, tzinfo=UTC)
    assert int(before["Moved"]["sequence"]) == 0
    assert "2026-12-01 18:00" in str(before["Moved"]["description"])
    assert str(before["Moved"]["url"]) == "https://press.example.kg/announcements/moved/"
    uid = str(before["Moved"]["uid"])

    # The event moves (with a public change note and re-approval) and another is cancelled.
    (site / "content/announcements/moved.md").write_text(
        announcement(
            "Moved",
            "2026-12-05T15:00:00+06:00",
            approved="2026-11-10T09:00:00+06:00",
            changes='  changes:\n    - {at: "2026-11-10T08:00:00+06:00", note: "Перенесено на 15:00"}\n',
        ),
        encoding="utf-8",
    )
    (site / "content/announcements/dropped.md").write_text(
        announcement(
            "Dropped",
            "2026-12-06T10:00:00+06:00",
            approved="2026-11-11T09:00:00+06:00",
            extra_event="  status: cancelled\n  cancel_reason: Болезнь спикера\n",
            changes='  changes:\n    - {at: "2026-11-11T08:00:00+06:00", note: "Отменено"}\n',
        ),
        encoding="utf-8",
    )
    second = (built(site) / "calendar/events.ics").read_bytes()
    after = events_by_title(second)
    moved, dropped = after["Moved"], after["Dropped"]
    assert str(moved["uid"]) == uid
    assert moved.decoded("dtstart") == datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    assert int(moved["sequence"]) > int(before["Moved"]["sequence"])
    assert moved.decoded("dtstamp") == datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
    assert str(dropped["status"]) == "CANCELLED"
    assert int(dropped["sequence"]) > int(before["Dropped"]["sequence"])
    assert "Болезнь спикера" in str(dropped["description"])


def test_calendar_bytes_do_not_depend_on_the_clock(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/announcements/a.md": announcement("A", "2026-12-05T10:00:00+06:00")})
    first = (built(site) / "calendar/events.ics").read_bytes()
    result = build(site, NOW.replace(hour=18))
    assert result.ok
    assert (site / "output/calendar/events.ics").read_bytes() == first


def test_per_kind_and_per_event_calendars_are_linked(tmp_path: Path) -> None:
    site = make_site(
        tmp_path,
        {
            "content/announcements/a.md": announcement("A", "2026-12-05T10:00:00+06:00"),
            "content/announcements/b.md": announcement("B", "2026-12-06T10:00:00+06:00", kind="briefing"),
        },
    )
    out = built(site)
    assert set(events_by_title((out / "calendar/briefing.ics").read_bytes())) == {"B"}
    assert set(events_by_title((out / "calendar/press-conference.ics").read_bytes())) == {"A"}
    assert set(events_by_title((out / "announcements/a/event.ics").read_bytes())) == {"A"}
    page = (out / "announcements/a/index.html").read_text(encoding="utf-8")
    assert 'href="/announcements/a/event.ics"' in page
    assert 'href="webcal://press.example.kg/calendar/events.ics"' in page


def test_a_change_explained_by_a_correction_also_raises_the_sequence(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/announcements/a.md": announcement("A", "2026-12-05T10:00:00+06:00")})
    before = events_by_title((built(site) / "calendar/events.ics").read_bytes())["A"]
    moved = announcement("A", "2026-12-06T10:00:00+06:00", approved="2026-11-10T09:00:00+06:00")
    note = 'corrections:\n  - {at: "2026-11-10T08:00:00+06:00", note: "Перенесено на 6 декабря"}\nevent:'
    (site / "content/announcements/a.md").write_text(moved.replace("event:", note, 1), encoding="utf-8")
    after = events_by_title((built(site) / "calendar/events.ics").read_bytes())["A"]
    assert after.decoded("dtstart") == datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstamp") > before.decoded("dtstamp")


UNFOLD = re.compile(rb"\r\n[ \t]")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=400),
    st.sampled_from(["summary", "description", "location", "x-wr-calname"]),
    st.integers(0, 80),
)
@example("\\\x80", "description", 59)  # an escaped backslash where a fold would fall: "\\\\"
@example("\\" * 40, "description", 0)  # a long run of escaped backslashes
@example("^" * 80 + "\\" * 3, "summary", 1)
def test_lines_are_folded_as_icalendar_folds_them(text, name, pad):
    """The calendars fold content lines themselves (icalendar does it character by
    character): the same content, every line at most 75 octets of whole characters, and
    no escape cut in two (an even number of backslashes or carets before every fold),
    for any text."""
    event = icalendar.Event()
    event.add(name, "x" * pad + text)  # any text at any place of a fold
    event.add("uid", "a/b@example.kg")
    ours = calendars.to_ical(event)
    assert UNFOLD.sub(b"", ours) == UNFOLD.sub(b"", event.to_ical())
    for fold in UNFOLD.finditer(ours):  # a fold never inside an escape
        before = ours[: fold.start()]
        for mark in (b"\\", b"^"):
            assert (len(before) - len(before.rstrip(mark))) % 2 == 0, (mark, before[-8:])
    lines = ours.split(b"\r\n")
    # Every piece of a folded line but its last is full (at most 4 octets short: a UTF-8
    # sequence or an escape kept whole): BEGIN, UID, the last piece, END and "" are short.
    assert sum(len(line) < 60 for line in lines) <= 5, lines
    for line in lines:
        assert len(line) <= 75
        line.decode()  # never a character cut in two
