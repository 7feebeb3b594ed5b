"""An item without `date:` goes out when it is approved; a `date:` is an embargo, exact.

The README's own workflow: `new` → fill in → `approve` a minute later → `check` → `build`,
with the approval time as the item's date on its page, in the feeds and the sitemap.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitekit import config_dict, make_site, require_now

from site_builder.build import check
from site_builder.cli import main
from site_builder.load.skeleton import PLACEHOLDERS

CREATED = "2026-12-07T10:12:00+06:00"
APPROVED = "2026-12-07T10:13:00+06:00"  # a minute after `new`
LATER = "2026-12-07T12:00:00+06:00"
EMBARGO = "2026-12-07T15:00:00+06:00"
CORRECTION = "tags: []\ncorrections:\n  - at: {at}\n    note: Время открытия — 11:00."


def run(capsys, *args: str) -> tuple[int, str, str]:
    require_now(args)
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def new(capsys, root: Path, title: str, *more: str, kind: str = "press-release") -> Path:
    code, out, err = run(capsys, "new", kind, title, "--root", str(root), "--author", "petrov", *more)
    assert code == 0, err
    path = root / out.strip()
    text = path.read_text(encoding="utf-8").replace('summary: ""', 'summary: "Каток открыт."')
    for placeholder in PLACEHOLDERS:
        if placeholder.text:
            text = text.replace(placeholder.text, "Каток на площади открыт с 10:00.")
    path.write_text(text.replace("status: draft", "status: review"), encoding="utf-8")
    return path


def approve(capsys, root: Path, path: Path, now: str, *more: str) -> tuple[int, str, str]:
    return run(
        capsys, "approve", str(path), "--by", "aliev", "--yes", "--root", str(root), "--now", now, *more
    )


def errors(root: Path, now: str) -> list[str]:
    return [f"{p.code}:{p.line}" for p in check(root, _moment(now)).problems if p.is_error]


def _moment(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_new_then_approve_a_minute_later_publishes_at_the_approval_time(tmp_path, capsys):
    root = make_site(tmp_path)
    path = new(capsys, root, "Каток на площади", "--now", CREATED)
    assert "\ndate:" not in path.read_text(encoding="utf-8")  # no embargo unless asked for
    code, out, err = approve(capsys, root, path, APPROVED)
    assert code == 0, err
    assert "2026-12-07 10:13 (в момент согласования)" in out  # the summary says when it goes out
    code, out, err = run(capsys, "check", "--root", str(root), "--now", APPROVED)
    assert code == 0 and "ошибок: 0" in out + err, out + err

    code, _, err = run(capsys, "build", "--root", str(root), "--now", LATER)
    assert code == 0, err
    output = root / "output"
    page = (output / "press-releases/katok-na-ploshchadi/index.html").read_text(encoding="utf-8")
    assert f'datetime="{APPROVED}"' in page and f'"datePublished":"{APPROVED}"' in page.replace(": ", ":")
    atom = (output / "feeds/press-releases.atom.xml").read_text(encoding="utf-8")
    assert f"<published>{APPROVED}</published>" in atom
    rss = (output / "feeds/press-releases.rss.xml").read_text(encoding="utf-8")
    assert "<pubDate>Mon, 07 Dec 2026 10:13:00 +0600</pubDate>" in rss
    sitemap = (output / "sitemaps/ru.xml").read_text(encoding="utf-8")
    entry = re.search(r"<url><loc>[^<]*katok-na-ploshchadi/</loc>.*?</url>", sitemap, re.S)
    assert entry and "<lastmod>2026-12-07</lastmod>" in entry.group(0), sitemap  # a day, in the sitemap


def test_an_explicit_date_is_an_embargo_exact_to_the_second(tmp_path, capsys):
    """The undated release goes out at once; `new --date` writes an embargo that holds until its second."""
    root = make_site(tmp_path)
    now_out = new(capsys, root, "Сразу", "--now", CREATED)
    held = new(capsys, root, "По времени", "--date", EMBARGO, "--now", CREATED)
    assert f"date: {EMBARGO}  # эмбарго" in held.read_text(encoding="utf-8")
    for path in (now_out, held):
        assert approve(capsys, root, path, APPROVED)[0] == 0

    def built(now: str) -> set[str]:
        code, _, err = run(capsys, "build", "--root", str(root), "--now", now)
        assert code == 0, err
        return {p.name for p in (root / "output/press-releases").iterdir() if p.is_dir()}

    assert built("2026-12-07T14:59:59+06:00") == {"srazu"}
    assert built(EMBARGO) == {"srazu", "po-vremeni"}


def test_an_approval_after_the_embargo_is_still_an_error_that_says_so(tmp_path, capsys):
    root = make_site(tmp_path)
    path = new(capsys, root, "Опоздали", "--date", "2026-12-07T10:12", "--now", CREATED)
    code, _, err = approve(capsys, root, path, APPROVED)
    assert code == 1 and "APPROVAL_AFTER_DATE" in err
    assert "позже времени публикации, заданного в date: (2026-12-07 10:12), — эмбарго" in err
    assert "Уберите date:, и материал выйдет в момент согласования" in err

    # Written by hand, the check says the same.
    text = path.read_text(encoding="utf-8").replace(
        "status: review", f"status: approved\napproval:\n  by: aliev\n  at: {APPROVED}"
    )
    path.write_text(text, encoding="utf-8")
    assert [e.split(":")[0] for e in errors(root, LATER)] == ["APPROVAL_AFTER_DATE"]


def test_a_correction_dated_after_its_approval_is_named(tmp_path, capsys):
    root = make_site(tmp_path)
    path = new(capsys, root, "Каток", "--date", "2026-12-07T11:00", "--now", CREATED)
    assert approve(capsys, root, path, APPROVED)[0] == 0
    text = path.read_text(encoding="utf-8").replace("открыт с 10:00", "открыт с 11:00")
    text = text.replace("tags: []", CORRECTION.format(at="2026-12-07T12:30"))
    path.write_text(text, encoding="utf-8")
    code, _, err = approve(capsys, root, path, LATER)  # 12:00, before the correction's 12:30
    assert code == 1 and "APPROVAL_AFTER_DATE" not in err, err
    assert (
        "CORRECTION_AFTER_APPROVAL исправление «Время открытия — 11:00.» датировано 2026-12-07 12:30" in err
    )
    assert "позже согласования 2026-12-07 12:00" in err

    stamped = text.replace("status: approved", "status: approved")
    stamped = re.sub(r"  at: 2026-12-07T10:13:00\+06:00", f"  at: {LATER}", stamped)
    path.write_text(stamped, encoding="utf-8")
    line = stamped.split("\n").index("  - at: 2026-12-07T12:30") + 1
    assert errors(root, "2026-12-07T13:00:00+06:00") == [f"CORRECTION_AFTER_APPROVAL:{line}"]


def test_a_published_undated_item_keeps_its_publication_time_when_approved_again(tmp_path, capsys):
    """A correction (or a withdrawal) is approved later: `approve` writes the time the item
    went out into `date:`, so neither the date moves to the new approval nor the correction
    falls before it."""
    root = make_site(tmp_path)
    path = new(capsys, root, "Каток", "--now", CREATED)
    assert approve(capsys, root, path, APPROVED)[0] == 0
    text = path.read_text(encoding="utf-8").replace("открыт с 10:00", "открыт с 11:00")
    text = text.replace("tags: []", CORRECTION.format(at="2026-12-07T11:30"))
    path.write_text(text, encoding="utf-8")
    assert [e.split(":")[0] for e in errors(root, LATER)] == ["APPROVAL_HASH_LIVE"]
    code, _, err = approve(capsys, root, path, LATER)
    assert code == 0, err
    written = path.read_text(encoding="utf-8")
    assert f"\ndate: {APPROVED}  # опубликовано при согласовании" in written
    assert "# date:" not in written  # the skeleton's embargo hint became the line
    assert errors(root, LATER) == []
    code, _, err = run(capsys, "build", "--root", str(root), "--now", LATER)
    assert code == 0, err
    page = (root / "output/press-releases/katok/index.html").read_text(encoding="utf-8")
    assert f'datetime="{APPROVED}"' in page and "Время открытия — 11:00." in page


def test_no_date_until_the_final_step_and_never_now(tmp_path, capsys):
    """Two steps: under review after the first, it has no publication time (status shows
    none, nothing goes out); the final step's time is its date."""
    config = config_dict()
    config["people"].append(
        {"id": "boss", "name": "Начальник", "division": "transport", "heads": ["transport"]}
    )
    config["rules"]["types"]["press-release"] = {"steps": ["division_head", "pr_department"]}
    root = make_site(tmp_path, config=config)
    path = new(capsys, root, "Два этапа", "--now", CREATED)
    code, out, err = run(
        capsys, "approve", str(path), "--by", "boss", "--yes", "--root", str(root), "--now", APPROVED
    )
    assert code == 0 and "в момент последнего этапа согласования" in out, out + err
    code, out, _ = run(capsys, "status", "--root", str(root), "--now", LATER, "--format", "csv")
    row = next(line for line in out.splitlines() if "dva-etapa" in line)
    assert ",review," in row and "2026-12-07T12:00" not in row and row.split(",")[6] == "", row
    assert approve(capsys, root, path, LATER)[0] == 0
    assert errors(root, LATER) == []
    code, _, err = run(capsys, "build", "--root", str(root), "--now", "2026-12-07T13:00:00+06:00")
    assert code == 0, err
    page = (root / "output/press-releases/dva-etapa/index.html").read_text(encoding="utf-8")
    assert f'datetime="{LATER}"' in page and f'datetime="{APPROVED}"' not in page
