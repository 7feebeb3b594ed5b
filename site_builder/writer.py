"""{path: bytes} → output/, all or nothing.

Files are written into a fresh directory beside output/ which is then swapped in with one
atomic renameat2(RENAME_EXCHANGE) (Linux); elsewhere two renames, with recovery of a
swap interrupted between them on the next run.  A build killed at any moment leaves the
previous output/ complete.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path

from site_builder.outputs import CopyFrom

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the platform cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _safe_target(rel: str) -> bool:
    parts = rel.split("/")
    return (
        bool(rel) and not rel.startswith("/") and "\x00" not in rel and ".." not in parts and "" not in parts
    )


def recover(output: Path) -> None:
    """Finish or undo a swap that a killed run left half done; drop stale temporary trees."""
    old = output.with_name(f".{output.name}.old")
    if not output.exists() and old.is_dir():
        old.rename(output)
    for stale in output.parent.glob(f".{output.name}.*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def write(output: Path, files: dict[str, bytes | CopyFrom]) -> int:
    """Replace output/ with exactly these files; return how many were written."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    staging = output.with_name(f".{output.name}.tmp-{os.getpid()}")
    staging.mkdir()
    made: set[Path] = {staging}
    for rel in sorted(files):
        if not _safe_target(rel):
            raise ValueError(f"unsafe output path {rel!r}")
        target = staging / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        data = files[rel]
        if isinstance(data, CopyFrom):
            shutil.copyfile(data.path, target)
        else:
            target.write_bytes(data)
    _fsync_tree(staging)
    if output.exists():
        if not _exchange(staging, output):
            old = output.with_name(f".{output.name}.old")
            output.rename(old)
            staging.rename(output)
            shutil.rmtree(old, ignore_errors=True)
            return len(files)
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous output
    else:
        staging.rename(output)
    return len(files)


def _fsync_tree(root: Path) -> None:
    """Flush the staged tree's directory so the swap never exposes unwritten files after a crash."""
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
