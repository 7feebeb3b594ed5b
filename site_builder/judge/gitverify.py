"""Read the site's git history: who committed each approval, and when a file last changed.

With `rules.verify_git`, each approved item's history is read once (`git log -p` on its
file, every diff with the whole file as context) and three things are asked of it, for
every step of its approval (`meta.approvals`), each step by its own approver:
- the commit that put the step in place (the newest whose version of the approval block
  holds that step and whose parent's does not) was authored *and* committed by one of
  that approver's e-mails (an amend, rebase or cherry-pick by someone else keeps the
  author but not the committer; a forge's merge button may be trusted by name,
  `rules.trusted_merge_committers`);
- the step's approver authored no commit that changed the item's text since the
  previous approval (four-eyes over the history, not just over the `author:` key);
- the step has a hash at all: without one, nothing ties it to the text.

A step is told by its values (the approval block's YAML, read safely), not by its lines:
adding a second step below the first leaves the first step the first approver's.

Git's names and e-mails are whatever the committer typed: this catches the careless and
the casual, not a forger with write access (signed approvals do that).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from site_builder.errors import Problem, problem
from site_builder.judge.approvals import Lines
from site_builder.load import yamlsafe
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


def steps_of(block: tuple[str, ...] | None) -> tuple[str, ...]:
    """The steps an approval block holds, in order, each as canonical JSON of its values
    (so a step re-indented, or written again as it was, is the same step); () when the
    block is empty or cannot be read."""
    if not block:
        return ()
    data, _, problems = yamlsafe.load("\n".join(block), "approval")
    if problems or not isinstance(data, dict):
        return ()
    found = data.get("approval")
    entries = found if isinstance(found, list) else [found]
    return tuple(json.dumps(e, ensure_ascii=False, sort_keys=True, default=str) for e in entries)


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
    before: tuple[str, ...] | None = None  # the approval block it found (None: unknown)


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
    before: list[str] = []
    for line in diff[start + 1 :]:
        mark, body = line[:1] or " ", line[1:]  # (diff.suppressBlankEmpty drops a blank's mark)
        if mark == " ":
            if old.feed(body) == "approval":
                before.append(body.rstrip())
            if new.feed(body) == "approval":
                after.append(body.rstrip())
        elif mark in ("+", "-"):
            part = (new if mark == "+" else old).feed(body)
            approval |= part == "approval"
            text |= part == "text"
            if part == "approval":
                (after if mark == "+" else before).append(body.rstrip())
            if mark == "+" and part == "approval":
                hashes.update(_HASH.findall(body))
    found = {"hashes": frozenset(hashes), "after": tuple(after), "before": tuple(before)}
    return replace(base, approval=approval, text=text, **found)


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
    """For each approved item, each step of its approval: hashed, committed by that step's
    approver, who did not edit the text since the previous approval."""
    try:
        if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
            return [problem("config.yaml", 0, "error", "GIT_SHALLOW")]
    except (OSError, subprocess.SubprocessError) as exc:
        return [problem("config.yaml", 0, "error", "GIT_UNAVAILABLE", detail=str(exc).splitlines()[0][:200])]
    trusted = {e.lower() for e in config.rules.trusted_merge_committers}
    out: list[Problem] = []
    for item in items:
        approvals = item.meta.approvals
        if not approvals or item.meta.status not in ("approved", "withdrawn"):
            continue
        path, where = "content/" + item.source, Lines(item)
        unhashed = [(index, a) for index, a in enumerate(approvals) if a.hash is None]
        for index, approval in unhashed:
            out.append(problem(path, where.of(index), "error", "GIT_APPROVAL_UNHASHED", by=approval.by))
        if unhashed:
            continue
        try:
            commits = history(root, path)
            current = approval_block((root / path).read_text(encoding="utf-8-sig").replace("\r\n", "\n"))
        except (OSError, UnicodeDecodeError, subprocess.SubprocessError) as exc:
            return [problem(path, 0, "error", "GIT_UNAVAILABLE", detail=str(exc).splitlines()[0][:200])]
        now = steps_of(current)
        read: dict[tuple[str, ...] | None, tuple[str, ...]] = {}  # block → its steps, read once
        for index, approval in enumerate(approvals):
            person = config.person(approval.by)
            if person is None:  # UNKNOWN_PERSON already
                continue
            step = now[index] if index < len(now) else None
            found = _judge(person, approval.hash or "", Placed(commits, step, read), trusted)
            if found is not None:
                out.append(problem(path, where.of(index), "error", found[0], by=person.id, **found[1]))
    return out


@dataclass(frozen=True)
class Placed:
    """One step of an approval in the history of its file: the file's commits (newest
    first), the step as it stands (canonical JSON, see `steps_of`; None when it cannot be
    told), and the steps of each block read so far."""

    commits: list[Commit]
    step: str | None
    read: dict[tuple[str, ...] | None, tuple[str, ...]]

    def steps(self, block: tuple[str, ...] | None) -> tuple[str, ...]:
        if block not in self.read:
            self.read[block] = steps_of(block)
        return self.read[block]

    def commit(self) -> int | None:
        """Which commit put the step in place: the newest that left it in the block and
        found it not there (a later secretary's revert to it counts as theirs)."""
        if self.step is None:
            return None
        for index, commit in enumerate(self.commits):
            if commit.after is not None and commit.before is not None:
                if self.step in self.steps(commit.after) and self.step not in self.steps(commit.before):
                    return index
        return None


def _judge(
    person: Person, digest: str, placed: Placed, trusted: set[str]
) -> tuple[str, dict[str, str]] | None:
    """What the history of one file (newest first) says of one step of its approval, given
    by `person` over `digest`: a diagnostic code and its details, or None."""
    mine = {e.lower() for e in person.emails}
    commits = placed.commits
    index = placed.commit()
    if index is None:
        return "GIT_APPROVAL_UNCOMMITTED", {}
    commit = commits[index]
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
