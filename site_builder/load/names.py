"""Names in templates/ and static/ that no output may carry, found before anything is made of them."""

from __future__ import annotations

import os
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.load import chars, discover
from site_builder.load.links import is_link


def unreadable(root: Path) -> list[Problem]:
    """Files and folders in templates/ and static/ whose names are not UTF-8, or hold a
    character no output may (a control character: static/ names become output paths,
    sitemap and page addresses), as content/ reports its own: nothing is made of them."""
    found = []
    for folder in ("templates", "static"):
        if is_link(root / folder):
            continue  # an error of its own, never listed
        for base, dirs, names in os.walk(root / folder):
            for name in sorted([*dirs, *names]):
                rel = os.path.relpath(os.path.join(base, name), root)
                if not discover.readable_name(name):
                    found.append(problem(discover.shown_name(rel), 0, "error", "FILE_NAME_ENCODING"))
                elif char := chars.bad_in_name(name):
                    what = {"char": chars.label(char), "what": chars.name(char)}
                    found.append(problem(chars.shown(rel), 0, "error", "FILE_NAME_CHAR", **what))
            dirs[:] = sorted(d for d in dirs if discover.readable_name(d) and not chars.bad_in_name(d))
    return found
