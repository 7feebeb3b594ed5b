"""Symbolic links among a site's inputs: each one an error that names it, none ever followed.

A link in config.yaml's place, in content/, templates/ or static/ (those folders
themselves included, at any depth, to a file or to a folder, inside the site or outside
it, dangling or looping) could make a template or a copied file publish any file of the
machine the site is built on.  So the build reads no input through a link: content/ is
listed (content.py, mediarequests.py) and templates are loaded (render.py) without
following one, and `find` names the links the listing of content/ does not see.

Only the standard library: config.py, uptodate.py and scaffold.py use it too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from site_builder.errors import Problem, problem

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def lock_file(name: str) -> bool:
    """An editor's lock file (Emacs keeps `.#name` as a dangling link while a file is
    edited): read by nothing, so not among the inputs."""
    return name.startswith(".#")


def is_link(path: str | Path) -> bool:
    """Whether the path itself is a symbolic link (never what it points to)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def symlink(root: Path, path: str | Path) -> Problem:
    """FILE_SYMLINK for the link at `path`, named relative to the site, with where it points:
    the place inside the site, or the absolute place outside it."""
    return problem(shown(root, path), 0, "error", "FILE_SYMLINK", target=target(root, path))


def shown(root: Path, path: str | Path) -> str:
    """A path below the site folder as messages name it (relative, '/'-separated)."""
    return Path(os.path.relpath(path, root)).as_posix()


def target(root: Path, path: str | Path) -> str:
    """Where a link leads, followed to its end: relative to the site when that is inside
    it, else absolute (a dangling link: where it would lead; a loop: the link itself)."""
    try:
        text = os.readlink(path)
    except OSError:
        return "?"
    site = os.path.realpath(root)
    end = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(path)), text))
    if end == site or end.startswith(site.rstrip(os.sep) + os.sep):
        end = Path(os.path.relpath(end, site)).as_posix()
    return os.fsencode(end).decode("utf-8", "replace")  # printable, whatever its bytes


def find(root: Path) -> list[Problem]:
    """The links among the inputs that the listing of content/ (content.py) and
    `load_config` do not report: content/, templates/ and static/ themselves, and
    everything below templates/ and static/."""
    found: list[Problem] = []
    for name in ("content", "templates", "static"):
        folder = root / name
        if is_link(folder):
            found.append(symlink(root, folder))
        elif name != "content" and folder.is_dir():
            _walk(root, str(folder), found)
    return found


def below(root: Path, folder: Path) -> list[Problem]:
    """Every link below `folder` (a real folder of the site), at any depth."""
    found: list[Problem] = []
    _walk(root, str(folder), found)
    return found


def _walk(root: Path, folder: str, found: list[Problem]) -> None:
    """Every link below `folder`, at any depth; no link is entered."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return  # unreadable: nothing is read from it either
    for entry in entries:
        if not _printable(entry.name):
            continue  # reported as FILE_NAME_ENCODING (build.py), and not read
        if entry.is_symlink():
            if not lock_file(entry.name):
                found.append(symlink(root, entry.path))
        elif entry.is_dir(follow_symlinks=False):
            _walk(root, entry.path, found)


def _printable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read(path: str | Path) -> bytes:
    """A file's bytes, refusing a link in its own place (ELOOP is an OSError)."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    with open(fd, "rb") as handle:
        return handle.read()
