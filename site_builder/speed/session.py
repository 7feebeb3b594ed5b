"""The speed layer as the pipeline sees it: one object a build is handed.

A build is the same pipeline whether it runs once from the command line or again and
again in the preview server; what differs is how much it may take from before and how
it spreads its work.  That is all here, so the pipeline's functions take a `Session`
instead of a parameter for each shortcut.  Nothing in a session changes what a build
writes, only how fast it gets there (see docs/architecture.md, "Speed and the build cache").
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from site_builder.errors import Problem
from site_builder.speed import uptodate
from site_builder.speed.cache import FOLDER, Cache


@dataclass
class Session:
    """How one build goes fast.

    `jobs`: worker processes (None: one per CPU this process may use).
    `store`: the build cache, `Cache(None)` when there is none (`--no-cache`); the
    preview server keeps one in memory between builds.
    `inputs` and `digests`: what the build reads, hashed before it reads it
    (`uptodate.inputs_key`) and the content files' hashes found on the way; "" and None
    when not known (a preview, no cache).
    `in_place`: the preview server's own folder, updated file by file instead of swapped.
    `known`: the fingerprint and manifest of the last build committed into that folder,
    while the folder is trusted to hold just that.
    `touched`: the only content files changed since the last build, when known.
    `progress(done, total, label)`: told before each stage (a progress bar; silent by default).
    """

    jobs: int | None = None
    store: Cache = field(default_factory=lambda: Cache(None))
    inputs: str = ""
    digests: dict[str, str] | None = None
    in_place: bool = False
    known: tuple[str, dict[str, list]] | None = None
    touched: Collection[str] | None = None
    aside: Callable[[], tuple[str, dict[str, str]]] | None = None  # inputs being hashed aside
    progress: Callable[[int, int, str], None] = lambda done, total, label: None

    @classmethod
    def of(cls, root: Path, jobs: int | None = None, cache: bool = True) -> Session:
        """A command-line build's session: the site's cache folder unless `cache` is off."""
        return cls(jobs, Cache(root / FOLDER if cache else None))

    @property
    def cached(self) -> bool:
        """Whether anything is taken from, or kept for, another build."""
        return self.store.folder is not None

    def up_to_date(self, root: Path, output: Path, now: datetime) -> list[Problem] | None:
        """The warnings the last build of `output` reported, when it is exactly what a build
        of ROOT at `now` would write (see uptodate.py): nothing need be parsed, nor the
        generator imported.  Else None, and with a cache the inputs are being hashed by a
        forked process while the caller imports the rest (`start` takes the result)."""
        if not self.cached:
            return None
        recorded = _recorded_problems(output)
        if recorded is None:  # no output to keep: hash the inputs aside meanwhile
            self.aside = uptodate.inputs_key_aside(root)
            return None
        self.digests = {}
        self.inputs = uptodate.inputs_key(root, self.digests)
        return recorded if uptodate.current(root, output, now, self.inputs) else None

    def start(self, root: Path, preview: bool = False) -> None:
        """Ready the session for a build of ROOT: hash what it reads before it reads it
        (see uptodate.py), unless the caller did just before (no key for a preview or the
        preview server's folder); mark this version's cache used (and delete what other
        versions left long unused)."""
        self.store.prune()
        if self.aside is not None:
            self.inputs, self.digests = self.aside()
            self.aside = None
        if not self.cached or preview or self.in_place:
            self.inputs, self.digests = "", None
        elif not self.inputs:
            self.digests = {}
            self.inputs = uptodate.inputs_key(root, self.digests)

    def memo(self, bucket: str) -> Callable[[Any, Callable[[], Any]], Any] | None:
        """The in-memory memo of a bucket (the preview server's); None for a one-off build."""
        return partial(self.store.memo, bucket) if self.store.memory is not None else None


def _recorded_problems(output: Path) -> list[Problem] | None:
    """The warnings the last build of this output reported; None when it left none readable."""
    found = uptodate.read_manifest(output.absolute()).get("problems")
    try:
        return [
            Problem(str(path), int(line), severity, str(code), tuple((str(k), str(v)) for k, v in values))
            for path, line, severity, code, values in found
        ]
    except (TypeError, ValueError):
        return None
