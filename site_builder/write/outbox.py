"""The outbox (outputs/outbox.py's texts) written to its folder outside output/, all at once:
staged beside it and swapped in, so a sender never reads half of it.  A folder the
generator did not make (no `.site-builder-outbox` mark in it) is never replaced."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.write import outputdir
from site_builder.write.disk import discard, fsync_tree, real_folder
from site_builder.write.swap import exchange

MARK = ".site-builder-outbox"


def folder_of(root: Path, setting: str) -> Path:
    """The outbox folder `outbox.folder` names (relative to the site's folder)."""
    return Path(os.path.realpath(root / os.path.expanduser(setting)))


def refusal(root: Path, folder: Path, output: Path) -> tuple[str, dict[str, object]] | None:
    """Why the outbox may not be written at `folder` (a code and its values); None when it may."""
    site, target = Path(os.path.realpath(root)), Path(os.path.realpath(output))
    overlaps = [str(site)] if site.is_relative_to(folder) else []  # the site's folder, or one holding it
    overlaps += ["output/"] if _meet(folder, target) else []
    overlaps += [name for name in outputdir.SOURCES if _meet(folder, Path(os.path.realpath(site / name)))]
    if overlaps:
        return "OUTBOX_OVERLAPS", {"folder": folder, "what": overlaps[0]}
    if folder.exists() and not real_folder(str(folder)):
        return "OUTBOX_OVERLAPS", {"folder": folder, "what": folder.name}
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARK).is_file():
        return "OUTBOX_FOREIGN", {"folder": folder}
    return None


def _meet(a: Path, b: Path) -> bool:
    """Whether one of two folders is, or lies inside, the other."""
    return a.is_relative_to(b) or b.is_relative_to(a)


def refused(root: Path, setting: str, output: Path) -> list[Problem]:
    """`refusal` as the problem a build reports, before it writes anything."""
    found = refusal(root, folder_of(root, setting), output)
    return [] if found is None else [problem("config.yaml", 0, "error", found[0], **found[1])]


def _holds(folder: Path, files: dict[str, bytes]) -> bool:
    """Whether the outbox already holds exactly these files."""
    try:
        names = {entry.name for entry in os.scandir(folder) if entry.name != MARK}
        if names != set(files) or not (folder / MARK).is_file():
            return False
        return all((folder / name).read_bytes() == data for name, data in files.items())
    except OSError:
        return False


def write(root: Path, setting: str, output: Path, files: dict[str, bytes]) -> list[Problem]:
    """Replace the outbox with `files`; a problem (and nothing written) when it may not be."""
    if problems := refused(root, setting, output):
        return problems
    folder = folder_of(root, setting)
    if _holds(folder, files):  # most builds publish nothing new: nothing to write
        return []
    staged = folder.with_name(f".{folder.name}.new")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        discard(staged)
        staged.mkdir()
        for name, data in {**files, MARK: b""}.items():
            (staged / name).write_bytes(data)
        fsync_tree(staged)
        if folder.exists():
            if exchange(staged, folder):
                shutil.rmtree(staged, ignore_errors=True)
            else:
                old = folder.with_name(f".{folder.name}.old")
                discard(old)
                folder.rename(old)
                staged.rename(folder)
                shutil.rmtree(old, ignore_errors=True)
        else:
            staged.rename(folder)
    except OSError as exc:
        discard(staged)
        return [
            problem("config.yaml", 0, "error", "OUTBOX_UNWRITABLE", folder=folder, why=exc.strerror or exc)
        ]
    return []
