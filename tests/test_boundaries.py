"""Every comparison with `now`, at exactly `now` and one second either side.

The README's promises, at the instant they turn: an item is published when
`approval.at ≤ date ≤ now` (so at exactly its date, not a second before); a withdrawal,
correction or event change is in effect and public from its own `at` on (exactly `now`
included); an event is upcoming until its end (or start) has passed; a plan entry is
overdue, and a media request past its deadline, from the first second of the next day in
the site's time zone.  `now` is given in UTC and the content in +06:00, so each instant is
also compared across an offset.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hardkit import NOW, SITE_ZONE, hashed, holding, shifted, stamp
from lxml import html as lxml_html
from sitekit import announcement_fields, approve_records, config_dict, item, make_site, run_cli

from site_builder.build import build, check
from site_builder.judge.verdict import State
from site_builder.judge.workdays import WorkingDays
from site_builder.load.config import WorkCalendar
from site_builder.speed.session import Session

DELTAS = [-1, 0, 1]  # the compared moment minus `now`, in seconds
DAY = 86_400
SOURCE = "press-releases/granitsa.md"


def strict_config() -> dict:
    """Hashes required for every type, so a wrong hash is never an accepted legacy approval."""
    config = config_dict()
    for rule in config["rules"]["types"].values():
        rule["approval_hash"] = "required"
    return config


def release(date_s: str, at_s: str, status: str = "approved", rel: str = SOURCE, **extra) -> str:
    body = extra.pop("body", "Тело материала BOUNDBODY.\n")
    return hashed(
        item("Граница BOUNDTITLE", date_s, status, approval={"by": "aliev", "at": at_s}, body=body, **extra),
        rel,
    )


# `now` + 1 s as the outputs write it (pages and feeds in +06:00 or UTC, calendars in UTC).
LATER = ("2026-11-22T12:00:01", "2026-11-22T06:00:01", "20261122T060001Z")


def ahead(output: Path) -> list[str]:
    """Output files naming the second after `now`: nothing dated in the future is shown yet."""
    return sorted({rel for moment in LATER for rel in holding(output, moment)})


def site(tmp_path: Path, files: dict[str, str], config: dict | None = None) -> Path:
    return make_site(tmp_path, files, config or strict_config())


def codes(result, source: str = SOURCE) -> set[str]:
    return {p.code for p in result.problems if p.path == "content/" + source}


def built(root: Path, now: datetime = NOW, output: str = "output", cache: bool = False):
    result = build(root, now, root / output, session=Session.of(root, cache=cache))
    return result, root / output


# --- the item's date: the embargo lifts at exactly its date ----------------------------------------


@pytest.mark.parametrize("delta", DELTAS)
def test_an_item_is_out_from_exactly_its_date(tmp_path: Path, delta: int) -> None:
    root = site(tmp_path, {"content/" + SOURCE: release(shifted(delta), shifted(delta - 3600))})
    result, output = built(root)
    assert result.ok, result.problems
    state = result.judgement.verdicts[SOURCE].state
    if delta <= 0:
        assert state == State.PUBLISHED
        assert (output / "press-releases/granitsa/index.html").is_file()
        assert "feeds/all.rss.xml" in holding(output, "BOUNDBODY")
        assert any(rel.startswith("search/") for rel in holding(output, "boundtitle"))
    else:
        assert state == State.SCHEDULED and "EMBARGOED" in codes(result)
        assert holding(output, "BOUNDTITLE") == holding(output, "boundtitle") == []
        assert holding(output, "granitsa") == []


@pytest.mark.parametrize("delta", DELTAS)
def test_a_wrong_hash_refuses_the_build_from_exactly_the_date(tmp_path: Path, delta: int) -> None:
    """From its date an edited item would change a live page: refused; a second before, it drops out."""
    text = release(shifted(delta), shifted(delta - 3600)).replace("BOUNDBODY", "BOUNDEDIT")
    root = site(tmp_path, {"content/" + SOURCE: text})
    result, output = built(root)
    if delta <= 0:
        assert not result.ok and "APPROVAL_HASH_LIVE" in codes(result)
        assert not output.exists()
    else:
        assert result.ok and "APPROVAL_HASH_MISMATCH" in codes(result)
        assert holding(output, "BOUNDEDIT") == holding(output, "BOUNDTITLE") == []


# --- the approval's time -----------------------------------------------------------------------------


@pytest.mark.parametrize("delta", DELTAS)
def test_an_approval_holds_from_exactly_its_time(tmp_path: Path, delta: int) -> None:
    """A re-approval (with its correction) dated after `now` is pending: the item is not out yet."""
    text = release(
        shifted(-DAY),
        shifted(delta),
        corrections=[{"at": shifted(-3600), "note": "Исправлена опечатка."}],
    )
    result = check(site(tmp_path, {"content/" + SOURCE: text}), NOW)
    assert result.ok, result.problems
    state = result.judgement.verdicts[SOURCE].state
    if delta <= 0:
        assert state == State.PUBLISHED and "APPROVAL_PENDING" not in codes(result)
    else:
        assert state == State.SCHEDULED and "APPROVAL_PENDING" in codes(result)


@pytest.mark.parametrize("delta", DELTAS)
def test_an_approval_may_be_dated_at_exactly_the_date(tmp_path: Path, delta: int) -> None:
    """approval.at ≤ date: one second after the date, without a note, it is an error."""
    text = release(shifted(0), shifted(delta))
    result, _output = built(site(tmp_path, {"content/" + SOURCE: text}))
    if delta <= 0:
        assert result.ok and result.judgement.verdicts[SOURCE].state == State.PUBLISHED
    else:
        assert not result.ok and "APPROVAL_AFTER_DATE" in codes(result)


# --- taking a page down by its status ----------------------------------------------------------------


@pytest.mark.parametrize("delta", DELTAS)
def test_a_draft_with_its_approval_takes_down_from_exactly_the_date(tmp_path: Path, delta: int) -> None:
    text = release(shifted(delta), shifted(delta - 3600), status="draft")
    result, output = built(site(tmp_path, {"content/" + SOURCE: text}))
    if delta <= 0:
        assert not result.ok and "STATUS_TAKES_DOWN" in codes(result)
        assert not output.exists()
    else:
        assert result.ok and result.judgement.verdicts[SOURCE].state == State.DRAFT
        assert holding(output, "BOUNDTITLE") == []


@pytest.mark.parametrize("delta", DELTAS)
def test_a_draft_takes_down_from_exactly_its_approval_time(tmp_path: Path, delta: int) -> None:
    text = release(
        shifted(-DAY),
        shifted(delta),
        status="review",
        corrections=[{"at": shifted(-3600), "note": "Исправлена опечатка."}],
    )
    result = check(site(tmp_path, {"content/" + SOURCE: text}), NOW)
    if delta <= 0:
        assert not result.ok and "STATUS_TAKES_DOWN" in codes(result)
    else:
        assert result.ok and result.judgement.verdicts[SOURCE].state == State.REVIEW


# --- withdrawal -------------------------------------------------------------------------------------


@pytest.mark.parametrize("delta", DELTAS)
def test_a_withdrawal_is_in_effect_from_exactly_its_time(tmp_path: Path, delta: int) -> None:
    withdrawn = {"at": shifted(delta), "reason": "Причина BOUNDREASON"}
    text = release(shifted(-DAY), shifted(-DAY - 3600), status="withdrawn", withdrawn=withdrawn)
    result, output = built(site(tmp_path, {"content/" + SOURCE: text}))
    assert result.ok, result.problems
    state = result.judgement.verdicts[SOURCE].state
    page = output / "press-releases/granitsa/index.html"
    assert page.is_file()
    if delta <= 0:
        assert state == State.WITHDRAWN
        assert "BOUNDREASON" in page.read_text(encoding="utf-8")
        assert "feeds/changes.atom.xml" in holding(output, "BOUNDREASON")
        assert holding(output, "BOUNDBODY") == holding(output, "boundbody") == []
    else:
        assert state == State.PUBLISHED
        assert "BOUNDBODY" in page.read_text(encoding="utf-8")
        assert holding(output, "BOUNDREASON") == holding(output, "boundreason") == []
        assert ahead(output) == []


@pytest.mark.parametrize("delta", DELTAS)
def test_a_withdrawal_at_exactly_the_date_is_a_withdrawal_notice(tmp_path: Path, delta: int) -> None:
    """Withdrawn before its date, an item never went out; at its date it did, and keeps its URL.
    Without git history to say it never went out, the withdrawal before its passed date of an
    approved item would take a published page down without a notice: refused."""
    withdrawn = {"at": shifted(-DAY + delta), "reason": "Причина BOUNDREASON"}
    text = release(shifted(-DAY), shifted(-DAY - 3600), status="withdrawn", withdrawn=withdrawn)
    result, output = built(site(tmp_path, {"content/" + SOURCE: text}))
    state = result.judgement.verdicts[SOURCE].state
    if delta < 0:
        assert state == State.UNPUBLISHED and "WITHDRAWN_UNPUBLISHED" in codes(result)
        assert not result.ok and "WITHDRAWAL_TAKES_DOWN" in codes(result)
        assert not output.exists()
        return
    assert result.ok, result.problems
    assert state == State.WITHDRAWN
    assert "BOUNDREASON" in (output / "press-releases/granitsa/index.html").read_text(encoding="utf-8")


# --- corrections and event changes: public from their own time ----------------------------------------


@pytest.mark.parametrize("delta", DELTAS)
def test_a_correction_is_public_from_exactly_its_time(tmp_path: Path, delta: int) -> None:
    """Before its time a correction is nowhere: not on the page, in a feed, in the data or the
    JSON-LD, and the item's updated time does not run ahead of `now`."""
    correction = {"at": shifted(delta), "note": "Поправка BOUNDNOTE"}
    text = release(shifted(-DAY), shifted(-DAY - 3600), corrections=[correction])
    result, output = built(site(tmp_path, {"content/" + SOURCE: text}))
    assert result.ok, result.problems
    where = holding(output, "BOUNDNOTE")
    if delta <= 0:
        for rel in ("press-releases/granitsa/index.html", "feeds/all.atom.xml", "feeds/changes.atom.xml"):
            assert rel in where, where
        assert json.loads((output / "data/items.json").read_bytes())[0]["corrections"] == 1
    else:
        assert where == [] and holding(output, "boundnote") == []
        assert ahead(output) == []
        assert json.loads((output / "data/items.json").read_bytes())[0]["corrections"] == 0


def _announcement(date_s: str, event: dict, **extra) -> str:
    return hashed(
        item(
            "Анонс BOUNDTITLE",
            date_s,
            approval={"by": "aliev", "at": shifted(-DAY - 3600)},
            event=event,
            **extra,
        ),
        "announcements/anons.md",
    )


@pytest.mark.parametrize("delta", DELTAS)
def test_an_event_change_is_public_from_exactly_its_time(tmp_path: Path, delta: int) -> None:
    event = announcement_fields()["event"] | {
        "starts": shifted(2 * DAY),
        "changes": [{"at": shifted(delta), "note": "Перенос BOUNDCHANGE"}],
    }
    root = site(tmp_path, {"content/announcements/anons.md": _announcement(shifted(-DAY), event)})
    result, output = built(root)
    assert result.ok, result.problems
    ics = (output / "announcements/anons/event.ics").read_bytes().decode().replace("\r\n ", "")
    where = holding(output, "BOUNDCHANGE")
    if delta <= 0:
        for rel in ("announcements/anons/index.html", "feeds/changes.atom.xml"):
            assert rel in where, where
        assert "SEQUENCE:1" in ics and "BOUNDCHANGE" in ics  # unfolded
    else:
        assert where == [] and holding(output, "boundchange") == []
        assert "SEQUENCE:1" not in ics and "BOUNDCHANGE" not in ics
        assert ahead(output) == []


# --- events: upcoming until their end (or start) has passed --------------------------------------------


def _upcoming(output: Path) -> str:
    tree = lxml_html.fromstring((output / "index.html").read_bytes())
    sections = tree.xpath("//section[@aria-labelledby='upcoming']")
    return "".join(s.text_content() for s in sections)


@pytest.mark.parametrize("delta", DELTAS)
@pytest.mark.parametrize("which", ["starts", "ends"])
def test_an_event_is_upcoming_until_exactly_its_end(tmp_path: Path, delta: int, which: str) -> None:
    event = announcement_fields()["event"]
    if which == "starts":
        event = event | {"starts": shifted(delta)}
        del event["ends"]
    else:
        event = event | {"starts": shifted(-3600), "ends": shifted(delta)}
    root = site(tmp_path, {"content/announcements/anons.md": _announcement(shifted(-DAY), event)})
    result, output = built(root)
    assert result.ok, result.problems
    assert ("BOUNDTITLE" in _upcoming(output)) == (delta >= 0)


# --- days: plan entries and media requests turn at midnight in the site's zone -------------------------

MIDNIGHT = datetime(2026, 11, 23, 0, 0, 0, tzinfo=SITE_ZONE)  # the first second of 23 November


def _plan(entries: list[dict]) -> str:
    return hashed(
        item(
            "План BOUNDTITLE",
            stamp(datetime(2026, 10, 1, 12, 0, tzinfo=SITE_ZONE)),
            approval={"by": "aliev", "at": stamp(datetime(2026, 10, 1, 11, 0, tzinfo=SITE_ZONE))},
            division="pr",
            period={"from": "2026-10-01", "to": "2026-11-30"},
            entries=entries,
        ),
        "media-plans/plan.md",
    )


def _entry(day: date, topic: str) -> dict:
    return {"date": day.isoformat(), "channel": "site", "outlet": "Сайт", "topic": topic, "responsible": "pr"}


@pytest.mark.parametrize("delta", DELTAS)
def test_a_plan_entry_is_overdue_from_the_day_after_it(tmp_path: Path, delta: int) -> None:
    """Due on 22 November: overdue from 00:00 on the 23rd; warned about for 31 days after."""
    entries = [
        _entry(date(2026, 11, 22), "Тема сегодня"),
        _entry(date(2026, 10, 23), "Тема 31"),  # 31 days before the 23rd: still warned about then
        _entry(date(2026, 10, 22), "Тема 32"),  # 31 days before the 22nd, 32 before the 23rd
    ]
    root = site(tmp_path, {"content/media-plans/plan.md": _plan(entries)})
    now = MIDNIGHT + timedelta(seconds=delta)
    result, output = built(root, now)
    assert result.ok, result.problems
    warned = {
        dict(p.args)["topic"]
        for p in result.problems
        if p.code == "PLAN_ENTRY_OVERDUE" and p.path == "content/media-plans/plan.md"
    }
    states = {r["topic"]: r["state"] for r in json.loads((output / "data/media-plan.json").read_bytes())}
    if delta < 0:  # still the 22nd
        assert warned == {"Тема 31", "Тема 32"}
        assert states["Тема сегодня"] == "planned"
    else:
        assert warned == {"Тема сегодня", "Тема 31"}
        assert states["Тема сегодня"] == "overdue"
    assert states["Тема 32"] == "overdue"


def _request(received: date) -> str:
    return (
        f"---\nreceived: {received.isoformat()}\noutlet: Газета\ntopic: Тема BOUNDREQ\n"
        "answer_summary: ''\npublic: true\n---\n"
    )


def _register(output: Path) -> dict[str, dict]:
    rows = json.loads((output / "data/media-requests.json").read_bytes())
    return {row["row_type"]: row for row in rows}


@pytest.mark.parametrize("delta", DELTAS)
def test_a_media_request_is_overdue_from_the_day_after_its_deadline(tmp_path: Path, delta: int) -> None:
    received = date(2026, 10, 27)  # deadline Mon 16 Nov; the 17th is a working day
    due = WorkingDays(WorkCalendar()).add(received, 14)
    now = datetime.combine(due + timedelta(days=1), datetime.min.time(), SITE_ZONE) + timedelta(seconds=delta)
    root = site(tmp_path, {"content/media-requests/r.md": _request(received)})
    approve_records(root)
    result, output = built(root, now)
    assert result.ok, result.problems
    found = {p.code: dict(p.args) for p in result.problems if p.path == "content/media-requests/r.md"}
    assert len(found) == 1, found
    row = _register(output)["request"]
    assert row["deadline"] == due.isoformat()
    if delta < 0:  # the last day of the deadline
        assert found["REQUEST_DUE"]["days"] == "0"
        assert row["overdue"] == 0 and row["open"] == 1
    else:
        assert found["REQUEST_OVERDUE"]["days"] == "1"
        assert row["overdue"] == 1


@pytest.mark.parametrize("delta", DELTAS)
def test_a_media_request_counts_from_its_day_of_receipt(tmp_path: Path, delta: int) -> None:
    root = site(tmp_path, {"content/media-requests/r.md": _request(date(2026, 11, 23))})
    approve_records(root)
    result, output = built(root, MIDNIGHT + timedelta(seconds=delta))
    assert result.ok, result.problems
    assert _register(output)["total"]["received"] == (0 if delta < 0 else 1)


@pytest.mark.parametrize("delta", DELTAS)
def test_a_rebuttal_response_limit_counts_working_days_in_the_site_zone(tmp_path: Path, delta: int) -> None:
    """Detected at 00:00 on Monday 16 November (+06:00, written in UTC), published on Wednesday:
    two working days, the limit; detected a second earlier, on Sunday, it is three."""
    from sitekit import rebuttal_fields

    detected = datetime(2026, 11, 16, 0, 0, tzinfo=SITE_ZONE) + timedelta(seconds=delta)
    fields = rebuttal_fields() | {"detected_at": detected.astimezone(NOW.tzinfo).isoformat()}
    fields["original"] = fields["original"] | {"published": stamp(detected - timedelta(hours=1))}
    text = hashed(
        item(
            "Опровержение BOUNDTITLE",
            "2026-11-18T10:00:00+06:00",
            approval={"by": "aliev", "at": "2026-11-18T09:00:00+06:00"},
            **fields,
        ),
        "rebuttals/r.md",
    )
    result = check(site(tmp_path, {"content/rebuttals/r.md": text}), NOW)
    assert result.ok, result.problems
    assert ("REBUTTAL_LATE" in codes(result, "rebuttals/r.md")) == (delta < 0)


# --- approve: "already published" from exactly the date -------------------------------------------------


@pytest.mark.parametrize("delta", DELTAS)
def test_approving_an_edit_needs_a_correction_from_exactly_the_date(tmp_path: Path, delta: int) -> None:
    text = release(shifted(delta), shifted(-7200)).replace("BOUNDBODY", "BOUNDEDIT")
    root = site(tmp_path, {"content/" + SOURCE: text})
    code, out, err = run_cli(
        "approve",
        "content/" + SOURCE,
        "--by",
        "sydykova",
        "--at",
        shifted(-3600),
        "--reason",
        "back-dated",
        "--now",
        NOW.isoformat(),
        "--yes",
        "--lang",
        "en",
        cwd=root,
    )
    assert "Traceback" not in out + err
    if delta <= 0:
        assert code == 1 and "CORRECTION_REQUIRED" in out + err, out + err
    else:
        assert code == 0, out + err


# --- a cached rebuild across each instant makes what a fresh build makes ---------------------------------


def test_cached_rebuilds_across_the_instant_match_fresh_builds(tmp_path: Path) -> None:
    """One site whose every kind of moment falls on the same second T; built with the cache
    at T-1, T and T+1 into one output/, each output must equal a fresh build at that time."""
    at = shifted(0)
    event = announcement_fields()["event"] | {
        "starts": shifted(-3600),
        "ends": at,
        "changes": [{"at": at, "note": "Перенос BOUNDCHANGE"}],
    }
    files = {
        "content/press-releases/embargo.md": release(at, shifted(-3600), rel="press-releases/embargo.md"),
        "content/press-releases/corrected.md": release(
            shifted(-DAY),
            shifted(-DAY - 3600),
            rel="press-releases/corrected.md",
            corrections=[{"at": at, "note": "Поправка BOUNDNOTE"}],
        ),
        "content/press-releases/withdrawn.md": release(
            shifted(-DAY),
            shifted(-DAY - 3600),
            status="withdrawn",
            rel="press-releases/withdrawn.md",
            withdrawn={"at": at, "reason": "Причина BOUNDREASON"},
        ),
        "content/announcements/anons.md": _announcement(shifted(-DAY), event),
    }
    root = site(tmp_path / "cached", files)
    for delta in DELTAS:
        now = NOW + timedelta(seconds=delta)
        result, output = built(root, now, cache=True)
        assert result.ok, result.problems
        fresh_root = site(tmp_path / f"fresh{delta + 1}", files)
        fresh, fresh_output = built(fresh_root, now)
        assert fresh.ok
        ours, theirs = _files(output), _files(fresh_output)
        assert ours.keys() == theirs.keys(), (delta, ours.keys() ^ theirs.keys())
        differ = sorted(rel for rel in ours if ours[rel] != theirs[rel])
        assert not differ, (delta, differ)


def _files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}
