"""Read the site's git history: who committed each approval, and when a file last changed."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.load.config import Config
from site_builder.load.model import Item


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def verify(root: Path, items: list[Item], config: Config) -> list[Problem]:
    """For each approved item, find the commit that added its approval hash; check its author."""
    try:
        if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
            return [problem("config.yaml", 0, "error", "GIT_SHALLOW")]
    except (OSError, subprocess.SubprocessError) as exc:
        return [problem("config.yaml", 0, "error", "GIT_UNAVAILABLE", detail=str(exc).splitlines()[0][:200])]
    out: list[Problem] = []
    for item in items:
        approval = item.meta.approval
        if approval is None or approval.hash is None or item.meta.status not in ("approved", "withdrawn"):
            continue
        path = "content/" + item.source
        try:
            log = _git(root, "log", "--reverse", "--format=%ae", "-S", approval.hash, "--", path)
        except (OSError, subprocess.SubprocessError) as exc:
            return [problem(path, 0, "error", "GIT_UNAVAILABLE", detail=str(exc).splitlines()[0][:200])]
        emails = log.split()
        if not emails:
            out.append(problem(path, item.line("approval"), "error", "GIT_APPROVAL_UNCOMMITTED"))
            continue
        person = config.person(approval.by)
        allowed = {e.lower() for e in person.emails} if person else set()
        if emails[0].lower() not in allowed:
            out.append(
                problem(
                    path,
                    item.line("approval"),
                    "error",
                    "GIT_APPROVER_MISMATCH",
                    by=approval.by,
                    email=emails[0],
                )
            )
    return out


def last_change(root: Path) -> Callable[[str], datetime | None]:
    """source → when that content file's current text was committed; None when unknown.

    Unknown means no git, a shallow clone (its one commit says nothing about when a file
    changed) or edits not yet committed; the rules then take the cautious reading.
    """

    @cache
    def shallow() -> bool:
        return _git(root, "rev-parse", "--is-shallow-repository").strip() != "false"

    def lookup(source: str) -> datetime | None:
        path = "content/" + source
        try:
            if shallow() or _git(root, "status", "--porcelain", "--", path).strip():
                return None
            stamp = _git(root, "log", "-1", "--format=%cI", "--", path).strip()
            return datetime.fromisoformat(stamp) if stamp else None
        except (OSError, subprocess.SubprocessError, ValueError):
            return None

    return lookup
