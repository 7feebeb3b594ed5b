"""Read the site's git history: who committed each approval, and when a file last changed.

With `rules.verify_git`, each approved item's history is read once (`git log -p` on its
file, every diff with the whole file as context) and three things are asked of it:
- the commit that put the current approval block in place was authored *and* committed
  by one of the approver's e-mails (an amend, rebase or cherry-pick by someone else keeps
  the author but not the committer; a forge's merge button may be trusted by name,
  `rules.trusted_merge_committers`);
- the approver authored no commit that changed the item's text since the previous
  approval (four-eyes over the history, not just over the `author:` key);
- the approval has a hash at all: without one, nothing ties it to the text.

Git's names and e-mails are whatever the committer typed: this catches the careless and
the casual, not a forger with write access (signed approvals do that).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.load.config import Config, Person
from site_builder.load.frontmatter import MAX_FILE_BYTES
from site_builder.load.model import Item

RECORD = "\x1e"  # starts each commit's header line in the log below
# Each diff shows the whole file, so every changed line can be told apart by the top-level
# front-matter key it sits under (a file holds at most this many lines).
CONTEXT = MAX_FILE_BYTES + 1
_TOP_KEY = re.compile(r"""^["']?([A-Za-z_][\w-]*)["']?\s*:""")
_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_HASH = re.compile(r"sha256:[0-9a-f]{64}")


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        encoding="utf-8",  # content files are UTF-8, whatever the locale says
        errors="replace",
        check=True,
        timeout=60,
    )
    return done.stdout


class _Lines:
    """Which part of a content file each of its lines is, fed one line at a time:
    'approval' (the approval block), 'status' (the status line) or 'text' (the rest)."""

    def __init__(self) -> None:
        self.number = 0
        self.inside = False  # in the front matter
        self.key = ""

    def feed(self, line: str) -> str:
        self.number += 1
        bare = line.rstrip()
        if self.number == 1:
            self.inside = bare == "---"
            return "text"
        if self.inside and bare in ("---", "..."):
            self.inside = False
            return "text"
        if not self.inside:
            return "text"
        found = _TOP_KEY.match(line)
        if found:
            self.key = found.group(1)
        return "approval" if self.key == "approval" else "status" if self.key == "status" else "text"


def approval_block(text: str) -> tuple[str, ...]:
    """The lines of a content file's approval block."""
    reader = _Lines()
    return tuple(line.rstrip() for line in text.split("\n") if reader.feed(line) == "approval")


@dataclass(frozen=True)
class Commit:
    """One commit that changed an item's file, as far as the approval is concerned."""

    sha: str
    parents: tuple[str, ...]  # among the commits that changed the file (git's rewritten parents)
    author: str
    committer: str
    approval: bool = False  # changed a line of the approval block
    text: bool = False  # changed a line of anything but the approval and the status
    hashes: frozenset[str] = frozenset()  # the hashes on approval lines it added
    after: tuple[str, ...] | None = None  # the approval block it left (None: unknown)


def _commit(header: str, diff: list[str]) -> Commit:
    sha, parents, author, committer = [*header.split("\x00"), "", "", ""][:4]
    base = Commit(sha, tuple(parents.split()), author.strip().lower(), committer.strip().lower())
    start = next((i for i, line in enumerate(diff) if line.startswith("@@")), None)
    if start is None:
        if any(line.startswith(("Binary files", "GIT binary patch")) for line in diff):
            return replace(base, approval=True, text=True)  # unreadable: assume both
        return base  # a merge, or a change of mode only
    hunk = _HUNK.match(diff[start])
    hunks = sum(line.startswith("@@") for line in diff)
    if hunk is None or hunks > 1 or int(hunk.group(1)) > 1 or int(hunk.group(2)) > 1:
        return replace(base, approval=True, text=True)  # not the whole file: assume both
    old, new = _Lines(), _Lines()
    approval = text = False
    hashes: set[str] = set()
    after: list[str] = []
    for line in diff[start + 1 :]:
        mark, body = line[:1] or " ", line[1:]  # (diff.suppressBlankEmpty drops a blank's mark)
        if mark == " ":
            old.feed(body)
            if new.feed(body) == "approval":
                after.append(body.rstrip())
        elif mark in ("+", "-"):
            part = (new if mark == "+" else old).feed(body)
            approval |= part == "approval"
            text |= part == "text"
            if mark == "+" and part == "approval":
                after.append(body.rstrip())
                hashes.update(_HASH.findall(body))
    return replace(base, approval=approval, text=text, hashes=frozenset(hashes), after=tuple(after))


def history(root: Path, path: str) -> list[Commit]:
    """The commits that changed this file, newest first (parents after children, whatever
    their dates say), each with its parents among them.  The history of this path: a file
    moved here starts with the move."""
    log = _git(
        root,
        "--literal-pathspecs",  # a file name is a name, never a pattern
        "log",
        "--topo-order",
        "--parents",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-show-signature",
        f"--format={RECORD}%H%x00%P%x00%ae%x00%ce",
        "-p",
        f"-U{CONTEXT}",
        "--",
        path,
    )
    return list(_commits(log.split("\n")))


def _commits(lines: Iterable[str]) -> Iterator[Commit]:
    header: str | None = None
    diff: list[str] = []
    for line in lines:
        if line.startswith(RECORD):
            if header is not None:
                yield _commit(header, diff)
            header, diff = line[1:], []
        else:
            diff.append(line)
    if header is not None:
        yield _commit(header, diff)


def verify(root: Path, items: list[Item], config: Config) -> list[Problem]:
    """For each approved item: the approval is hashed, committed by the approver, and the
    approver did not edit the text since the previous approval."""
    try:
        if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
            return [problem("config.yaml", 0, "error", "GIT_SHALLOW")]
    except (OSError, subprocess.SubprocessError) as exc:
        return [problem("config.yaml", 0, "error", "GIT_UNAVAILABLE", detail=str(exc).splitlines()[0][:200])]
    trusted = {e.lower() for e in config.rules.trusted_merge_committers}
    out: list[Problem] = []
    for item in items:
        approval = item.meta.approval
        if approval is None or item.meta.status not in ("approved", "withdrawn"):
            continue
        path, line = "content/" + item.source, item.line("approval")
        if approval.hash is None:
            out.append(problem(path, line, "error", "GIT_APPROVAL_UNHASHED", by=approval.by))
            continue
        person = config.person(approval.by)
        if person is None:  # UNKNOWN_PERSON already
            continue
        try:
            commits = history(root, path)
            current = approval_block((root / path).read_text(encoding="utf-8-sig").replace("\r\n", "\n"))
        except (OSError, UnicodeDecodeError, subprocess.SubprocessError) as exc:
            return [problem(path, 0, "error", "GIT_UNAVAILABLE", detail=str(exc).splitlines()[0][:200])]
        found = _judge(person, approval.hash, commits, current, trusted)
        if found is not None:
            out.append(problem(path, line, "error", found[0], by=person.id, **found[1]))
    return out


def _judge(
    person: Person, digest: str, commits: list[Commit], current: tuple[str, ...], trusted: set[str]
) -> tuple[str, dict[str, str]] | None:
    """What the history of one file (newest first) says of its approval by `person`, whose
    approval block now reads `current`: a diagnostic code and its details, or None."""
    mine = {e.lower() for e in person.emails}
    # The commit that put the approval block as it stands in place: the newest that changed
    # the block and left it so (a later secretary's revert to it counts as theirs).
    placed = next((i for i, c in enumerate(commits) if c.approval and c.after == current), None)
    if placed is None:
        return "GIT_APPROVAL_UNCOMMITTED", {}
    commit = commits[placed]
    if commit.author not in mine:
        return "GIT_APPROVER_MISMATCH", {"email": commit.author}
    if commit.committer not in mine | trusted:
        return "GIT_APPROVAL_RECOMMITTED", {"email": commit.committer, "commit": commit.sha[:12]}
    # Four-eyes over the history: the approver wrote no part of the text that no earlier
    # approval saw, i.e. no commit behind this approval but not behind one of another text
    # (`git log PREVIOUS..APPROVAL -- path`, on parallel branches too).
    by_sha = {c.sha: c for c in commits}
    behind = _ancestors([commit.sha], by_sha)
    previous = [sha for sha in behind if sha != commit.sha and by_sha[sha].hashes - {digest}]
    seen = _ancestors(previous, by_sha)
    for earlier in commits:
        if earlier.sha in behind and earlier.sha not in seen and earlier.text and earlier.author in mine:
            return "GIT_APPROVER_EDITED", {"commit": earlier.sha[:12], "email": earlier.author}
    return None


def _ancestors(starts: list[str], by_sha: dict[str, Commit]) -> set[str]:
    """These commits and every commit behind them (among the file's commits)."""
    found: set[str] = set()
    todo = list(starts)
    while todo:
        sha = todo.pop()
        if sha not in found and sha in by_sha:
            found.add(sha)
            todo.extend(by_sha[sha].parents)
    return found
