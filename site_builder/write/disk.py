"""Single files and folders of an output tree, read, made and removed without following a link."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path


def safe_target(rel: str) -> bool:
    """Whether `rel` is a plain path below the tree's root (no `..`, no empty part)."""
    parts = rel.split("/")
    return (
        bool(rel) and not rel.startswith("/") and "\x00" not in rel and ".." not in parts and "" not in parts
    )


def discard(path: Path) -> None:
    """Delete a tree, or only the link when `path` is one (never what it points to)."""
    if path.is_symlink():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def no_link_above(root: str, rel: str) -> bool:
    """Whether every folder between `root` and `rel` is a real folder (someone may have
    put a link to a folder of their own in output/: nothing is removed through it)."""
    parent = os.path.dirname(rel)
    while parent:
        if not real_folder(os.path.join(root, parent)):
            return False
        parent = os.path.dirname(parent)
    return True


def real_folder(path: str) -> bool:
    """A folder itself, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def listing(root: str) -> tuple[set[str], set[str]]:
    """Every file (and link) and every folder below `root`, by path relative to it."""
    files: set[str] = set()
    folders: set[str] = set()
    todo = [""]
    while todo:
        rel = todo.pop()
        with os.scandir(os.path.join(root, rel) if rel else root) as entries:
            for entry in entries:
                name = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(name)
                    todo.append(name)
                else:
                    files.add(name)
    return files, folders


def remove(output: Path, rel: str) -> None:
    """Delete a file the new build no longer has, and the folders it leaves empty."""
    if not safe_target(rel):
        return
    path = output / rel
    path.unlink(missing_ok=True)
    for folder in path.parents:
        if folder == output:
            break
        try:
            folder.rmdir()
        except OSError:
            break  # not empty


def create(rel: str, path: str, data: bytes) -> os.stat_result:
    """Write a new file of the staged tree; its stat.  It must not exist: it may be a link
    to the live output, and two outputs may not write one path."""
    try:
        handle = open(path, "xb")  # noqa: SIM115 - the stat is taken before it is closed
    except FileExistsError:
        raise RuntimeError(f"two outputs write {rel}") from None
    with handle:
        handle.write(data)
        handle.flush()
        return os.fstat(handle.fileno())


def copy(source: Path, path: str) -> None:
    """Copy an input file (an attachment, a static file) as it is, never through a link:
    the check refused every link, and one made since is not followed (an OSError)."""
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with open(fd, "rb") as handle, open(path, "wb") as out:
        shutil.copyfileobj(handle, out, 1 << 20)


def write(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def intact(path: str | Path, seen: list) -> bool:
    """Whether the file is still as its manifest row [sha1, size, mtime_ns, …] says."""
    try:
        found = os.lstat(path)  # a link (the build writes none) is not its file
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and [found.st_size, found.st_mtime_ns] == seen[1:3]


def link(old: str, seen: list, target: str) -> bool:
    """Hard-link the previous build's file if it is still exactly as that build left it."""
    try:
        found = os.lstat(old)  # a link put into output/ is not carried into the next one
        if not stat.S_ISREG(found.st_mode) or [found.st_size, found.st_mtime_ns] != seen[1:3]:
            return False
        os.link(old, target)
    except OSError:
        return False
    return True


def fsync_tree(root: Path) -> None:
    """Flush the staged tree's directory so the swap never exposes unwritten files after a crash."""
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
