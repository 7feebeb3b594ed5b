"""output/ observed while it is replaced: never missing, never partial, never mixed.

A watcher thread reads output/index.html and output/feeds/all.rss.xml over and over while
the main thread builds a tiny site again and again, each build with a new generation number
in its one item's title (so in the page and in the feed).  Each snapshot opens output/ once
and reads both files through that directory's descriptor, so both come from one tree:

- missing: output/ does not exist (a swap done as two or three renames shows this);
- partial: a tree without one of the files, or a file cut short;
- mixed:   the page and the feed of one live tree from different builds (a tree written
           into while it is output/).

A tree that stopped being output/ while it was read (it is now the spare, and the next build
stages into it) is not counted as mixed; output/ missing at that check is counted as missing.

The watcher looks all the time, and also exactly between any two renames of a build: each
os.rename/os.replace of the building thread (pathlib's rename and replace go through them)
waits until the watcher has taken a snapshot after it.  A gap of a few microseconds between
two renames is then seen every time, not by luck; the free-running snapshots catch what is
not a rename (a file written in place, a tree removed before its successor is in place).
"""

from __future__ import annotations

import os
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import NOW, item, make_site

from site_builder.build import build
from site_builder.speed.session import Session

BUILDS = 30
ITEM = "content/press-releases/vypusk.md"
GENERATION = re.compile(rb"GEN(\d{4})")
FILES = ("index.html", "feeds/all.rss.xml")
ENDINGS = (b"</html>", b"</rss>")


def write_generation(root: Path, number: int) -> None:
    text = item(f"Выпуск GEN{number:04d}", body=f"Текст выпуска GEN{number:04d}.\n")
    (root / ITEM).write_text(text, encoding="utf-8")


def read_at(folder: int, rel: str) -> bytes:
    fd = os.open(rel, os.O_RDONLY, dir_fd=folder)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


@dataclass
class Watch:
    output: Path
    stop: threading.Event = field(default_factory=threading.Event)
    requests: queue.SimpleQueue[threading.Event] = field(default_factory=queue.SimpleQueue)
    snapshots: int = 0
    checkpoints: int = 0  # snapshots taken right after a rename of the builder
    generations: set[int] = field(default_factory=set)
    missing: int = 0
    partial: list[str] = field(default_factory=list)
    mixed: list[tuple[set[int], set[int]]] = field(default_factory=list)
    taken_out: int = 0  # trees swapped out while being read (not a fault)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                done = self.requests.get_nowait()
            except queue.Empty:
                self.look()
                continue
            self.look()
            self.checkpoints += 1
            done.set()

    def checkpoint(self) -> None:
        """Wait until the watcher has looked at output/ as it is now."""
        done = threading.Event()
        self.requests.put(done)
        assert done.wait(timeout=60), "the watcher stopped"

    def look(self) -> None:
        try:
            folder = os.open(self.output, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            self.missing += 1
            return
        try:
            tree = os.fstat(folder).st_ino
            texts = []
            for rel, ending in zip(FILES, ENDINGS, strict=True):
                try:
                    data = read_at(folder, rel)
                except FileNotFoundError:
                    self.partial.append(f"{rel} missing")
                    return
                if not data.rstrip().endswith(ending):
                    self.partial.append(f"{rel} cut short at {len(data)} bytes")
                    return
                texts.append(data)
        finally:
            os.close(folder)
        try:
            live = os.stat(self.output).st_ino == tree
        except FileNotFoundError:
            self.missing += 1
            return
        page, feed = ({int(n) for n in GENERATION.findall(text)} for text in texts)
        self.snapshots += 1
        if page == feed and len(page) == 1:
            self.generations |= page
        elif live:
            self.mixed.append((page, feed))
        else:
            self.taken_out += 1


def watched(real: Callable, watch: Watch, builder: threading.Thread) -> Callable:
    def rename(*args, **kwargs):
        result = real(*args, **kwargs)
        if threading.current_thread() is builder:
            watch.checkpoint()
        return result

    return rename


def test_output_is_never_missing_partial_or_mixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(tmp_path, {ITEM: ""})
    output = root / "output"
    now = datetime.fromisoformat(NOW)
    write_generation(root, 0)
    assert build(root, now, output, session=Session.of(root, 1)).ok
    watch = Watch(output)
    watcher = threading.Thread(target=watch.run, name="output-watcher", daemon=True)
    me = threading.current_thread()
    monkeypatch.setattr(os, "rename", watched(os.rename, watch, me))
    monkeypatch.setattr(os, "replace", watched(os.replace, watch, me))
    watcher.start()
    try:
        for number in range(1, BUILDS + 1):
            write_generation(root, number)
            result = build(root, now, output, session=Session.of(root, 1))
            assert result.ok, [(p.path, p.code) for p in result.problems if p.is_error]
    finally:
        watch.stop.set()
        watcher.join(timeout=60)
        monkeypatch.undo()
    assert not watcher.is_alive()
    verdict = (
        f"{watch.snapshots} snapshots ({watch.checkpoints} right after a rename), "
        f"{len(watch.generations)} generations seen"
    )
    assert watch.missing == 0, f"output/ was missing {watch.missing} times ({verdict})"
    assert not watch.partial, f"{len(watch.partial)} partial trees, e.g. {watch.partial[:3]} ({verdict})"
    assert not watch.mixed, f"{len(watch.mixed)} mixed trees, e.g. {watch.mixed[:3]} ({verdict})"
    # The watcher looked all along: during the builds, and right after each of their renames.
    assert set(range(1, BUILDS + 1)) <= watch.generations, verdict
    assert watch.checkpoints >= 2 * BUILDS and watch.snapshots >= 5 * BUILDS, verdict
