"""What the site's git history says went out: every committed version of each content file,
and whether one of them was ever published.

A version was published when it was the committed version (on the first-parent line of
HEAD, the line the scheduled builds publish from) at a moment when its approval held for
its own text and its date and approval time had both passed.  Git is asked a few times
for the whole repository, however many files there are: `rev-parse` (is it a full
clone?), a `log` of the first-parent line's changes to content/ (which git walks fast;
it also lists the deleted and renamed files), a `rev-list` of every commit's time and
parents (no diffs; only when content/ has any history), and a `cat-file --batch` of the
versions asked about (only when an item asks).  The preview server keeps the log while
the repository's HEAD and refs stay as they were.

Commit times are the committers' word and can be set to anything (GIT_COMMITTER_DATE).
So a version's time is its commit's *effective* time: the latest committer time of that
commit and all its ancestors.  It never goes backwards along the graph, so a back-dated
commit cannot pretend to come before its parent.  The risk that remains is a quiet
repository: when nothing at all was committed between an item's date and a back-dated
commit that changes it, that commit can still claim to predate the date (and so that the
approved version never went out).  Any later commit, by anyone and of any file, closes
that window for everything before it.  A commit dated after `now` has not been made
yet as far as the history can tell (a build at a moment in the past, or a commit dated
ahead): a file changed by one is read as if there were no history.

Without history (no git, not a repository, a shallow clone, content/ never committed)
nothing is known: the caller reads the current file cautiously (verdict.looks_out), and
a deleted file cannot be found at all.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from site_builder.judge.verdict import fmt
from site_builder.load import markdown
from site_builder.load.config import Config
from site_builder.load.content import item_url, parse
from site_builder.load.discover import INDEX_NAMES, Source
from site_builder.load.model import REQUESTS_SECTION, SECTION_OF, SECTIONS, Item
from site_builder.speed.cache import Cache

UNKNOWN = "unknown"  # `History.went` for a file the history knows nothing of


@dataclass(frozen=True)
class Version:
    """One committed state of a content file: its blob, or None once deleted."""

    blob: str | None
    since: datetime  # the effective time of the commit that made it the committed version


@dataclass(frozen=True)
class Went:
    """A published version of a content file: where and when it went out, and how it left."""

    source: str  # relative to content/
    url: str  # with the site's base path, as entries' URLs are
    went: datetime  # when it went out: its date, or its approval if that came later
    by: str
    at: datetime
    withdrawn: bool  # its withdrawal was public while it was committed: it left by withdrawal
    blob: str = ""  # git's name of that version's bytes (see `History.read`)

    def args(self, config: Config) -> dict[str, str]:
        """The message arguments every take-down names."""
        return {"went": fmt(self.went, config), "by": self.by, "at": fmt(self.at, config)}


@dataclass(frozen=True)
class _Facts:
    """What a version says about its own publication, whatever its commit's time."""

    url: str
    out_at: datetime  # both its date and its approval time have passed from here on
    by: str
    at: datetime
    withdrawn_at: datetime | None  # its withdrawal, at or after its date


@dataclass(frozen=True)
class _Log:
    versions: dict[str, list[Version]]  # by path relative to content/, oldest first
    moved: dict[str, str]  # a renamed file's last new path


class History:
    """The site's git history, read once and only when asked (see the module docstring)."""

    def __init__(
        self,
        root: Path | None,
        config: Config,
        now: datetime,
        store: Cache | None = None,
        items: Iterable[Item] = (),
    ):
        """`items`: the content files as loaded, which the versions with their bytes are (`adopt`)."""
        self.root, self.config, self.now = root, config, now
        self.store = store or Cache(None)
        self._log: _Log | None = None
        self._facts: dict[tuple[str, str], _Facts | None] = {}
        self._items: dict[tuple[str, str], Item | None] = {}  # each version parsed, by (source, blob)
        self._adopted: list[Item] = list(items)
        self.current: dict[str, Item] = {}  # the adopted items by source
        self._broken: set[tuple[str, str]] = set()  # versions that say they are approved and do not parse

    @property
    def log(self) -> _Log:
        if self._log is None:
            self._log = _read(self.root, self.store) if self.root is not None else _Log({}, {})
        return self._log

    @property
    def known(self) -> bool:
        """Whether there is a full history of content/ to ask."""
        return bool(self.log.versions)

    def gone(self) -> list[str]:
        """Content files the history has versions of that are not in content/ now."""
        assert self.root is not None or not self.known
        content = (self.root or Path()) / "content"
        return sorted(p for p in self.log.versions if not os.path.lexists(content / p))

    def moved_to(self, source: str) -> str | None:
        """Where a gone file was last renamed to, if that file is in content/ now."""
        to = self.log.moved.get(source)
        return to if to is not None and self.root and os.path.lexists(self.root / "content" / to) else None

    def went(self, sources: Iterable[str]) -> dict[str, Went | str | None]:
        """For each file: its last version that went out by `now`, None when none did, or
        UNKNOWN when the history cannot tell: it has no version of the file, or one
        committed after `now` (a build at a moment in the past, or a commit dated ahead),
        so that the file as it is now is not one the history up to `now` led to."""
        wanted = {s: self.log.versions.get(s) for s in sources}
        blobs = {(s, v.blob) for s, vs in wanted.items() for v in vs or () if v.blob}
        self._read_facts([key for key in blobs if key not in self._facts])
        return {s: next(self._outs(s, vs), None) if vs else UNKNOWN for s, vs in wanted.items()}

    def outs(self, source: str) -> list[Went]:
        """Every version of the file that went out by `now`, the newest first (after a
        `went` that found one: the history knows the file up to `now`)."""
        return [w for w in self._outs(source, self.log.versions.get(source, [])) if isinstance(w, Went)]

    def _outs(self, source: str, versions: list[Version]) -> Iterator[Went | str]:
        now = self.now
        if versions[-1].since > now:  # (effective times never go backwards)
            yield UNKNOWN
            return
        for index in range(len(versions) - 1, -1, -1):
            version = versions[index]
            facts = self._facts.get((source, version.blob)) if version.blob else None
            if facts is None:
                continue  # deleted, never approved, or no item
            last = index + 1 == len(versions)  # the committed version until now
            end = now if last else versions[index + 1].since
            went = max(version.since, facts.out_at)
            if went > now or (went >= end and not last):
                continue  # replaced before it went out
            left = (
                facts.withdrawn_at is not None
                and facts.withdrawn_at <= now
                and (last or facts.withdrawn_at < end)
            )
            yield Went(source, facts.url, went, facts.by, facts.at, left, version.blob or "")

    def committed(self, source: str) -> bool:
        """Whether the history holds any version of this file (it was ever committed)."""
        return source in self.log.versions

    def read(self, blob: str) -> bytes | None:
        """The bytes of one version (a `Went.blob`); None when git cannot give them."""
        if self.root is None or not blob:
            return None
        return _blobs(self.root, [blob]).get(blob)

    def adopt(self, items: Iterable[Item]) -> None:
        """Take the items as loaded for the versions of their files the history holds
        with the same bytes (the committed file, as a build from a clone has it), so that
        those are not read from git and parsed again (done when versions are first read)."""
        self._adopted = list(items)

    def _adopt(self) -> None:
        content, adopted = (self.root or Path()) / "content", self._adopted
        self._adopted = []
        for item in adopted:
            if self.log.versions.get(item.source):
                try:
                    raw = (content / item.source).read_bytes()
                except OSError:
                    continue
                self._items[(item.source, blob_name(raw))] = self.current[item.source] = item

    def item(self, source: str, blob: str) -> Item | None:
        """One version of a file that went out (a `Went` of `outs`), as parsed."""
        return self._items.get((source, blob))

    def _read_facts(self, keys: list[tuple[str, str]]) -> None:
        if not keys:
            return
        self._adopt()
        unknown = sorted({blob for source, blob in keys if (source, blob) not in self._items})
        raws = _blobs(self.root, unknown) if self.root and unknown else {}
        md = markdown.make_parser()
        settings = self.config.model_dump_json()
        for source, blob in keys:
            raw, known = raws.get(blob, b""), self._items.get((source, blob))
            facts, item = self.store.memo(
                "history",
                (settings, source, blob),
                lambda s=source, r=raw, k=known: self._facts_of(s, r, md, k),
            )
            self._facts[(source, blob)] = facts
            self._items[(source, blob)] = item
            if item is None and b"approval" in raw:
                self._broken.add((source, blob))

    def unreadable(self) -> list[tuple[str, str]]:
        """The versions read so far that name an approval and do not parse: (source, blob)."""
        return sorted(self._broken)

    def _facts_of(
        self, source: str, raw: bytes, md: markdown.MarkdownIt, item: Item | None
    ) -> tuple[_Facts | None, Item | None]:
        """What one version says of its publication (None when it never could go out),
        and the version parsed (`item` when it is known already).

        Its approver's role and window are not judged again (the settings may have changed
        since): a version the build refused for them counts as published, the cautious side."""
        if item is None:
            if b"approval" not in raw:  # no approval, no publication: most drafts are not parsed
                return None, None
            item, _ = parse(Source(source, raw), self.config, md)
        return self._facts_item(source, item), item

    def _facts_item(self, source: str, item: Item | None) -> _Facts | None:
        if item is None:
            return None
        meta, approval = item.meta, item.meta.approval
        if meta.status not in ("approved", "withdrawn") or meta.confidentiality == "restricted":
            return None
        if approval is None or meta.date is None:
            return None
        # Its attachments are not in the blob: a bundle's hash is taken on trust (cautiously).
        bundle = source.rsplit("/", 1)[-1] in INDEX_NAMES
        if approval.hash not in (None, item.digest) and not bundle:
            return None  # an edit the approval does not cover: the build refused it
        withdrawn = meta.withdrawn.at if meta.status == "withdrawn" and meta.withdrawn else None
        if withdrawn is not None and withdrawn < meta.date:
            return None  # withdrawn before it went out
        url = item_url(self.config, item.lang, SECTION_OF[item.kind], item.slug)
        return _Facts(url, max(meta.date, approval.at), approval.by, approval.at, withdrawn)


def blob_name(raw: bytes) -> str:
    """git's object name of these bytes as a blob (what `git hash-object` says)."""
    return hashlib.sha1(b"blob %d\x00" % len(raw) + raw, usedforsecurity=False).hexdigest()


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "core.quotepath=off", *args],
        input=stdin,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def _read(root: Path, store: Cache) -> _Log:
    """The log of content/, or an empty one without a full history.  A long-running
    process (the preview server) keeps it while the repository's refs stay as they were."""
    if store.memory is None:
        return _read_log(root)
    where = store.memo("git-dirs", str(root), lambda: _where(root))
    if where is None:
        return _Log({}, {})
    state = _state(where)
    if state is None:
        return _read_log(root)
    return store.memo("git-log", (str(root), state), lambda: _read_log(root))


def _where(root: Path) -> tuple[str, str] | None:
    """The repository's own folders (this worktree's and the common one), whose files
    `_state` watches; None without a full history (no git, not a repository, a shallow
    clone)."""
    try:
        out = _git(
            root,
            "rev-parse",
            "--is-shallow-repository",
            "--absolute-git-dir",
            "--path-format=absolute",
            "--git-common-dir",
        )
    except (OSError, subprocess.SubprocessError):
        return None
    shallow, gitdir, common = [*out.decode("utf-8", "surrogateescape").split("\n"), "", ""][:3]
    if shallow != "false":
        return None
    return gitdir, common


def _state(where: tuple[str, str]) -> tuple | None:
    """Where the repository's HEAD stands, by the stat of the files that move with it
    (no process started); None when that cannot be told."""
    gitdir, common = where
    try:
        head = Path(gitdir, "HEAD").read_bytes()
        ref = head[5:].strip().decode() if head.startswith(b"ref: ") else ""
        seen: list[object] = [head]
        for path in (Path(common, ref), Path(common, "packed-refs"), Path(common, "shallow")):
            found = path.stat() if path.is_file() else None
            seen.append((found.st_mtime_ns, found.st_size, found.st_ino) if found else None)
        return tuple(seen)
    except (OSError, UnicodeDecodeError):
        return None


def _read_log(root: Path) -> _Log:
    """The content files' versions: the first-parent line's changes to content/ (a log
    limited to content/, which git walks fast), and only if there are any, every commit's
    time and parents (no diffs) for the effective times."""
    try:
        changes = _git(
            root,
            "log",
            "HEAD",
            "--first-parent",
            "--diff-merges=first-parent",
            "--reverse",
            "--raw",
            "-M",
            "--no-abbrev",
            "-z",
            "--relative",
            "--format=%x01%H",
            "--",
            "content/",
        )
        if not changes or _git(root, "rev-parse", "--is-shallow-repository").strip() != b"false":
            return _Log({}, {})  # (a site that is no repository, or not in one's history, asks once)
        graph = _git(root, "rev-list", "--topo-order", "--reverse", "--timestamp", "--parents", "HEAD")
    except (OSError, subprocess.SubprocessError):  # no commit yet, a git too old for these options
        return _Log({}, {})
    try:
        return parse_log(changes, graph)
    except (ValueError, IndexError, KeyError):  # not the log asked for: nothing is known
        return _Log({}, {})


def effective_times(graph: bytes) -> dict[str, int]:
    """`git rev-list --topo-order --reverse --timestamp --parents` (parents first) → each
    commit's effective time: the latest committer time of it and all its ancestors."""
    effective: dict[str, int] = {}
    for line in graph.decode("ascii").splitlines():
        stamp, sha, *parents = line.split()
        effective[sha] = max([int(stamp), *(effective[p] for p in parents if p in effective)])
    return effective


def parse_log(changes: bytes, graph: bytes) -> _Log:
    """The versions of the content files along HEAD's first-parent line (`changes`:
    `git log --raw -z --relative --format=%x01%H -- content/`, oldest first), each at its
    commit's effective time (`graph`, see `effective_times`)."""
    effective = effective_times(graph)
    versions: dict[str, list[Version]] = {}
    moved: dict[str, str] = {}
    for chunk in changes.split(b"\x01")[1:]:
        header, _, rest = chunk.partition(b"\x00")
        since = datetime.fromtimestamp(effective[header.decode("ascii").strip()], UTC)
        fields = rest.lstrip(b"\n").decode("utf-8", "surrogateescape").split("\x00")
        for old, new, blob in _entries(fields):
            old, new = item_source(old), item_source(new)
            if old is not None:
                versions.setdefault(old, []).append(Version(None, since))
                if new is not None:
                    moved[old] = new
            if new is not None:
                versions.setdefault(new, []).append(Version(blob, since))
    return _Log(versions, moved)


def _entries(fields: list[str]) -> Iterable[tuple[str | None, str | None, str | None]]:
    """Raw diff entries as (path it left, path it now has, its blob there): an addition
    or change leaves no path, a deletion has no new one, a rename both."""
    index = 0
    while index < len(fields):
        meta = fields[index]
        if not meta.startswith(":"):
            index += 1
            continue
        parts = meta[1:].split()
        mode, blob, status = parts[1], parts[3], parts[4]
        regular = mode.startswith("100")  # not a link or a submodule: no item git can hold
        if status[0] in "RC":
            old, new = fields[index + 1], fields[index + 2]
            index += 3
            yield (old if status[0] == "R" else None), new, blob if regular else None
        elif status[0] == "D":
            index += 2
            yield fields[index - 1], None, None
        else:
            index += 2
            yield None, fields[index - 1], blob if regular else None


def item_source(path: str | None) -> str | None:
    """A path from the log ("content/press-releases/x.md") as an item's source, relative
    to content/; None for anything else (an attachment, a media request, no path)."""
    if path is None or not path.startswith("content/") or not path.endswith(".md"):
        return None
    source = path.removeprefix("content/")
    section = source.split("/", 1)[0]
    return source if "/" in source and section in SECTIONS and section != REQUESTS_SECTION else None


def _blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """The bytes of these blobs, read by one `git cat-file --batch`."""
    try:
        out = _git(root, "cat-file", "--batch", stdin="".join(b + "\n" for b in blobs).encode())
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, bytes] = {}
    at = 0
    for blob in blobs:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
            size = int(header[2])
            found[blob] = out[at : at + size]
            at += size + 1
    return found
