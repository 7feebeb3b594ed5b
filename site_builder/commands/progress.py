"""A progress bar for builds on a terminal; silent in CI, with --quiet, or when piped."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from site_builder.i18n import words
from site_builder.write.rendering import Progress

LABELS = {  # English msgids, translated through the site_builder catalog
    "check": "checking content",
    "render": "pages, feeds, calendars",
    "search": "search index",
    "pages": "pages",
    "feeds": "RSS and Atom feeds",
    "sitemap": "sitemap",
    "assets": "theme files",
    "write": "writing output/",
    "done": "done",
}


def wanted(quiet: bool, stream=None) -> bool:
    """Draw only for a person at a terminal: not in CI, not with --quiet, not into a pipe."""
    stream = stream or sys.stderr
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    return not quiet and not ci and stream.isatty()


def _silent(done: int, total: int, label: str) -> None:
    pass


@contextmanager
def bar(enabled: bool, lang: str) -> Iterator[Progress]:
    """Yield a `progress(done, total, label)` callback for build(); a no-op when not enabled."""
    if not enabled:
        yield _silent
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    names = words(LABELS, lang)
    with Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as drawing:
        task = drawing.add_task(names.get("check", "check"), total=1)

        def update(done: int, total: int, label: str) -> None:
            drawing.update(task, completed=done, total=total, description=names.get(label, label))

        yield update
