"""Swapping a staged tree in as output/, and the spare: the tree a swap takes out.

The staged tree is swapped in with one atomic renameat2(RENAME_EXCHANGE) (Linux);
elsewhere with two renames, and a swap interrupted between them is finished or undone
on the next run (`recover`).  A build killed at any moment leaves the previous output/
complete.

Where the exchange works, the tree it takes out is kept as the *spare*
(`.output.spare`, with its manifest beside it, `.output.spare.json`) for the next
build to stage into (see staging.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from site_builder.speed import uptodate
from site_builder.write import manifest, outputdir
from site_builder.write.disk import discard, fsync_tree, no_link_above, real_folder, safe_target

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the platform cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


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
        entries = list(os.scandir(output.parent))
    except OSError:
        return
    for entry in entries:
        if stale.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def swap_in(staged: Path, output: Path, reuse: bool, gone: Iterable[str]) -> None:
    """Put the staged tree in place as output/ (atomically on Linux), the output it takes
    out kept as the spare when `reuse` and it has a manifest; `gone` are the files of that
    output the new one no longer has.  The new manifest is the caller's to write."""
    live = manifest.path(output)  # describes the output about to be replaced
    fsync_tree(staged)
    # A build's tree is about to be there: say so beside it for good (its manifest is
    # moved aside for the swap), so a later build knows the folder as its own and
    # replaces it (see outputdir.py).
    with contextlib.suppress(OSError):
        outputdir.mark_path(output).touch()
    # The output about to be taken out is kept as the next build's spare, with its
    # manifest, when it has one (moved aside first: output/ is never described by another
    # tree's manifest).
    spare = reuse and real_folder(str(output)) and live.exists()
    if spare:
        os.replace(live, spare_manifest_path(output))
    else:
        live.unlink(missing_ok=True)
    if output.exists() or output.is_symlink():
        if exchange(staged, output):  # `staged` now holds the previous output
            if spare:
                _keep_spare(output, staged, gone)
            else:
                discard(staged)
        else:
            spare_manifest_path(output).unlink(missing_ok=True)
            old = output.with_name(f".{output.name}.old")
            output.rename(old)
            staged.rename(output)
            shutil.rmtree(old, ignore_errors=True)
    else:
        staged.rename(output)


def spare_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.spare")


def spare_manifest_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.spare.json")


def take_spare(output: Path, path: Path) -> dict[str, list] | None:
    """The spare tree moved to `path` and the files its manifest lists; None (and no
    spare any more) when there is none, or no manifest for it."""
    spare, listed = spare_path(output), spare_manifest_path(output)
    files = manifest.rows(uptodate.read_manifest(output, listed))
    if files is None or not real_folder(str(spare)):
        drop_spare(output)
        return None
    listed.unlink(missing_ok=True)  # it describes the spare, which is about to change
    try:
        spare.rename(path)
    except OSError:
        discard(spare)
        return None
    return files


def drop_spare(output: Path) -> None:
    spare_manifest_path(output).unlink(missing_ok=True)
    discard(spare_path(output))


def _keep_spare(output: Path, taken: Path, gone: Iterable[str]) -> None:
    """Keep the tree just taken out as the next build's spare, less the files this
    build no longer publishes (an item taken down must not wait beside output/ for
    another build).  output/ is in place already: nothing here may fail the build."""
    spare = spare_path(output)
    try:
        for rel in gone:
            if safe_target(rel) and no_link_above(str(taken), rel):
                with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
                    os.unlink(os.path.join(taken, rel))
        discard(spare)
        taken.rename(spare)
    except OSError:
        drop_spare(output)
        discard(taken)
