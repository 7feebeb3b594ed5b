"""Every version of every content file that git's history of content/ holds, read in two
git calls for the whole repository: one `git log --raw` (which commit wrote which blob at
which path), one `git cat-file --batch` (the blobs' bytes).

For the audit export (judge/audit.py): an approval that a later commit replaced is still
in the version before it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder.load.frontmatter import MAX_FILE_BYTES
from site_builder.load.model import REQUESTS_SECTION, SECTIONS

RECORD = "\x1e"  # starts each commit's header in the log below
NO_BLOB = "0" * 40
TIMEOUT = 600
READABLE = frozenset((*SECTIONS, REQUESTS_SECTION))


class Unavailable(Exception):
    """No history to read: no git, not a repository, or no commit yet (the reason)."""


@dataclass(frozen=True)
class Commit:
    """Who made a commit and when (the committer's date, ISO 8601)."""

    sha: str
    author: str  # "Name <e-mail>"
    committer: str
    date: str


@dataclass(frozen=True)
class Version:
    """One content file's bytes as one commit wrote them."""

    commit: Commit
    rel: str  # relative to content/
    blob: str  # git's object name of the bytes


def _git(root: Path, args: list[str], data: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], input=data, capture_output=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise Unavailable(str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise Unavailable(said[0][:200] if said else f"git exited with {done.returncode}")
    return done.stdout


def shallow(root: Path) -> bool:
    """Whether the clone is shallow: its history stops somewhere (raises Unavailable)."""
    return _git(root, ["rev-parse", "--is-shallow-repository"]).strip() == b"true"


def versions(root: Path) -> list[Version]:
    """Every version of a content file that a commit of HEAD's history wrote, oldest
    commit first (parents before children), in the order git lists each commit's files.
    A merge counts with what it changed against its first parent.  Raises Unavailable."""
    log = _git(
        root,
        [
            "log",
            "-z",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--relative",  # paths from ROOT, which may be a folder of the repository
            "--topo-order",
            "--reverse",
            "--diff-merges=first-parent",
            f"--format={RECORD}%H%x00%an <%ae>%x00%cn <%ce>%x00%cI",
            "--",
            "content/",
        ],
    )
    return list(_versions(log.decode("utf-8", "surrogateescape").split("\x00")))


def _versions(tokens: list[str]) -> Iterator[Version]:
    """Parse `git log -z --raw`: a header (its first field after RECORD), then pairs of a
    raw line (":old-mode new-mode old-blob new-blob status") and a path."""
    commit: Commit | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        if token.startswith(RECORD) and index + 3 < len(tokens):
            sha, author, committer, date = token[1:], *tokens[index + 1 : index + 4]
            commit = Commit(sha, author, committer, date.strip())
            index += 4
            continue
        if token.startswith(":") and index + 1 < len(tokens):
            parts, rel = token[1:].split(), tokens[index + 1]
            index += 2
            if commit is None or len(parts) < 5 or parts[3] == NO_BLOB or parts[1] == "120000":
                continue  # deleted, or a link (never read as content)
            rel = rel.removeprefix("content/")
            if rel.endswith(".md") and rel.split("/")[0] in READABLE and "/" in rel:
                yield Version(commit, rel, parts[3])
            continue
        index += 1  # the empty field that ends a commit


def blobs(root: Path, names: list[str]) -> dict[str, bytes]:
    """The bytes of these blobs (one `git cat-file --batch`); one larger than a content
    file may be is left out, as a build would refuse it."""
    if not names:
        return {}
    out = _git(root, ["cat-file", "--batch"], "".join(f"{name}\n" for name in names).encode())
    found: dict[str, bytes] = {}
    at = 0
    for name in names:
        end = out.find(b"\n", at)
        if end < 0:
            break  # the answer ended early: what came is kept
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] != b"blob" or not header[2].isdigit():
            continue  # "<name> missing": a partial clone without it
        size = int(header[2])
        if size <= MAX_FILE_BYTES:
            found[name] = out[at : at + size]
        at += size + 1  # the bytes, then a line feed
    return found
