"""Where a build may put its output: never over the sources, never over a folder it did not make.

A build replaces its output folder whole (staging.py, swap.py), so `--output` naming the site
folder, a folder that holds it, or a folder of the sources would replace them, and a
folder of someone else's would lose its files.  Each is refused before anything is
read or written.  Paths are compared as the system resolves them: through every link
and `..`.

A folder is known as a build's by what the writer keeps beside it: the manifest of the
tree it holds, or the mark the writer leaves there before the first tree is swapped in
(the manifest itself is moved aside for a moment at each swap).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.speed import uptodate
from site_builder.speed.cache import FOLDER as CACHE_FOLDER

# What a build reads (and git's and the cache's folders): no output may be, hold or lie in one.
SOURCES = ("content/", "templates/", "static/", "config.yaml", ".git/", f"{CACHE_FOLDER}/")


# The names the writer gives what it keeps beside an output folder X: `.X.old`, `.X.spare`
# (and its `.json`), `.X.tmp-PID`, `.X.site-builder`, `.X.manifest.json`.  An output of
# such a name would be taken, or deleted, as another build's working folder.
WORKING_NAME = re.compile(r"\..+\.(?:old|spare|spare\.json|tmp-\d+|site-builder|manifest\.json)")


def place(output: Path) -> Path:
    """The output folder as the writer works on it: absolute, with the links and `..`
    above it resolved, its own name kept (a link there is the writer's to replace)."""
    if output.name in ("", ".", ".."):
        return Path(os.path.realpath(output))
    return Path(os.path.realpath(output.parent)) / output.name


def mark_path(output: Path) -> Path:
    """The mark beside an output folder that says a build made it."""
    return output.with_name(f".{output.name}.site-builder")


def made_by_a_build(output: Path) -> bool:
    return mark_path(output).is_file() or uptodate.manifest_path(output).is_file()


def refusals(root: Path, output: Path) -> list[Problem]:
    """Why a build must not write `output` (as given) for the site at `root`; [] when it may."""
    shown = os.fsencode(str(output)).decode("utf-8", "replace")  # a name that is not UTF-8
    at = place(output)
    target = Path(os.path.realpath(at))  # and through a link at its own name
    site = Path(os.path.realpath(root))
    if site == target or site.is_relative_to(target):
        return [problem(shown, 0, "error", "OUTPUT_IS_SITE", target=target)]
    if WORKING_NAME.fullmatch(at.name):
        return [problem(shown, 0, "error", "OUTPUT_WORKING_NAME", name=at.name)]
    existing = target
    while not os.path.exists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return [problem(shown, 0, "error", "OUTPUT_NOT_FOLDER", file=existing)]
    for name in SOURCES:
        source = Path(os.path.realpath(site / name))
        if target.is_relative_to(source) or source.is_relative_to(target):
            return [problem(shown, 0, "error", "OUTPUT_IN_SOURCES", target=target, folder=name)]
    try:
        filled = at.is_dir() and _holds_anything(at)
    except OSError as exc:
        return [problem(shown, 0, "error", "OUTPUT_UNWRITABLE", detail=exc.strerror or exc)]
    if filled and not made_by_a_build(at):
        return [problem(shown, 0, "error", "OUTPUT_FOREIGN", target=target)]
    return []


def _holds_anything(folder: Path) -> bool:
    with os.scandir(folder) as listing:
        return next(listing, None) is not None
