"""One person's mistake does not stop the office's publication (issue 25, point 2).

`build` publishes every correct item and holds back each one with an error: left out if
it never went out, else its last published version (from git history) stays live,
unchanged.  It exits 3 and says so.  `check` and `build --strict` stop on any error, as
before.  Where holding back cannot be done safely (no history, an error of the whole site)
the build stops as `--strict` does.  The sites are git repositories (test_trust_takedown.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from gitkit import commit
from sitekit import NOW, item, make_site, run_cli, tree
from test_trust_takedown import (
    AFTER,
    APPROVED,
    BEFORE,
    OTHER,
    PAGE,
    REL,
    config,
    edit,
    published,
    reapproved,
    release,
)

DRAFT = "content/press-releases/chernovik.md"
FRESH = "content/press-releases/srochno.md"  # an urgent release, approved just now
BROKEN_WORDS = "СЕКРЕТНАЯПРАВКА"  # only the broken file says it


def files_text(output: Path) -> str:
    """Every byte and name of output/, as one text to search."""
    parts = []
    for path in sorted(output.rglob("*")):
        parts.append(str(path.relative_to(output)))
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def build(root: Path, *extra: str) -> tuple[int, str, str]:
    code, out, err = run_cli("build", "--now", NOW, *extra, cwd=root)
    assert "Traceback" not in out + err
    return code, out, err


def test_a_broken_draft_does_not_stop_an_urgent_release(tmp_path: Path):
    root, _ = published(tmp_path)
    broken = item("Черновик " + BROKEN_WORDS, "09.12.2026", status="draft", body=BROKEN_WORDS + "\n")
    (root / DRAFT).write_text(broken, encoding="utf-8")
    (root / FRESH).write_text(release("Срочное опровержение", rel=FRESH), encoding="utf-8")
    commit(root, AFTER)
    code, out, err = run_cli("check", "--now", NOW, cwd=root)
    assert code == 1 and f"{DRAFT}:3: error BAD_DATE" in err, out + err  # check is still the gate
    before = tree(root / "output")
    code, out, err = build(root, "--strict")
    assert code == 1 and "ничего не записано" in err, out + err
    assert tree(root / "output") == before
    code, out, err = build(root)
    assert code == 3, out + err
    assert re.search(rf"^{DRAFT}: warning HELD_OUT ", err, re.MULTILINE), err
    assert "отложено из-за ошибок материалов: 1 (код выхода 3)" in err
    assert (root / "output/press-releases/srochno/index.html").is_file()  # the urgent one went out
    assert tree(root / "output")[PAGE] == before[PAGE]
    assert BROKEN_WORDS not in files_text(root / "output") and "chernovik" not in files_text(root / "output")
    # Nothing changed: the answer without parsing says the same, with the same exit code.
    code, out, err = build(root)
    assert code == 3 and "HELD_OUT" in out + err, out + err


def test_a_broken_edit_of_a_published_item_keeps_its_last_published_version(tmp_path: Path):
    root, before = published(tmp_path)
    edit(root, lambda t: t.replace(f"date: {'2026-11-20T10:00:00+06:00'}", "date: 20.11.2026"))
    edit(root, lambda t: t.replace("Текст материала.", BROKEN_WORDS))
    edit(root, lambda t: t.replace("title: Ремонт дорог", "title: Ремонт " + BROKEN_WORDS))
    commit(root, AFTER)
    code, out, err = build(root, "--format", "github")
    assert code == 3, out + err
    assert f"::error file={REL}" in out and f"::warning file={REL}" in out and "HELD_KEPT" in out, out
    assert tree(root / "output") == before  # the page, the feeds, search, sitemap: all as they were
    assert BROKEN_WORDS not in files_text(root / "output")


def test_an_unapproved_edit_of_a_published_item_never_goes_out(tmp_path: Path):
    """Edited after approval and its approval bumped by hand: the approval no longer holds,
    so the version that went out stays, not the new text."""
    root, before = published(tmp_path)
    edit(root, lambda t: t.replace("Текст материала.", BROKEN_WORDS))
    commit(root, AFTER)
    code, out, err = build(root)
    assert code == 3 and "APPROVAL_HASH_LIVE" in err and "HELD_KEPT" in err, out + err
    assert tree(root / "output") == before
    assert BROKEN_WORDS not in files_text(root / "output")


def test_a_version_history_counts_as_out_that_fails_now_stops_the_build(tmp_path: Path):
    """History counts an approved version committed after its date as gone out (cautiously:
    it does not judge links).  Kept live, it would fail now (a link to no file): it cannot
    be kept, nor can it be dropped without knowing it never went out, so the build stops."""
    root, before = published(tmp_path)
    linking = release("Ссылается", rel=FRESH, body="См. [новый](net-takogo.md).\n")
    (root / FRESH).write_text(linking, encoding="utf-8")
    commit(root, AFTER)
    code, out, err = build(root)
    assert code == 1, out + err
    assert re.search(rf"^{FRESH}: error HELD_NOT_KEPT .*BROKEN_LINK", err, re.MULTILINE), err
    assert tree(root / "output") == before


def test_a_link_to_an_item_held_out_does_not_hold_back_the_item_that_links(tmp_path: Path):
    """One mistake holds back one item: a published item that links to a draft whose file
    breaks goes out, the link shown as plain text (as to any item not out); the draft is
    held out.  (Held in turn, the linking item would stop the build: history counts it as
    out, and kept live it would fail for the same link.)"""
    root, _before = published(tmp_path)
    (root / DRAFT).write_text(item("Новый", "20.11.2026", status="draft"), encoding="utf-8")
    linking = release("Ссылается", rel=FRESH, body="См. [новый](chernovik.md).\n")
    (root / FRESH).write_text(linking, encoding="utf-8")
    commit(root, AFTER)
    code, out, err = build(root)
    assert code == 3, out + err
    assert re.search(rf"^{DRAFT}: warning HELD_OUT ", err, re.MULTILINE), err
    assert re.search(rf"^{FRESH}:\d+: warning LINK_UNPUBLISHED ", err, re.MULTILINE), err
    said = "".join(line for line in err.splitlines() if line.startswith(FRESH))
    assert "HELD" not in said and "error" not in said, err  # the draft's error is the draft's
    page = (root / "output/press-releases/srochno/index.html").read_text(encoding="utf-8")
    assert "См. новый" in page and "chernovik" not in page


def test_a_held_item_passes_over_a_version_that_went_out_only_by_history(tmp_path: Path):
    """An approved edit with a broken link, committed after its date: history counts it as
    gone out, but no build published it.  The next edit breaks the file: the build walks
    back to the newest version that went out and still passes — the first one."""
    root, before = published(tmp_path)
    linking = "См. [новый](net-takogo.md)."  # no such file
    edit(root, lambda t: reapproved(t.replace("Текст материала.", linking), "aliev", APPROVED))
    commit(root, AFTER)
    code, out, err = build(
        root, "--strict", "--now", "2026-11-21T13:00:00+06:00", "--output", str(tmp_path / "x")
    )
    assert code == 1 and "BROKEN_LINK" in err and err.count(" error ") == 1, out + err  # it never built
    edit(root, lambda t: t.replace(f"date: {'2026-11-20T10:00:00+06:00'}", "date: 20.11.2026"))
    edit(root, lambda t: t.replace(linking, BROKEN_WORDS))
    commit(root, "2026-11-22T11:00:00+06:00")
    code, out, err = build(root)
    assert code == 3, out + err
    assert re.search(rf"^{REL}: warning HELD_KEPT .*2026-11-20 10:00,", err, re.MULTILINE), err
    assert tree(root / "output") == before  # the first version, as it went out
    assert BROKEN_WORDS not in files_text(root / "output") and "net-takogo" not in files_text(root / "output")


def test_without_git_history_an_item_in_error_stops_the_build(tmp_path: Path):
    """History cannot tell whether the item went out: fail safe, as --strict does."""
    root = make_site(tmp_path, {REL: release(), OTHER: release("Другое", rel=OTHER)}, config())
    assert build(root)[0] == 0
    before = tree(root / "output")
    edit(root, lambda t: t.replace("date: 2026-11-20T10:00:00+06:00", "date: 20.11.2026"))
    code, out, err = build(root)
    assert code == 1 and re.search(rf"^{REL}: error HELD_NO_HISTORY ", err, re.MULTILINE), out + err
    assert "ничего не записано" in err
    assert tree(root / "output") == before


def test_an_error_of_the_whole_site_still_stops_the_build(tmp_path: Path):
    root, before = published(tmp_path)
    (root / DRAFT).write_text(item("Черновик", "09.12.2026", status="draft"), encoding="utf-8")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/item.html").write_text("{% if %}", encoding="utf-8")
    commit(root, AFTER)
    code, out, err = build(root)
    assert code == 1 and "ничего не записано" in err, out + err
    assert tree(root / "output") == before


def test_a_held_item_committed_before_its_date_is_simply_left_out(tmp_path: Path):
    """An embargoed release broken before its hour never went out: left out, not stopped."""
    root, before = published(tmp_path)
    late = release("Эмбарго", date="2026-11-25T10:00:00+06:00", at="2026-11-21T09:00:00+06:00", rel=FRESH)
    late = late.replace("status: approved", "status: approved\nplace: 5")
    (root / FRESH).write_text(late, encoding="utf-8")
    commit(root, BEFORE.replace("19T", "21T"))
    code, out, err = build(root)
    assert code == 3 and "HELD_OUT" in err, out + err
    assert tree(root / "output") == before
