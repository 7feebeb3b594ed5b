"""The files of a register below content/ (media requests, monitoring): each record's bytes.

Records are not items: no attachments, no translations, never linked.  A register is read
as content/ is — no link entered or followed, every name UTF-8, no file too large — and
each problem is reported with the file's path.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from site_builder.errors import Problem, problem
from site_builder.load import frontmatter, links
from site_builder.load.discover import readable_name, shown_name

Record = TypeVar("Record")


def files(content_dir: Path, section: str) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """Every content/<section>/**/*.md as (path relative to content/, bytes), in file order."""
    folder = content_dir / section
    found: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    if not folder.is_dir() or links.is_link(folder) or links.is_link(content_dir):
        return [], []  # a link is reported by the listing of content/, and never followed
    problems += links.below(content_dir.parent, folder)  # every link below: none is entered or read
    problems += _unreadable_names(folder, content_dir)
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(content_dir).as_posix()
        if not readable_name(rel):
            continue  # reported above: no message or page can be made of it
        if path.is_symlink():
            continue
        if path.stat().st_size > frontmatter.MAX_FILE_BYTES:
            size = path.stat().st_size
            limit = frontmatter.MAX_FILE_BYTES
            problems.append(problem("content/" + rel, 0, "error", "FILE_TOO_LARGE", size=size, limit=limit))
            continue
        found.append((rel, links.read(path)))
    return found, problems


def load(
    content_dir: Path, section: str, parse: Callable[[str, bytes], tuple[Record | None, list[Problem]]]
) -> tuple[list[Record], list[Problem]]:
    """Every content/<section>/**/*.md parsed by `parse(rel, raw)`, in file order, with the
    problems of the listing and of each record (one that does not parse is left out)."""
    found, problems = files(content_dir, section)
    out: list[Record] = []
    for rel, raw in found:
        record, more = parse(rel, raw)
        problems += more
        if record is not None:
            out.append(record)
    return out, problems


def _unreadable_names(folder: Path, content_dir: Path) -> list[Problem]:
    """Files and folders below `folder` whose names are not UTF-8, as content/ reports its own."""
    found = []
    for base, dirs, names in os.walk(folder):
        for name in sorted([*dirs, *names]):
            if not readable_name(name):
                rel = os.path.relpath(os.path.join(base, name), content_dir.parent)
                found.append(problem(shown_name(rel), 0, "error", "FILE_NAME_ENCODING"))
        dirs[:] = sorted(d for d in dirs if readable_name(d))
    return found
