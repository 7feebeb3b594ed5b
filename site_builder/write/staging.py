"""Rendered files → a tree beside output/, all or nothing (the preview server's folder: file by file).

Files are written into a directory beside output/ which is then swapped in whole
(swap.py): a build killed at any moment leaves the previous output/ complete.

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
import hashlib
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from site_builder.outputs import CopyFrom, Files, Keyed
from site_builder.write import disk, swap
from site_builder.write import manifest as output_manifest
from site_builder.write.disk import real_folder


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
    such a build leaves the manifest to its caller (`manifest.save`).
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
        swap.recover(self.output)
        # Without `reuse` (--no-cache) every file is written anew.
        self.trusted = bool(in_place and reuse and known is not None and self.output.is_dir())
        self.previous = (known if self.trusted else output_manifest.previous(self.output)) if reuse else {}
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
                swap.drop_spare(self.output)
            taken = swap.take_spare(self.output, self.path) if reuse else None
            if taken is None:
                self.path.mkdir()
            else:
                self.spare = taken
                self._spare_files, self._spare_folders = disk.listing(str(self.path))
        self._root, self._live = str(self.path), str(self.output)
        self._made: set[str] = {self._root} | {os.path.join(self._root, f) for f in self._spare_folders}
        self._new: set[str] = set()  # in place: files this process added (taken back by abort)

    def put(self, rel: str, data: bytes | CopyFrom | Keyed) -> list:
        """Write one file; its manifest row [sha1, size, mtime_ns, key]."""
        if not disk.safe_target(rel):
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
            self._replace(rel, target, lambda temporary: disk.copy(data.path, temporary))
            stat = os.stat(target)
        else:
            digest = hashlib.sha1(data).hexdigest()
            if spare and spare[0] == digest and self._spared(rel, spare, target):
                return [*spare[:3], key]
            if seen and seen[0] == digest and self._keep(rel, seen, target):
                return [*seen[:3], key]
            if self.in_place:
                self._replace(rel, target, lambda temporary: disk.write(temporary, data))
                stat = os.stat(target)
            else:
                self._clear(rel, target)
                stat = disk.create(rel, target, data)
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
            if not real_folder(folder):  # a file (or a link) where a folder must go
                if not self._clear(os.path.relpath(folder, self._root), folder):
                    raise
                with contextlib.suppress(FileExistsError):  # another worker may have made it
                    os.mkdir(folder)
                if not real_folder(folder):
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
        if rel in self._spare_folders and real_folder(target):
            below = rel + "/"
            self._spare_folders = {f for f in self._spare_folders if f != rel and not f.startswith(below)}
            self._spare_files = {f for f in self._spare_files if not f.startswith(below)}
            shutil.rmtree(target)
            return True
        return False

    def _keep(self, rel: str, seen: list, target: str) -> bool:
        """Reuse the previous build's file, if it is still as that build left it."""
        if self.in_place:
            return self.trusted or disk.intact(target, seen)
        self._clear(rel, target)
        return disk.link(os.path.join(self._live, rel), seen, target)

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
        output = self.output
        if self.trusted:
            # The process that trusts its folder keeps the manifest itself, and writes it
            # down (`manifest.save`) only when it stops trusting the folder.
            for rel in self.previous.keys() - manifest.keys():
                disk.remove(output, rel)
            return
        if self.in_place:
            output_manifest.path(output).unlink(missing_ok=True)  # describes the output replaced
            for rel in self.previous.keys() - manifest.keys():
                disk.remove(output, rel)
        else:
            self._drop_leftovers(manifest)
            swap.swap_in(self.path, output, self.reuse, self.previous.keys() - manifest.keys())
        output_manifest.write(output, {"fingerprint": fingerprint, "files": manifest, **fields})

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
                if real_folder(target):
                    shutil.rmtree(target)
                else:
                    os.unlink(target)
        for rel in sorted(self._spare_folders - needed, key=len, reverse=True):  # deepest first
            target = os.path.join(self._root, rel)
            if rel in manifest or self._inside_a_file(rel, manifest) or not real_folder(target):
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
            disk.remove(self.output, rel)
