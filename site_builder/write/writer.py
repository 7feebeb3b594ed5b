"""Rendered files → output/, all or nothing (the preview server's folder: file by file).

Files are written into a directory beside output/ which is then swapped in with one
atomic renameat2(RENAME_EXCHANGE) (Linux); elsewhere two renames, with recovery of a
swap interrupted between them on the next run.  A build killed at any moment leaves the
previous output/ complete.

On Linux the tree a swap takes out is kept as the *spare* (`.output.spare`, with its
manifest beside it) and the next build stages into it: there only what changed since
that tree was live is written, linked or removed, instead of making thousands of folders
and links anew and deleting the whole old tree — a one-item edit touches a few dozen
files.  Every file kept from the spare is checked against its manifest row (size, mtime)
and anything the spare holds that the new build does not write is removed before the
swap, so the output is the same as a fresh tree's.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import os
import re
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from site_builder.outputs import CopyFrom, Files, Keyed
from site_builder.speed import uptodate
from site_builder.write import outputdir

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
    """Finish or undo a swap that a killed run left half done; drop stale temporary trees
    (not the spare: it is a whole tree that some build left, with its manifest)."""
    old = output.with_name(f".{output.name}.old")
    if not output.exists() and old.is_dir():
        old.rename(output)
    # Only the exact names the writer gives (outputdir.WORKING_NAME refuses them as an
    # output): any other `.X.something` beside output/ is someone's folder, and a name
    # with glob characters in it must match only itself.
    stale = re.compile(re.escape(f".{output.name}.") + r"(?:old|tmp-\d+)")
    try:
        listing = list(os.scandir(output.parent))
    except OSError:
        return
    for entry in listing:
        if stale.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def _discard(path: Path) -> None:
    """Delete a tree, or only the link when `path` is one (never what it points to)."""
    if path.is_symlink():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _no_link_above(root: str, rel: str) -> bool:
    """Whether every folder between `root` and `rel` is a real folder (someone may have
    put a link to a folder of their own in output/: nothing is removed through it)."""
    parent = os.path.dirname(rel)
    while parent:
        if not _real_folder(os.path.join(root, parent)):
            return False
        parent = os.path.dirname(parent)
    return True


def _real_folder(path: str) -> bool:
    """A folder itself, not a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _spare_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.spare")


def _spare_manifest_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.spare.json")


def _take_spare(output: Path, path: Path) -> dict[str, list] | None:
    """The spare tree moved to `path` and the files its manifest lists; None (and no
    spare any more) when there is none, or no manifest for it."""
    spare, listed = _spare_path(output), _spare_manifest_path(output)
    files = _rows(uptodate.read_manifest(output, listed))
    if files is None or not _real_folder(str(spare)):
        _drop_spare(output)
        return None
    listed.unlink(missing_ok=True)  # it describes the spare, which is about to change
    try:
        spare.rename(path)
    except OSError:
        _discard(spare)
        return None
    return files


def _drop_spare(output: Path) -> None:
    _spare_manifest_path(output).unlink(missing_ok=True)
    _discard(_spare_path(output))


def _rows(manifest: dict) -> dict[str, list] | None:
    """A manifest's well-formed file rows {path: [sha1, size, mtime_ns, key]}; None when it has none."""
    files = manifest.get("files")
    if not isinstance(files, dict):
        return None
    return {rel: row for rel, row in files.items() if isinstance(row, list) and len(row) >= 3}


def _listing(root: str) -> tuple[set[str], set[str]]:
    """Every file (and link) and every folder below `root`, by path relative to it."""
    files: set[str] = set()
    folders: set[str] = set()
    todo = [""]
    while todo:
        rel = todo.pop()
        with os.scandir(os.path.join(root, rel) if rel else root) as listing:
            for entry in listing:
                name = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(name)
                    todo.append(name)
                else:
                    files.add(name)
    return files, folders


def _manifest_path(output: Path) -> Path:
    return uptodate.manifest_path(output)


def _manifest(output: Path) -> dict:
    return uptodate.read_manifest(output)


def _previous(output: Path) -> dict[str, list]:
    """What the last build wrote: {path: [sha1, size, mtime_ns, key]}; {} when unknown or gone."""
    if not output.is_dir():
        return {}
    return _rows(_manifest(output)) or {}


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
        self.reuse = reuse
        # The spare tree this build stages into (see the module doc): what its manifest
        # says of each file, and what it holds (files, folders) when taken.
        self.spare: dict[str, list] = {}
        self._spare_files: set[str] = set()
        self._spare_folders: set[str] = set()
        if in_place:
            self.path = self.output
            self.path.mkdir(exist_ok=True)
        else:
            self.path = self.output.with_name(f".{self.output.name}.tmp-{os.getpid()}")
            if not reuse:
                _drop_spare(self.output)
            taken = _take_spare(self.output, self.path) if reuse else None
            if taken is None:
                self.path.mkdir()
            else:
                self.spare = taken
                self._spare_files, self._spare_folders = _listing(str(self.path))
        self._root, self._live = str(self.path), str(self.output)
        self._made: set[str] = {self._root} | {os.path.join(self._root, f) for f in self._spare_folders}
        self._new: set[str] = set()  # in place: files this process added (taken back by abort)

    def put(self, rel: str, data: bytes | CopyFrom | Keyed) -> list:
        """Write one file; its manifest row [sha1, size, mtime_ns, key]."""
        if not _safe_target(rel):
            raise ValueError(f"unsafe output path {rel!r}")
        # Plain strings, not Paths: this runs for every one of a site's thousands of files.
        target = os.path.join(self._root, rel)
        seen = self.previous.get(rel)
        if not self.in_place:  # in place, a file kept needs no folder made
            self._folder(target)
        key = ""
        spare = self.spare.get(rel)
        if isinstance(data, Keyed):
            key = data.key
            if spare and len(spare) > 3 and spare[3] == key and self._spared(rel, spare, target):
                return spare
            if seen and len(seen) > 3 and seen[3] == key and self._keep(rel, seen, target):
                return seen
            data = data.render()
        self._folder(target)
        if isinstance(data, CopyFrom):
            digest = ""
            self._replace(rel, target, lambda temporary: _copy(data.path, temporary))
            stat = os.stat(target)
        else:
            digest = hashlib.sha1(data).hexdigest()
            if spare and spare[0] == digest and self._spared(rel, spare, target):
                return [*spare[:3], key]
            if seen and seen[0] == digest and self._keep(rel, seen, target):
                return [*seen[:3], key]
            if self.in_place:
                self._replace(rel, target, lambda temporary: _write(temporary, data))
                stat = os.stat(target)
            else:
                self._clear(rel, target)
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
            if not _real_folder(folder):  # a file (or a link) where a folder must go
                if not self._clear(os.path.relpath(folder, self._root), folder):
                    raise
                with contextlib.suppress(FileExistsError):  # another worker may have made it
                    os.mkdir(folder)
                if not _real_folder(folder):
                    raise
        self._made.add(folder)

    def _spared(self, rel: str, row: list, target: str) -> bool:
        """Keep the spare's file, if it is still the regular file its manifest says."""
        if rel not in self._spare_files:
            return False
        try:
            found = os.lstat(target)
        except OSError:
            return False
        return stat.S_ISREG(found.st_mode) and [found.st_size, found.st_mtime_ns] == row[1:3]

    def _clear(self, rel: str, target: str) -> bool:
        """Take away what the spare holds at `rel` (never written into: it may be a link to
        a file of the live output); whether there was something of the spare's there.
        Forked workers each clear in their own copy of these sets: `_drop_leftovers`
        looks at the disk again before it removes anything."""
        if rel in self._spare_files:
            self._spare_files.discard(rel)
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):  # a worker's folder now
                os.unlink(target)
            return True
        if rel in self._spare_folders and _real_folder(target):
            below = rel + "/"
            self._spare_folders = {f for f in self._spare_folders if f != rel and not f.startswith(below)}
            self._spare_files = {f for f in self._spare_files if not f.startswith(below)}
            shutil.rmtree(target)
            return True
        return False

    def _keep(self, rel: str, seen: list, target: str) -> bool:
        """Reuse the previous build's file, if it is still as that build left it."""
        if self.in_place:
            return self.trusted or _intact(target, seen)
        self._clear(rel, target)
        return _link(os.path.join(self._live, rel), seen, target)

    def _replace(self, rel: str, target: str, write: Callable[[str], object]) -> None:
        if not self.in_place:
            self._clear(rel, target)
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
        """`put` every file, in path order; in a trusted folder a page whose key is the one
        it was written with is kept as it is, without touching the disk (nearly every page
        of a preview rebuild)."""
        previous: dict[str, list] = self.previous if self.trusted else {}
        out = {}
        for rel in sorted(files):
            data, seen = files[rel], previous.get(rel)
            if seen is not None and type(data) is Keyed and len(seen) > 3 and seen[3] == data.key:
                out[rel] = seen
            else:
                out[rel] = self.put(rel, data)
        return out

    def commit(self, manifest: dict[str, list], fingerprint: str = "", **fields: object) -> None:
        """Swap the staged tree in as output/ (atomically on Linux) and record its manifest."""
        output, staging = self.output, self.path
        if self.trusted:
            # The process that trusts its folder keeps the manifest itself, and writes it
            # down (`save`) only when it stops trusting the folder.
            for rel in self.previous.keys() - manifest.keys():
                _remove(output, rel)
            return
        live = _manifest_path(output)  # describes the output about to be replaced
        if self.in_place:
            live.unlink(missing_ok=True)
            for rel in self.previous.keys() - manifest.keys():
                _remove(output, rel)
        else:
            self._drop_leftovers(manifest)
            _fsync_tree(staging)
            # A build's tree is about to be there: say so beside it for good (its
            # manifest is moved aside for the swap), so a later build knows the folder
            # as its own and replaces it (see outputdir.py).
            with contextlib.suppress(OSError):
                outputdir.mark_path(output).touch()
            # The output about to be taken out is kept as the next build's spare, with
            # its manifest, when it has one (moved aside first: output/ is never described
            # by another tree's manifest).
            spare = self.reuse and _real_folder(str(output)) and live.exists()
            if spare:
                os.replace(live, _spare_manifest_path(output))
            else:
                live.unlink(missing_ok=True)
            if output.exists() or output.is_symlink():
                if _exchange(staging, output):  # `staging` now holds the previous output
                    if spare:
                        self._keep_spare(staging, manifest)
                    else:
                        _discard(staging)
                else:
                    _spare_manifest_path(output).unlink(missing_ok=True)
                    old = output.with_name(f".{output.name}.old")
                    output.rename(old)
                    staging.rename(output)
                    shutil.rmtree(old, ignore_errors=True)
            else:
                staging.rename(output)
        _save_manifest(output, {"fingerprint": fingerprint, "files": manifest, **fields})

    def _keep_spare(self, taken: Path, manifest: dict[str, list]) -> None:
        """Keep the tree just taken out as the next build's spare, less the files this
        build no longer publishes (an item taken down must not wait beside output/ for
        another build).  output/ is in place already: nothing here may fail the build."""
        spare = _spare_path(self.output)
        try:
            for rel in self.previous.keys() - manifest.keys():
                if _safe_target(rel) and _no_link_above(str(taken), rel):
                    with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
                        os.unlink(os.path.join(taken, rel))
            _discard(spare)
            taken.rename(spare)
        except OSError:
            _drop_spare(self.output)
            _discard(taken)

    def _drop_leftovers(self, manifest: dict[str, list]) -> None:
        """Remove what the spare held that this build does not write (an item taken down,
        a page gone), and the folders left empty: the tree then holds the manifest alone.

        This process's sets list the spare as it was taken, less what this process
        cleared; a worker may have replaced a file of it by a folder, or a folder by a
        file, so each path is looked at again: a folder the manifest needs and a file it
        names are left alone, and nothing is removed through a link."""
        if not self._spare_files and not self._spare_folders:
            return
        needed = {os.path.dirname(rel) for rel in manifest}
        for rel in list(needed):
            while rel:
                rel = os.path.dirname(rel)
                if rel in needed:
                    break
                needed.add(rel)
        for rel in sorted(self._spare_files - manifest.keys() - needed):
            if self._inside_a_file(rel, manifest):
                continue  # a folder of the spare's that a file of this build replaced
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                target = os.path.join(self._root, rel)
                if _real_folder(target):
                    shutil.rmtree(target)
                else:
                    os.unlink(target)
        for rel in sorted(self._spare_folders - needed, key=len, reverse=True):  # deepest first
            target = os.path.join(self._root, rel)
            if rel in manifest or self._inside_a_file(rel, manifest) or not _real_folder(target):
                continue
            shutil.rmtree(target, ignore_errors=True)

    @staticmethod
    def _inside_a_file(rel: str, manifest: dict[str, list]) -> bool:
        """Whether some folder above `rel` is a file of this build."""
        while rel:
            rel = os.path.dirname(rel)
            if rel in manifest:
                return True
        return False

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


def _copy(source: Path, path: str) -> None:
    """Copy an input file (an attachment, a static file) as it is, never through a link:
    the check refused every link, and one made since is not followed (an OSError)."""
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with open(fd, "rb") as handle, open(path, "wb") as out:
        shutil.copyfileobj(handle, out, 1 << 20)


def _write(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def _intact(path: str | Path, seen: list) -> bool:
    try:
        found = os.lstat(path)  # a link (the build writes none) is not its file
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and [found.st_size, found.st_mtime_ns] == seen[1:3]


def _link(old: str, seen: list, target: str) -> bool:
    """Hard-link the previous build's file if it is still exactly as that build left it."""
    try:
        found = os.lstat(old)  # a link put into output/ is not carried into the next one
        if not stat.S_ISREG(found.st_mode) or [found.st_size, found.st_mtime_ns] != seen[1:3]:
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
