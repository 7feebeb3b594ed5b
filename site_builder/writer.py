"""Rendered files → output/, all or nothing (the preview server's folder: file by file).

Files are written into a fresh directory beside output/ which is then swapped in with one
atomic renameat2(RENAME_EXCHANGE) (Linux); elsewhere two renames, with recovery of a
swap interrupted between them on the next run.  A build killed at any moment leaves the
previous output/ complete.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from site_builder import uptodate
from site_builder.outputs import CopyFrom, Files, Keyed

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


def _manifest_path(output: Path) -> Path:
    return uptodate.manifest_path(output)


def _manifest(output: Path) -> dict:
    return uptodate.read_manifest(output)


def _previous(output: Path) -> dict[str, list]:
    """What the last build wrote: {path: [sha1, size, mtime_ns, key]}; {} when unknown or gone."""
    if not output.is_dir():
        return {}
    files = _manifest(output).get("files")
    if not isinstance(files, dict):
        return {}
    return {rel: row for rel, row in files.items() if isinstance(row, list) and len(row) >= 3}


def unchanged(output: Path, fingerprint: str) -> dict[str, list] | None:
    """The files of the last build, if it had this fingerprint and its output is exactly as
    it left it; None otherwise."""
    output = output.absolute()
    manifest = _manifest(output)
    files = manifest.get("files")
    if manifest.get("fingerprint") != fingerprint or not isinstance(files, dict):
        return None
    return files if uptodate.intact(output, files) else None


def record(output: Path, **fields: object) -> None:
    """Add to the manifest of an output left as it is (what the build found out about it)."""
    output = output.absolute()
    manifest = _manifest(output)
    if manifest:
        _save_manifest(output, manifest | fields)


class Staging:
    """A fresh directory beside output/ that files go into as they are rendered.

    Any process may `put` files (forked render workers write their own pages, so no page
    travels back to the parent or waits in memory); `commit` swaps the whole tree in at
    once, `abort` throws it away and leaves output/ as it was.  A file whose bytes equal
    what the previous build wrote (and that nobody touched since: same size and mtime) is
    hard-linked from the previous output instead of rewritten; a `Keyed` page whose key
    (the hash of everything it is made from) is unchanged is linked without rendering.

    `in_place` (the preview server's own folder, which nobody else reads as a whole)
    updates output/ itself: unchanged files are not touched at all, changed ones are
    replaced one by one, and `commit` removes what the new build no longer has.  There
    `known` may be the manifest the same process committed last: the folder is its own,
    so those files are trusted as they are, without reading the manifest or a stat each;
    such a build leaves the manifest to its caller (`save`).
    """

    def __init__(
        self,
        output: Path,
        in_place: bool = False,
        reuse: bool = True,
        known: dict[str, list] | None = None,
    ):
        self.output = output.absolute()
        self.in_place = in_place
        self.output.parent.mkdir(parents=True, exist_ok=True)
        recover(self.output)
        # Without `reuse` (--no-cache) every file is written anew.
        self.trusted = bool(in_place and reuse and known is not None and self.output.is_dir())
        self.previous = (known if self.trusted else _previous(self.output)) if reuse else {}
        if in_place:
            self.path = self.output
            self.path.mkdir(exist_ok=True)
        else:
            self.path = self.output.with_name(f".{self.output.name}.tmp-{os.getpid()}")
            self.path.mkdir()
        self._root, self._live = str(self.path), str(self.output)
        self._made: set[str] = {self._root}
        self._new: set[str] = set()  # in place: files this process added (taken back by abort)

    def put(self, rel: str, data: bytes | CopyFrom | Keyed) -> list:
        """Write one file; its manifest row [sha1, size, mtime_ns, key]."""
        if self.trusted and isinstance(data, Keyed):  # kept as it is: nothing touches the disk
            seen = self.previous.get(rel)
            if seen and len(seen) > 3 and seen[3] == data.key:
                return seen
        if not _safe_target(rel):
            raise ValueError(f"unsafe output path {rel!r}")
        # Plain strings, not Paths: this runs for every one of a site's thousands of files.
        target = os.path.join(self._root, rel)
        seen = self.previous.get(rel)
        if not self.in_place:  # in place, a file kept needs no folder made
            self._folder(target)
        key = ""
        if isinstance(data, Keyed):
            key = data.key
            if seen and len(seen) > 3 and seen[3] == key and self._keep(rel, seen, target):
                return seen
            data = data.render()
        self._folder(target)
        if isinstance(data, CopyFrom):
            digest = ""
            self._replace(rel, target, lambda temporary: shutil.copyfile(data.path, temporary))
            stat = os.stat(target)
        else:
            digest = hashlib.sha1(data).hexdigest()
            if seen and seen[0] == digest and self._keep(rel, seen, target):
                return [*seen[:3], key]
            if self.in_place:
                self._replace(rel, target, lambda temporary: _write(temporary, data))
                stat = os.stat(target)
            else:
                stat = _create(rel, target, data)
        return [digest, stat.st_size, stat.st_mtime_ns, key]

    def _folder(self, target: str) -> None:
        parent = os.path.dirname(target)
        if parent not in self._made:
            self._make(parent)

    def _make(self, folder: str) -> None:
        """`os.makedirs` for a folder below the tree's root, without asking the disk about
        the folders this build has already made (thousands: one per page)."""
        above = os.path.dirname(folder)
        if above not in self._made:
            self._make(above)
        try:
            os.mkdir(folder)
        except FileExistsError:
            if not os.path.isdir(folder):  # a file where a folder must go
                raise
        self._made.add(folder)

    def _keep(self, rel: str, seen: list, target: str) -> bool:
        """Reuse the previous build's file, if it is still as that build left it."""
        if self.in_place:
            return self.trusted or _intact(target, seen)
        return _link(os.path.join(self._live, rel), seen, target)

    def _replace(self, rel: str, target: str, write: Callable[[str], object]) -> None:
        if not self.in_place:
            if os.path.lexists(target):  # it may be a link to the live output: never write into it
                raise RuntimeError(f"two outputs write {rel}")
            write(target)  # a fresh tree: nobody reads it yet
            return
        if rel not in self.previous:
            self._new.add(rel)
        folder, name = os.path.split(target)
        temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
        write(temporary)
        os.replace(temporary, target)  # a reader sees the old file or the new one

    def put_all(self, files: Files) -> dict[str, list]:
        return {rel: self.put(rel, files[rel]) for rel in sorted(files)}

    def commit(self, manifest: dict[str, list], fingerprint: str = "", **fields: object) -> None:
        """Swap the staged tree in as output/ (atomically on Linux) and record its manifest."""
        output, staging = self.output, self.path
        if self.trusted:
            # The process that trusts its folder keeps the manifest itself, and writes it
            # down (`save`) only when it stops trusting the folder.
            for rel in self.previous.keys() - manifest.keys():
                _remove(output, rel)
            return
        _manifest_path(output).unlink(missing_ok=True)  # describes the output about to be replaced
        if self.in_place:
            for rel in self.previous.keys() - manifest.keys():
                _remove(output, rel)
        else:
            _fsync_tree(staging)
            if output.exists():
                if _exchange(staging, output):
                    shutil.rmtree(staging, ignore_errors=True)  # now holds the previous output
                else:
                    old = output.with_name(f".{output.name}.old")
                    output.rename(old)
                    staging.rename(output)
                    shutil.rmtree(old, ignore_errors=True)
            else:
                staging.rename(output)
        _save_manifest(output, {"fingerprint": fingerprint, "files": manifest, **fields})

    def abort(self) -> None:
        if not self.in_place:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        # In place: what this build added goes (it may be a page that is not published after
        # all); what it rewrote no longer matches the old manifest, so the next build redoes it.
        for rel in sorted(self._new):
            _remove(self.output, rel)


def _remove(output: Path, rel: str) -> None:
    """Delete a file the new build no longer has, and the folders it leaves empty."""
    if not _safe_target(rel):
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


def _create(rel: str, path: str, data: bytes) -> os.stat_result:
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


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def _intact(path: str | Path, seen: list) -> bool:
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return [stat.st_size, stat.st_mtime_ns] == seen[1:3]


def _link(old: str, seen: list, target: str) -> bool:
    """Hard-link the previous build's file if it is still exactly as that build left it."""
    try:
        stat = os.stat(old)
        if [stat.st_size, stat.st_mtime_ns] != seen[1:3]:
            return False
        os.link(old, target)
    except OSError:
        return False
    return True


def save(output: Path, fingerprint: str, files: dict[str, list]) -> None:
    """Record that output/ holds these files (as a commit does), for a build that reads it."""
    _save_manifest(output.absolute(), {"fingerprint": fingerprint, "files": files})


def _save_manifest(output: Path, manifest: dict) -> None:
    path = _manifest_path(output)
    temporary = path.with_name(path.name + f".{os.getpid()}")
    try:
        temporary.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass  # without a manifest the next build rewrites every file: slower, same result


def _fsync_tree(root: Path) -> None:
    """Flush the staged tree's directory so the swap never exposes unwritten files after a crash."""
    fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
