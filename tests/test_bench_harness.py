"""bench/run.py's trash: old trees are moved aside during a run and deleted after it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "bench" / "run.py"


@pytest.fixture
def bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_run", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    slept = []
    monkeypatch.setattr(module.time, "sleep", slept.append)
    module.slept = slept
    return module


def _tree(root: Path) -> Path:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "index.html").write_text("x")
    (root / "a" / "c.txt").write_text("y")
    return root


def test_a_run_moves_old_trees_into_its_trash_and_deletes_them_at_the_end(bench, tmp_path):
    work = tmp_path / "work"
    output, cache, loose = _tree(work / "site" / "output"), work / "site" / ".site-cache", work / "f.json"
    cache.mkdir()
    loose.write_text("{}")
    inode = output.stat().st_ino
    bench.TRASH.open(work)
    try:
        assert bench.slept == []  # no trash left by an earlier run: nothing to wait for
        bench.clear(output, cache, loose, work / "missing")
        assert not output.exists() and not cache.exists() and not loose.exists()
        kept = sorted((work / "trash").iterdir())
        assert [p.name for p in kept] == ["1-output", "2-.site-cache", "3-f.json"]
        assert kept[0].stat().st_ino == inode  # renamed, not copied and deleted
        assert (kept[0] / "a" / "b" / "index.html").read_text() == "x"
    finally:
        bench.TRASH.empty()
    assert not (work / "trash").exists()
    # Outside a run, clear deletes at once.
    again = _tree(work / "again")
    bench.clear(again)
    assert not again.exists() and not (work / "trash").exists()


def test_links_are_moved_as_links_and_a_failed_move_deletes(bench, tmp_path, monkeypatch):
    work, target = tmp_path / "work", _tree(tmp_path / "kept")
    link = work / "site" / "output"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    other = _tree(work / "other")
    bench.TRASH.open(work)
    try:
        bench.clear(link)
        assert (work / "trash" / "1-output").is_symlink() and not link.is_symlink()
        real_rename = Path.rename

        def cross_device(self, to):
            if self == other:
                raise OSError(18, "Invalid cross-device link")
            return real_rename(self, to)

        monkeypatch.setattr(Path, "rename", cross_device)
        bench.clear(other)  # cannot be moved (another disk): deleted, and not counted
        assert not other.exists() and bench.TRASH.count == 1
    finally:
        bench.TRASH.empty()
    assert (target / "a" / "b" / "index.html").read_text() == "x"  # never followed


def test_a_run_waits_until_the_last_trash_was_deleted_long_enough_ago(bench, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    clock = [1_000_000.0]
    monkeypatch.setattr(bench.time, "time", lambda: clock[0])
    (work / "trash.emptied").write_text(str(clock[0] - 100))
    bench.TRASH.open(work)
    bench.TRASH.empty()
    assert bench.slept == [bench.RECENT_DELETE - 100]
    assert float((work / "trash.emptied").read_text()) == clock[0]  # this run's trash, just deleted
    clock[0] += bench.RECENT_DELETE + 1
    bench.TRASH.open(work)
    bench.TRASH.empty()
    assert bench.slept == [bench.RECENT_DELETE - 100]  # long enough ago: no second wait


def test_the_edit_loop_scripts_keep_their_folders_in_the_trash(bench, tmp_path, monkeypatch):
    work = tmp_path / "work"
    args = type("Args", (), {"repeat": 1, "timeout": 1.0})()
    tools = bench.Tools(Path(sys.executable), ["site-builder"], hugo=Path("hugo"))
    run = bench.Bench(args, tools, work, tmp_path)
    seen = []
    monkeypatch.setattr(run, "edit_loop", lambda size, key, cmd: seen.append(cmd))
    corpus = tmp_path / "corpus"
    item = corpus / "contract" / "content" / "a.md"
    item.parent.mkdir(parents=True)
    item.write_text("x")
    (corpus / "hugo" / "content").mkdir(parents=True)
    (corpus / "hugo" / "content" / "a.md").write_text("x")
    bench.TRASH.open(work)
    try:
        run.serve_edit(5, tmp_path / "site", item)
        run.hugo_serve_edit(5, corpus)
        assert [cmd[cmd.index("--scratch") + 1] for cmd in seen] == [work / "trash"] * 2
    finally:
        bench.TRASH.empty()


def test_a_trash_an_interrupted_run_left_is_deleted_and_waited_out(bench, tmp_path):
    work = tmp_path / "work"
    _tree(work / "trash" / "7-output")
    bench.TRASH.open(work)
    try:
        assert list((work / "trash").iterdir()) == []
        assert len(bench.slept) == 1 and bench.slept[0] > bench.RECENT_DELETE - 60  # the inodes it freed
    finally:
        bench.TRASH.empty()
