"""A site folder as a git repository whose commits carry fixed dates (GIT_COMMITTER_DATE and
GIT_AUTHOR_DATE), so that git history decides what went out the same way on every run."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(root: Path, *args: str, when: str | None = None) -> str:
    env = {
        "GIT_AUTHOR_NAME": "petrov",
        "GIT_AUTHOR_EMAIL": "petrov@example.kg",
        "GIT_COMMITTER_NAME": "petrov",
        "GIT_COMMITTER_EMAIL": "petrov@example.kg",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(root),
    }
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit(root: Path, when: str, message: str = "edit") -> None:
    """Commit everything in the folder (but what .gitignore leaves out) at `when` (ISO)."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, when=when)


def repository(root: Path, when: str) -> None:
    """Make the site folder a repository of its files as they are, committed at `when`."""
    ignore = root / ".gitignore"
    if not ignore.exists():
        ignore.write_text("output/\n.site-cache/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, when, "start")


def commit_changes(root: Path, when: str, message: str = "edit") -> bool:
    """Commit what changed at `when`, if anything did (HEAD moves only then)."""
    git(root, "add", "-A")
    if not git(root, "status", "--porcelain"):
        return False
    git(root, "commit", "-q", "-m", message, when=when)
    return True
