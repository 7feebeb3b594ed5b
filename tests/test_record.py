"""The public record (issue 26, parts 1 and 2): every published version of an item at its own
address, with what changed, and the hash-chained publication log with `log verify`.

The history is scripted with gitkit: each commit carries its own date, so what went out
when is decided the same way on every run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from gitkit import commit, git, repository
from sitekit import NOW, announcement_fields, item, make_site, run_cli

from site_builder.build import build
from site_builder.commands import links
from site_builder.judge.record import entry_hash

PR = "content/press-releases/most.md"
EMBARGOED = "content/press-releases/embargo.md"
DRAFT = "content/press-releases/draft.md"
EVENT = "content/announcements/briefing.md"


@pytest.fixture(autouse=True)
def git_installed() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")


def _at(day: int, hour: int = 10) -> str:
    return f"2026-11-{day:02d}T{hour:02d}:00:00+06:00"


def _release(body: str, corrections: list[dict] | None = None, approved: str = _at(1, 9), **extra) -> str:
    return item(
        "Ремонт моста на улице Ленина",
        _at(1),
        body=body,
        approval={"by": "aliev", "at": approved},
        corrections=corrections or None,
        **extra,
    )


FIRST = "Мост закроют 5 декабря на две недели.\n"
SECOND = "Мост закроют 6 декабря на две недели.\n"
THIRD = "Мост закроют 6 декабря на три недели.\n"
C1 = {"at": _at(5), "note": "Исправлена дата закрытия"}
C2 = {"at": _at(7), "note": "Исправлен срок ремонта"}


def _event(starts: str, changes: list[dict] | None = None) -> str:
    fields = announcement_fields()
    fields["event"]["starts"] = starts
    fields["event"]["ends"] = starts.replace("T11:", "T12:")
    if changes:
        fields["event"]["changes"] = changes
    return item("Брифинг о ремонте", _at(1), body="Приглашаем журналистов.\n", **fields)


def history(tmp_path: Path) -> Path:
    """Publish, correct twice, withdraw; an embargoed edit; a draft; an event rescheduled."""
    root = make_site(
        tmp_path,
        {
            PR: _release(FIRST),
            EMBARGOED: item("Новый парк", _at(3), body="Парк откроют весной.\n"),
            DRAFT: item("Черновик", _at(1), status="draft", body="Секретный черновик.\n"),
            EVENT: _event("2026-11-25T11:00:00+06:00"),
        },
    )
    repository(root, _at(1))
    # Before its date (the 3rd) the embargoed item is edited: that text never went out.
    (root / EMBARGOED).write_text(item("Новый парк", _at(3), body="Парк откроют летом.\n"), encoding="utf-8")
    commit(root, _at(2), "embargoed edit")
    (root / PR).write_text(_release(SECOND, [C1], _at(5, 9)), encoding="utf-8")
    commit(root, _at(5), "correction 1")
    moved = {
        "at": _at(6),
        "note": "Брифинг перенесён на день",
        "previous_starts": "2026-11-25T11:00:00+06:00",
    }
    (root / EVENT).write_text(_event("2026-11-26T11:00:00+06:00", [moved]), encoding="utf-8")
    commit(root, _at(6), "rescheduled")
    (root / PR).write_text(_release(THIRD, [C1, C2], _at(7, 9)), encoding="utf-8")
    commit(root, _at(7), "correction 2")
    withdrawn = {"at": _at(10), "reason": "Ремонт отменён"}
    (root / PR).write_text(
        _release(THIRD, [C1, C2], _at(7, 9), withdrawn=withdrawn).replace(
            "status: approved", "status: withdrawn"
        ),
        encoding="utf-8",
    )
    commit(root, _at(10), "withdrawn")
    return root


def checkout(root: Path, message: str = "") -> None:
    """Put the site as it was after the commit named `message` (as a build then saw it),
    or back at the branch's head."""
    target = (
        next(
            (
                line.split()[0]
                for line in git(root, "log", "--format=%H %s", "main").splitlines()
                if line.endswith(message)
            ),
            "main",
        )
        if message
        else "main"
    )
    git(root, "checkout", "-q", target)


def built(root: Path, now: str = NOW) -> Path:
    result = build(root, datetime.fromisoformat(now))
    assert result.ok, [p for p in result.problems if p.is_error]
    return root / "output"


def log_of(output: Path) -> list[dict]:
    return [json.loads(line) for line in (output / "transparency/log.jsonl").read_text("utf-8").splitlines()]


def test_versions_diffs_and_log_from_scripted_history(tmp_path: Path) -> None:
    out = built(history(tmp_path))
    versions = sorted(p.parent.name for p in (out / "press-releases/most").glob("v*/index.html"))
    assert versions == ["v1", "v2", "v3", "v4"]
    page = (out / "press-releases/most/index.html").read_text("utf-8")
    listed = page[page.index('id="versions"') :]
    for number in (1, 2, 3, 4):
        assert f'href="/press-releases/most/v{number}/"' in listed
    assert "Исправлена дата закрытия" in listed and "Ремонт отменён" in listed
    # A withdrawn item's archive does not put its text back.
    for number in (1, 2, 3, 4):
        archived = (out / f"press-releases/most/v{number}/index.html").read_text("utf-8")
        assert '<meta name="robots" content="noindex">' in archived
        assert 'href="/press-releases/most/"' in archived
        assert "Мост закроют" not in archived
    # The embargoed item: one version (its edited text), so no version pages; the draft: none.
    assert not list((out / "press-releases/embargo").glob("v*"))
    assert not (out / "press-releases/draft").exists()
    # The event: published, then rescheduled, with the change shown word by word.
    v2 = (out / "announcements/briefing/v2/index.html").read_text("utf-8")
    assert 'id="changes"' in v2 and "<del>" in v2 and "<ins>" in v2
    assert re.search(r'<del><span class="visually-hidden">\[[^:]+: </span>2026-11-25', v2), v2
    assert re.search(r'<ins><span class="visually-hidden">\[[^:]+: </span>2026-11-26', v2), v2
    assert "Брифинг перенесён на день" in v2
    assert "/v1/" not in (out / "sitemaps/ru.xml").read_text("utf-8")  # noindex pages are not listed
    log = log_of(out)
    events = [(e["event"], e["url"].removeprefix("https://press.example.kg"), e["version"]) for e in log]
    assert events == [
        ("published", "/announcements/briefing/", 1),
        ("published", "/press-releases/most/", 1),
        ("published", "/press-releases/embargo/", 1),
        ("corrected", "/press-releases/most/", 2),
        ("rescheduled", "/announcements/briefing/", 2),
        ("corrected", "/press-releases/most/", 3),
        ("withdrawn", "/press-releases/most/", 4),
    ]
    assert log[2]["time"] == "2026-11-03T04:00:00Z"  # its date, not its commit's
    prev = "sha256:" + "0" * 64
    for number, entry in enumerate(log, start=1):
        assert entry["seq"] == number and entry["prev"] == prev and entry["hash"] == entry_hash(entry)
        assert entry["approvers"] == ["aliev"] and entry["content"].startswith("sha256:")
        prev = entry["hash"]
    head = log[-1]["hash"]
    assert head in page  # the footer
    for feed in ("all.atom.xml", "all.rss.xml", "all.json", "changes.atom.xml", "changes.rss.xml"):
        assert head in (out / "feeds" / feed).read_text("utf-8"), feed
    assert head in (out / "transparency/index.html").read_text("utf-8")


def test_corrections_show_their_diff_and_the_changes_feed_links_to_it(tmp_path: Path) -> None:
    root = history(tmp_path)
    checkout(root, "correction 2")  # before the withdrawal: the text is public
    out = built(root, _at(8))
    v2 = (out / "press-releases/most/v2/index.html").read_text("utf-8")
    assert re.search(r"<del>.*5</span></del><ins>.*6<", v2) or ("<del>" in v2 and "<ins>" in v2)
    assert "Мост закроют 6 декабря на две недели." in v2
    v3 = (out / "press-releases/most/v3/index.html").read_text("utf-8")
    assert "notice-archived" in v3 and "Мост закроют 6 декабря на три недели." in v3
    feed = (out / "feeds/changes.atom.xml").read_text("utf-8")
    assert "https://press.example.kg/press-releases/most/v2/#changes" in feed
    assert "https://press.example.kg/press-releases/most/v3/#changes" in feed
    assert "https://press.example.kg/announcements/briefing/v2/#changes" in feed
    assert [e["event"] for e in log_of(out)][-1] == "corrected"


def test_log_verify_names_the_entry_a_rewritten_history_changes(tmp_path: Path) -> None:
    root = history(tmp_path)
    old = tmp_path / "old.jsonl"
    checkout(root, "correction 2")  # a journalist saves the log on the 8th
    shutil.copy(built(root, _at(8)) / "transparency/log.jsonl", old)
    checkout(root)
    new = tmp_path / "new.jsonl"
    shutil.copy(built(root) / "transparency/log.jsonl", new)
    code, out, err = run_cli("log", "verify", str(old), str(new), "--lang", "en", cwd=tmp_path)
    assert code == 0, err
    assert "extends" in out and "6 entries are unchanged, 1 new" in out
    # Rewrite the commit that moved the briefing (an amend of a past commit, then a forced
    # push: the branch now points at the rewritten line, its later commits replayed).
    moved = next(
        line.split()[0]
        for line in git(root, "log", "--format=%H %s").splitlines()
        if line.endswith("rescheduled")
    )
    git(root, "checkout", "-q", moved)
    change = {
        "at": _at(6),
        "note": "Брифинг перенесён на два дня",
        "previous_starts": "2026-11-25T11:00:00+06:00",
    }
    (root / EVENT).write_text(_event("2026-11-27T11:00:00+06:00", [change]), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--amend", "-m", "rescheduled", when=_at(6))
    git(root, "rebase", "-q", "--committer-date-is-author-date", "--onto", "HEAD", moved, "main")
    rewritten = tmp_path / "rewritten.jsonl"
    shutil.copy(built(root) / "transparency/log.jsonl", rewritten)
    code, out, err = run_cli("log", "verify", str(old), str(rewritten), "--lang", "en", cwd=tmp_path)
    assert code == 1
    assert (
        "entry 5 (2026-11-06T04:00:00Z rescheduled https://press.example.kg/announcements/briefing/ v2)"
        in err
    ), err


@pytest.mark.parametrize(
    ("text", "code", "said"),
    [
        ("<!DOCTYPE html><html></html>\n", 2, "line 1: not a publication log entry"),
        ('{"seq": 1}\n', 2, "not a publication log entry"),
    ],
)
def test_log_verify_refuses_what_is_not_a_log(tmp_path: Path, text: str, code: int, said: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(text, encoding="utf-8")
    found, _, err = run_cli("log", "verify", str(bad), str(bad), "--lang", "en", cwd=tmp_path)
    assert found == code and said in err and "Traceback" not in err


def test_log_verify_finds_a_broken_chain(tmp_path: Path) -> None:
    out = built(history(tmp_path))
    lines = (out / "transparency/log.jsonl").read_text("utf-8").splitlines()
    entry = json.loads(lines[2])
    entry["time"] = "2026-11-02T04:00:00Z"  # edited in place, its hash left as it was
    lines[2] = json.dumps(entry, ensure_ascii=False)
    bad = tmp_path / "edited.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run_cli("log", "verify", str(bad), str(bad), "--lang", "en", cwd=tmp_path)
    assert code == 1 and "line 3: entry 3 does not chain" in err and "Traceback" not in err


def test_without_full_history_only_the_current_version_and_no_log(tmp_path: Path) -> None:
    root = history(tmp_path)
    shutil.rmtree(root / ".git")
    result = build(root, datetime.fromisoformat(NOW))
    assert "HISTORY_UNKNOWN" in {p.code for p in result.problems}
    out = root / "output"
    assert not list((out / "press-releases/most").glob("v*"))
    assert not (out / "transparency").exists()
    assert 'id="versions"' not in (out / "press-releases/most/index.html").read_text("utf-8")


def test_a_shallow_clone_shows_no_history(tmp_path: Path) -> None:
    root = history(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    result = build(clone, datetime.fromisoformat(NOW))
    assert "HISTORY_UNKNOWN" in {p.code for p in result.problems}
    assert not (clone / "output/transparency").exists()
    assert not list((clone / "output/announcements/briefing").glob("v*"))


def test_an_unreadable_version_in_history_is_skipped_with_a_warning(tmp_path: Path) -> None:
    root = history(tmp_path)
    text = (root / EMBARGOED).read_text("utf-8")
    (root / EMBARGOED).write_text(text.replace("title:", "title: [broken\nx:"), encoding="utf-8")
    commit(root, _at(11), "broken")
    (root / EMBARGOED).write_text(text.replace("летом", "осенью"), encoding="utf-8")
    commit(root, _at(12), "fixed")
    result = build(root, datetime.fromisoformat(NOW))
    warned = [p for p in result.problems if p.code == "VERSION_UNREADABLE"]
    assert [p.path for p in warned] == [EMBARGOED] and warned[0].severity == "warning"
    assert result.ok
    assert "осенью" in (root / "output/press-releases/embargo/index.html").read_text("utf-8")
    assert (root / "output/press-releases/embargo/v2/index.html").exists()


def test_version_pages_have_no_broken_link(tmp_path: Path) -> None:
    root = history(tmp_path)
    checkout(root, "correction 2")  # the text and its diffs on the version pages
    out = built(root, _at(8))
    assert (out / "press-releases/most/v3/index.html").exists()
    assert links.check(out, "output") == []
    checkout(root)
    out = built(root)  # withdrawn: its versions without their text
    assert links.check(out, "output") == []


def test_the_example_site_with_its_history_shows_the_versions_of_its_corrected_release(
    tmp_path: Path, monkeypatch
) -> None:
    repo = Path(__file__).resolve().parents[1]
    site = tmp_path / "example"
    done = subprocess.run(
        [sys.executable, str(repo / "examples/history.py"), str(site)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    monkeypatch.setenv("SITE_BUILDER_SETTINGS_KEYS", str(repo / "examples/keys/EXAMPLE-settings-admins"))
    out = built(site)
    release = out / "press-releases/granty-malomu-biznesu"
    assert 'href="/press-releases/granty-malomu-biznesu/v1/"' in (release / "index.html").read_text("utf-8")
    v2 = (release / "v2/index.html").read_text("utf-8")
    assert re.search(r"<del>.*?</span>4<span.*?</del><ins>.*?</span>11<span", v2), v2
    log = log_of(out)
    assert [e["event"] for e in log].count("corrected") == 1 and len(log) > 20
