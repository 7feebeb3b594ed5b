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


def test_a_trash_an_interrupted_run_left_is_deleted_and_waited_out(bench, tmp_path):
    work = tmp_path / "work"
    _tree(work / "trash" / "7-output")
    bench.TRASH.open(work)
    try:
        assert list((work / "trash").iterdir()) == []
        assert bench.slept == [bench.RECENT_DELETE]  # the kernel's memory of the freed inodes
    finally:
        bench.TRASH.empty()
