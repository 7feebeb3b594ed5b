"""Read the site's git history: who committed each approval (rules.verify_git)."""

from __future__ import annotations

import subprocess
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
