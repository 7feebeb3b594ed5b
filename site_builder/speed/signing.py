"""What this user's builds wrote, told apart from files that came with the sources.

The build cache (`.site-cache/`: pickled items, compiled templates) lies in the site's
folder, and reading a pickle or a compiled template runs whatever it says.  Anyone who
can push to the repository could commit such a file, and the next build — on a
colleague's machine or in CI, with its deploy secrets — would run it.  So every cache
file carries an HMAC-SHA256 of its bytes under a key that never lies in the site: a
random key in the user's own cache folder (`$XDG_CACHE_HOME/site-builder/cache-key`,
else `~/.cache/…`), made on first use and readable by its owner alone.  A file whose tag
does not verify is a cache miss, never read.

When no key can be kept (a read-only home), the process makes one for itself: its cache
files are then good for that process only, which costs time and nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from functools import cache
from pathlib import Path

KEY_BYTES = 32
TAG_BYTES = 32  # HMAC-SHA256


MAX_FILE = 1 << 30  # a cache file larger than this is not read (a committed giant is a miss)


def key_path() -> Path:
    """Where this user's key lives.  A relative XDG_CACHE_HOME is ignored, as the XDG spec
    says: it would name a folder of the site the build runs in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "site-builder" / "cache-key"


@cache
def key() -> bytes:
    """This user's key (made on first use); a key for this process alone when none can be kept."""
    path = key_path()
    with contextlib.suppress(OSError):
        if not os.path.lexists(path):
            _make_key(path)
        found = _read_key(path)
        if found is not None:
            return found
    return secrets.token_bytes(KEY_BYTES)


def _make_key(path: Path) -> None:
    """Write a new key beside `path` and link it in whole: two first runs at once agree on
    one key, and a killed one leaves no torn key behind."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _read_key(path: Path) -> bytes | None:
    """The key at `path` if it is a regular file of this user that only this user may read
    (mode 600, which a `git checkout` never gives a file: a key committed with the sources is
    never taken), in a folder of this user that nobody else may write."""
    folder = os.stat(path.parent, follow_symlinks=False)
    if not stat.S_ISDIR(folder.st_mode) or folder.st_uid != os.getuid() or folder.st_mode & 0o022:
        return None
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        data = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    return data if len(data) == KEY_BYTES else None  # a torn key (a killed first run) is no key


def signer(*context: bytes) -> hmac.HMAC:
    """An HMAC to feed a file's bytes into, bound to what the file is (`context`)."""
    mac = hmac.new(key(), digestmod=hashlib.sha256)
    for part in context:
        mac.update(len(part).to_bytes(8, "little") + part)
    return mac


def tag(data: bytes | memoryview, *context: bytes) -> bytes:
    mac = signer(*context)
    mac.update(data)
    return mac.digest()


def verify(found: bytes | memoryview, data: bytes | memoryview, *context: bytes) -> bool:
    return hmac.compare_digest(bytes(found), tag(data, *context))


def read_file(path: str | os.PathLike[str]) -> bytes | None:
    """A cache file's bytes, or None: never through a link, never a special file (a link to
    /dev/zero committed into the cache would be read for ever), never a giant."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_FILE + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
