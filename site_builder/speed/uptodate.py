"""Is output/ already what a build would write?  Answered before a single item is parsed.

Every build records in output/'s manifest a hash of all it read (`inputs_key`: the
generator's code and theme, config.yaml, the site's templates and static files, every
file under content/, and where git stands) and the span of time over which those inputs
make the same output: from the build's `now` to the first moment after it at which
anything could change — midnight in the site's time zone (today's date is on pages and
decides deadlines), or any date and time written in the content (an embargo lifts, an
event ends, a correction becomes public; see `next_change`).  A later build with the same
inputs inside that span, and an output nobody has touched, has nothing to do.

Only the standard library (and cache.py, which uses no more): the check runs before the
rest of the generator is imported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
import subprocess
import typing
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, time, timedelta
from functools import partial
from pathlib import Path
from time import time_ns
from typing import Any

from site_builder.speed import cache

SKIPPED = {".git", ".site-cache", "__pycache__"}
STATS = "stats"  # cache bucket: the content files' SHA-256 by their stat (see `inputs_key`)
SETTLED_NS = 2_000_000_000  # a file changed this close to being hashed is hashed again next time
# Read from outside the repository (load/admins.py): the settings administrators' keys (their
# allowed_signers lines, or the path of such a file) and whether a build requires them.
OUTSIDE = ("SITE_BUILDER_SETTINGS_KEYS", "SITE_BUILDER_REQUIRE_SETTINGS")
SETTINGS_RECORD = "settings.approval.yaml"  # the administrators' signatures (load/settings.py)


def inputs_key(root: Path, digests: dict[str, str] | None = None) -> str:
    """Hash of everything a build of ROOT reads (besides the time), the settings
    administrators' keys that its environment gives (`OUTSIDE`) included.

    `digests`, when given, is filled with the SHA-256 of every file under content/ (by
    its path there): the Markdown files, so the build need not read and hash them again,
    and the attachments, which the build copies as they are (`site_fingerprint`).

    Those hashes are kept in the cache by each file's stat (size, modification and change
    times in nanoseconds, inode, device), as git's index keeps them, and a file whose stat
    is the same is not read again.  Only files last changed SETTLED_NS before they were
    hashed are kept: a file rewritten within the same tick of the file system's clock as
    it was hashed, to the same size, would keep its stat (git calls it "racy").  A rewrite
    that puts the old modification time back (`touch -d`, or `cp -p`, `rsync -t` and
    `tar x`, which keep a copied file's) still moves the change time, which only the
    clock sets, so the table is used only where that is so (POSIX systems: on Windows
    `st_ctime` is the creation time).  Like git's, it trusts the file system: one that
    keeps no change time of its own (FAT) or a network one whose server's clock runs
    more than SETTLED_NS behind this machine's can hide such a rewrite.  Folders count by
    their names (an empty one where a template is looked for is an error).
    """
    digest = hashlib.sha256()
    store = cache.Cache(root / cache.FOLDER)
    known = store.get(STATS, "content") if os.name == "posix" else None
    if not isinstance(known, dict):
        known = {}
    table: dict[str, tuple[tuple[int, ...], str]] = {}
    settled = time_ns() - SETTLED_NS

    def add(*parts: str | bytes) -> None:
        for part in parts:
            # A name that is not UTF-8 (content/ reports it) as the bytes it is on disk.
            data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)

    add("code", cache.code_fingerprint())  # the package and the libraries' versions
    add("config", _read(root / "config.yaml"))
    add("settings", _read(root / SETTINGS_RECORD), *_outside())
    for folder in ("templates", "static", "content"):
        for name, path in _files(root / folder):
            if name.endswith("/"):
                add(folder, name, "(folder)")
            elif folder == "content":
                try:
                    found = os.lstat(path)
                    signature = (
                        found.st_size,
                        found.st_mtime_ns,
                        found.st_ctime_ns,
                        found.st_ino,
                        found.st_dev,
                    )
                except OSError:
                    found, signature = None, ()
                row = known.get(name)
                if found and stat.S_ISREG(found.st_mode) and row and row[0] == signature:
                    sha, what = row[1], b""
                else:  # the stat was taken first: a change while reading is seen next time
                    sha, what = _hash_file(path)
                add(folder, name, sha or what)
                if sha and digests is not None:
                    digests[name] = sha
                if sha and found and found.st_mtime_ns < settled and found.st_ctime_ns < settled:
                    table[name] = (signature, sha)
            else:
                add(folder, name, _read(path))
    add("git", _git_state(root))
    if table != known and os.name == "posix":
        store.put(STATS, "content", table)
    return digest.hexdigest()


def _outside() -> list[str | bytes]:
    """What a build reads from its environment: the variables of OUTSIDE, and the bytes of
    the keys' file when the first names one."""
    values: list[str | bytes] = [os.environ.get(name, "") for name in OUTSIDE]
    keys = str(values[0]).strip()
    if keys and os.path.isfile(keys):
        try:  # through a link too, as load/admins.py reads it
            with open(keys, "rb") as handle:
                values.append(handle.read())
        except OSError:
            values.append(b"(unreadable)")
    return values


def inputs_key_aside(root: Path) -> Callable[[], tuple[str, dict[str, str]]]:
    """`inputs_key(root, digests)` worked out by a forked process while this one goes on;
    call what this returns for the key and the digests.

    A build that has no output to keep (the first one, or output/ gone) hashes its inputs
    and imports the rest of the generator before it parses anything; each takes a few
    tenths of a second on a large site, and on two cores they take them side by side.
    The files are still hashed before the build reads them.  Without `fork`, or when the
    forked process fails, the key is worked out in this process when it is asked for.
    """
    if os.name != "posix" or not hasattr(os, "fork"):
        return partial(_key_and_digests, root)
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return partial(_key_and_digests, root)
    if pid == 0:  # the forked process: it only hashes, writes the result and exits
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                out.write(json.dumps(_key_and_digests(root)).encode())
            code = 0
        finally:
            os._exit(code)  # no cleanup of the parent's: its buffers and exit handlers are its own
    os.close(write)

    def collect() -> tuple[str, dict[str, str]]:
        with os.fdopen(read, "rb") as handle:
            data = handle.read()  # whole only when the forked process got to its end
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # SIGCHLD ignored (inherited): the system reaped it already
            status = 0
        with contextlib.suppress(ValueError, TypeError):
            key, digests = json.loads(data) if status == 0 else (None, None)
            if isinstance(key, str) and isinstance(digests, dict):
                return key, digests
        return _key_and_digests(root)

    return collect


def _key_and_digests(root: Path) -> tuple[str, dict[str, str]]:
    digests: dict[str, str] = {}
    return inputs_key(root, digests), digests


def _files(folder: Path) -> Iterator[tuple[str, str]]:
    """Files and folders below a folder in a stable order, as (relative name, path); a
    folder's name ends with '/'.

    Symbolic links (the build follows none and fails on them; an editor's lock file may
    dangle), links to folders and the folder itself when it is a link included, and
    special files (a named pipe would block a read) are named, not read.
    """
    if os.path.islink(folder):
        yield "", str(folder)
        return
    if not folder.is_dir():
        return
    top = str(folder)
    for base, dirs, names in os.walk(top):  # links to folders are listed in `dirs`, not entered
        linked = [d for d in dirs if os.path.islink(os.path.join(base, d))]
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED and d not in linked)
        below = base[len(top) + 1 :].replace(os.sep, "/")
        prefix = f"{below}/" if below else ""
        for name in dirs:
            yield f"{prefix}{name}/", os.path.join(base, name)
        for name in sorted([*names, *linked]):
            yield prefix + name, os.path.join(base, name)


def _hash_file(path: str | Path) -> tuple[str, bytes]:
    """A regular file's SHA-256 (read in pieces: an attachment may be large) and b"";
    or "" and what it is when it is not a readable regular file."""
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            return "", (b"(link)" if stat.S_ISLNK(mode) else b"(special)")
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest(), b""
    except FileNotFoundError:
        return "", b"(gone)"
    except OSError:
        return "", b"(unreadable)"


def signature(path: str | Path) -> str:
    """What a file's stat says of its bytes, for a file the build copies without reading
    it when its hash is not known (the preview server): its size, modification and change
    times, inode and device.  The change time moves whenever the bytes do, even when the
    modification time is put back (`cp -p`, `rsync -t`, `tar x`).  A file changed within
    SETTLED_NS of now might be changed again within the same tick of the file system's
    clock, keeping its stat: its signature is then unlike any other, so that whatever it
    is part of is not taken for the same next time."""
    try:
        found = os.lstat(path)
    except OSError:
        return "(gone)"
    if max(found.st_mtime_ns, found.st_ctime_ns) >= time_ns() - SETTLED_NS:
        return f"(changed just now: {time_ns()})"
    parts = (found.st_mode, found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)
    return ":".join(map(str, parts))


def _read(path: str | Path) -> bytes:
    """A file's bytes, or what it is when it is not a regular file."""
    return _read_file(path)[0]


def _read_file(path: str | Path) -> tuple[bytes, bool]:
    """A file's bytes and True, or what it is when it is not a readable regular file and False."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return b"(gone)", False
    if not stat.S_ISREG(mode):
        return (b"(link)" if stat.S_ISLNK(mode) else b"(special)"), False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))  # a link since: not read
        with open(fd, "rb") as handle:
            return handle.read(), True
    except OSError:
        return b"(unreadable)", False


def _git_state(root: Path) -> str:
    """Where the repository stands: HEAD, the index's last change, whether it is shallow.

    The rules read the history (which committed version of each file went out, and the
    files deleted or renamed since); committing or staging moves one of these.
    """
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD", "--is-shallow-repository", "--git-path", "index"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "no git"
    if done.returncode != 0:
        return "no repository"
    head, shallow, index = [*done.stdout.splitlines(), "", "", ""][:3]
    try:
        stat = (root / index).stat() if not os.path.isabs(index) else Path(index).stat()
        staged = f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        staged = "-"
    return f"{head}|{shallow}|{staged}"


def next_change(now: datetime, tz: Any, *sources: Iterable[object]) -> datetime:
    """The first moment after `now` at which the same inputs could build another output:
    the next midnight in the site's time zone, or a later date and time in the content."""
    local = now.astimezone(tz)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=tz)
    found = [midnight.astimezone(now.tzinfo) if now.tzinfo else midnight]
    for source in sources:
        for value in source:
            # `>=`: some states turn at a moment (an embargo at its date), some just after
            # it (an event is upcoming until and including its end): a build at that very
            # moment gets an empty span, so the next one looks again.
            found += [moment for moment in moments(value) if moment >= now]
    return min(found)


def moments(value: object, depth: int = 0) -> Iterator[datetime]:
    """Every aware datetime inside a value: models, dataclasses, lists, dicts."""
    if depth > 20:
        return
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from moments(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from moments(item, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from moments(getattr(value, field.name), depth + 1)
    elif hasattr(value, "__pydantic_fields__"):
        for name in _timed_fields(type(value)):
            yield from moments(getattr(value, name, None), depth + 1)


_TIMED: dict[type, tuple[str, ...]] = {}


def _timed_fields(model: type) -> tuple[str, ...]:
    """The fields of a pydantic model whose type may hold a datetime (`moments` skips the
    rest: texts, numbers, literals — most of an item); each model's worked out once."""
    found = _TIMED.get(model)
    if found is None:
        fields = model.__pydantic_fields__  # type: ignore[attr-defined]
        found = tuple(name for name, info in fields.items() if _may_hold_time(info.annotation))
        _TIMED[model] = found
    return found


_TIMELESS = (str, int, float, bool, bytes, type(None))


def _may_hold_time(annotation: Any, depth: int = 0) -> bool:
    """Whether a value of this type may be or contain a datetime; True when unsure."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is typing.Annotated:
        return _may_hold_time(typing.get_args(annotation)[0], depth)
    if origin is not None:  # a union, list, dict, tuple …: any of its parts
        return depth > 10 or any(_may_hold_time(arg, depth + 1) for arg in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, _TIMELESS):
        return False
    fields = getattr(annotation, "__pydantic_fields__", None)
    if isinstance(fields, dict) and depth <= 10:  # a model: any of its fields
        return any(_may_hold_time(info.annotation, depth + 1) for info in fields.values())
    return True  # a dataclass, Any, a date or datetime, anything else: walked


def span(key: str, now: datetime, until: datetime) -> dict[str, str]:
    """What a build records: its inputs and the time over which they make its output."""
    return {"key": key, "from": now.isoformat(), "until": until.isoformat()}


def current(root: Path, output: Path, now: datetime, key: str | None = None) -> bool:
    """Is output/ exactly what a build of ROOT at `now` would write (see the module doc)?

    `key` is `inputs_key(root)` when the caller has it already.
    """
    output = output.absolute()
    manifest = read_manifest(output)
    recorded = manifest.get("inputs")
    files = manifest.get("files")
    if not isinstance(recorded, dict) or not isinstance(files, dict):
        return False
    try:
        start = datetime.fromisoformat(recorded["from"])
        until = datetime.fromisoformat(recorded["until"])
        if not start <= now < until:
            return False
    except (KeyError, TypeError, ValueError):
        return False
    return recorded.get("key") == (key or inputs_key(root)) and intact(output, files)


def manifest_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.manifest.json")


def read_manifest(output: Path, path: Path | None = None) -> dict:
    """The manifest of output/ (or the one at `path`); {} when missing or unreadable."""
    try:
        data = json.loads((path or manifest_path(output)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def intact(output: Path, files: dict) -> bool:
    """Does output/ hold exactly these files, each as the build left it (size, mtime)?"""
    if not output.is_dir():
        return False
    found = 0
    top = str(output)
    for folder, _, names in os.walk(top):
        below = folder[len(top) + 1 :].replace(os.sep, "/")
        prefix = f"{below}/" if below else ""
        for name in names:
            path = os.path.join(folder, name)
            seen = files.get(prefix + name)
            try:
                info = os.stat(path, follow_symlinks=False)
            except OSError:
                return False
            if not stat.S_ISREG(info.st_mode):
                return False  # the build writes no link, nor anything else but files
            if not isinstance(seen, list) or [info.st_size, info.st_mtime_ns] != seen[1:3]:
                return False
            found += 1
    return found == len(files)
