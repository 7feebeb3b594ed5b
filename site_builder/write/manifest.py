"""The manifest beside output/: what the last build wrote there, and what it found out.

Its `files` rows are {path: [sha1, size, mtime_ns, key]}; a build reuses a file only
while it is as its row says (see staging.py), and a build with the same fingerprint
and an untouched output has nothing to write (`unchanged`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from site_builder.speed import uptodate


def path(output: Path) -> Path:
    return uptodate.manifest_path(output)


def read(output: Path) -> dict:
    return uptodate.read_manifest(output)


def rows(manifest: dict) -> dict[str, list] | None:
    """A manifest's well-formed file rows {path: [sha1, size, mtime_ns, key]}; None when it has none."""
    files = manifest.get("files")
    if not isinstance(files, dict):
        return None
    return {rel: row for rel, row in files.items() if isinstance(row, list) and len(row) >= 3}


def previous(output: Path) -> dict[str, list]:
    """What the last build wrote: {path: [sha1, size, mtime_ns, key]}; {} when unknown or gone."""
    if not output.is_dir():
        return {}
    return rows(read(output)) or {}


def unchanged(output: Path, fingerprint: str) -> dict[str, list] | None:
    """The files of the last build, if it had this fingerprint and its output is exactly as
    it left it; None otherwise."""
    output = output.absolute()
    manifest = read(output)
    files = manifest.get("files")
    if manifest.get("fingerprint") != fingerprint or not isinstance(files, dict):
        return None
    return files if uptodate.intact(output, files) else None


def record(output: Path, **fields: object) -> None:
    """Add to the manifest of an output left as it is (what the build found out about it)."""
    output = output.absolute()
    manifest = read(output)
    if manifest:
        write(output, manifest | fields)


def save(output: Path, fingerprint: str, files: dict[str, list]) -> None:
    """Record that output/ holds these files (as a commit does), for a build that reads it."""
    write(output.absolute(), {"fingerprint": fingerprint, "files": files})


def write(output: Path, manifest: dict) -> None:
    """Replace the manifest of `output` (an absolute path) by `manifest`, atomically."""
    target = path(output)
    temporary = target.with_name(target.name + f".{os.getpid()}")
    try:
        temporary.write_text(json.dumps(manifest, sort_keys=True), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass  # without a manifest the next build rewrites every file: slower, same result
