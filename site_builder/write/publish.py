"""A rendered site into output/: kept as it is when it already holds this very output,
else staged beside it and swapped in whole (in place, for the preview server's folder)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.errors import Problem, SiteError, problem
from site_builder.speed.session import Session
from site_builder.write import manifest
from site_builder.write.staging import Staging

Render = Callable[[Staging], dict[str, list]]  # files into the staging folder → manifest


@dataclass
class Published:
    manifest: dict[str, list] = field(default_factory=dict)  # what the folder holds: {path: row}
    written: int = 0  # files written; 0 when the folder already held this output
    problems: list[Problem] = field(default_factory=list)  # why nothing was written


def publish(
    target: Path,
    session: Session,
    fingerprint: str,
    recorded: dict,
    render: Render,
    named: Path | None = None,
) -> Published:
    """Put what `render` makes into `target`, all or nothing; `fingerprint` names that output
    (see outputs/keys.py, "" when unknown) and `recorded` is what the manifest also keeps
    for the next build (its inputs and warnings: see speed/uptodate.py).  `named`: the
    folder as the user gave it, for a message."""
    trusted = session.known if session.in_place and session.cached and target.is_dir() else None
    if trusted and fingerprint and trusted[0] == fingerprint:
        return Published(trusted[1])  # the folder holds this very output already
    kept = manifest.unchanged(target, fingerprint) if fingerprint and not trusted else None
    if kept is not None:  # same inputs, same time-dependent state: output/ untouched
        manifest.record(target, **recorded)
        return Published(kept)
    try:
        staging = Staging(target, session.in_place, session.cached, trusted[1] if trusted else None)
    except OSError as exc:  # a folder that cannot be made or written beside (nothing was)
        shown = os.fsencode(str(named or target)).decode("utf-8", "replace")
        return Published(
            problems=[problem(shown, 0, "error", "OUTPUT_UNWRITABLE", detail=exc.strerror or exc)]
        )
    try:
        files = render(staging)
    except SiteError as exc:
        staging.abort()
        return Published(problems=exc.problems)
    except BaseException:
        staging.abort()
        raise
    staging.commit(files, fingerprint, **recorded)
    return Published(files, len(files))
