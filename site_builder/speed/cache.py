"""The persistent build cache (`.site-cache/`): parsed items, calendar events and search records.

Every entry is keyed by a hash of everything that could change it — the file's bytes and
attachments, the settings, and the generator's own code — so a stale entry is never
used; deleting the folder only costs time.  Files are written to a temporary name and
renamed, so a killed build never leaves a torn one in place (at most a stray temporary
file).  Every file carries an HMAC of what it holds under this user's key, which never
lies in the site (see signing.py): reading a pickle runs what it says, so a file that
came with the sources — or is torn, or damaged — is a miss, never unpickled.

A bucket holds either one file per entry (`get`/`put`) or, for the thousands of parsed
items, a few *pack* files of many entries each (`get_many`/`put_many`/`compact`):
creating one small file per item cost a cold build more than pickling the items did.
A pack is written once and never changed; `compact` folds the packs into one, without
the entries no longer wanted, when they have grown many or mostly stale.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import secrets
import shutil
import time
from collections.abc import Callable, Hashable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from site_builder.speed import signing

PACKAGE = Path(__file__).parent.parent
FOLDER = ".site-cache"  # the cache's folder in a site's root
T = TypeVar("T")
_FINGERPRINT = re.compile(r"[0-9a-f]{16}")  # a folder of one version's entries (code_fingerprint)
PRUNE_DAYS = 7  # another version's folder unused this long is deleted (see Cache.prune)
PACK_MAGIC = b"SBP2"  # a pack file: these 4 bytes, the HMAC of the rest, a pickled dict
ENTRY_MAGIC = b"SBE2"  # a one-entry file: these 4 bytes, the pickled value, its HMAC
TAG = signing.TAG_BYTES


@cache
def code_fingerprint() -> str:
    """Hash of the generator itself — its code, theme and message catalogs — and of the
    libraries whose output ends up in the site: a new version never reads an old entry."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and _of_the_generator(path):
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update("|".join(libraries()).encode())
    return digest.hexdigest()[:16]


def _of_the_generator(path: Path) -> bool:
    """Whether a file of the package folder is part of what the generator runs or ships:
    its code, message catalogs and theme.  Anything else there (an editor's swap file, the
    notes a tool such as mutmut keeps beside each module it runs) changes no output, and
    a fingerprint that moved with it would send a build and the process it started to
    different cache folders."""
    return path.suffix in (".py", ".po", ".mo") or path.relative_to(PACKAGE).parts[0] == "theme"


LIBRARIES = (
    "jinja2", "markdown-it-py", "markdown-it-pyrs", "pyyaml", "pydantic", "babel", "feedgen",
    "icalendar", "python-slugify", "holidays", "lxml", "lz4", "cryptography", "pypdf",
)  # fmt: skip


def libraries() -> list[str]:
    """The versions of the libraries whose output ends up in the site (or in the cache:
    cryptography's answer whether a signature verifies)."""
    from importlib import metadata

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} missing")
    return found


def key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _entry_context(bucket: str, name: str) -> tuple[bytes, ...]:
    """What an entry's tag is bound to: a signed entry copied under another name is a miss."""
    return (b"entry", bucket.encode("utf-8", "surrogateescape"), name.encode("utf-8", "surrogateescape"))


def _pack_context(bucket: str) -> tuple[bytes, ...]:
    """What a pack's tag is bound to: its bucket (a pack moved to another bucket is a miss)."""
    return (b"pack", bucket.encode("utf-8", "surrogateescape"))


class _Signed:
    """A file to pickle into that keeps the HMAC of what was written."""

    def __init__(self, handle: Any, *context: bytes):
        self.handle, self.mac = handle, signing.signer(*context)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.handle.write(data)


class Cache:
    """A folder of pickled values in buckets ('items', 'search', …); `None` folder = off.

    `memory` (a long-running process: the preview server) also keeps every value it read
    or wrote, so a rebuild does not unpickle thousands of unchanged items again; `sweep`
    forgets those the last build did not use.
    """

    def __init__(self, folder: Path | None, memory: bool = False):
        self.folder = folder
        self.memory: dict[tuple[str, Any], Any] | None = {} if memory and folder else None
        self._used: set[tuple[str, Any]] = set()
        self._spared: set[str] = set()  # memory: buckets used whole since the last sweep
        self._held: dict[str, int] = {}  # packed bucket → entries its packs held when last all read
        self._seen: dict[str, set[Path]] = {}  # memory: packs already read (a pack never changes)
        self._dirty: set[tuple[str, str]] = set()  # memory: values `put` but not yet written
        self._pending: dict[str, dict[str, bytes]] = {}  # memory: packed entries not yet written
        self._compacts: dict[str, tuple[set[str], int, int]] = {}  # memory: compactions asked for

    def _path(self, bucket: str, name: str) -> Path:
        assert self.folder is not None
        return self.folder / code_fingerprint() / bucket / name[:2] / name

    def get(self, bucket: str, name: str) -> Any | None:
        if self.folder is None:
            return None
        if self.memory is not None:
            self._used.add((bucket, name))
            if (bucket, name) in self.memory:
                return self.memory[bucket, name]
        try:
            data = signing.read_file(self._path(bucket, name))
            if data is None:
                return None
            body = memoryview(data)[4:-TAG]  # not copied: an entry may be megabytes
            context = _entry_context(bucket, name)
            if data[:4] != ENTRY_MAGIC or not signing.verify(data[-TAG:], body, *context):
                return None  # not this user's, or damaged: never unpickled
            value = pickle.loads(body)
        except Exception:  # any damage the checksum let through is a miss too
            return None
        if self.memory is not None:
            self.memory[bucket, name] = value
        return value

    def put(self, bucket: str, name: str, value: Any) -> None:
        """Keep a value; a `memory` cache writes it to disk only at `flush` (after the build)."""
        if self.folder is None:
            return
        if self.memory is not None:
            self.memory[bucket, name] = value
            self._used.add((bucket, name))
            self._dirty.add((bucket, name))
            return
        self._write(bucket, name, value)

    def flush(self) -> None:
        """Write what a `memory` cache was given by `put` and `put_many` since the last
        flush, then fold its packs as `compact` was asked to (after the build, so a preview
        rebuild never waits for cache files)."""
        dirty, self._dirty = self._dirty, set()
        for bucket, name in sorted(dirty):
            if self.memory is not None and (bucket, name) in self.memory:
                self._write(bucket, name, self.memory[bucket, name])
        pending, self._pending = self._pending, {}
        for bucket, blobs in sorted(pending.items()):
            self._write_pack(bucket, blobs)
        compacts, self._compacts = self._compacts, {}
        for bucket, (live, most, batch) in sorted(compacts.items()):
            self._compact(bucket, live, most, batch)

    def _write(self, bucket: str, name: str, value: Any) -> None:
        path = self._path(bucket, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                handle.write(ENTRY_MAGIC)
                signed = _Signed(handle, *_entry_context(bucket, name))  # signed on the way
                pickle.dump(value, signed, protocol=pickle.HIGHEST_PROTOCOL)
                handle.write(signed.mac.digest())
            os.replace(temporary, path)
        except OSError:
            pass  # a cache that cannot be written is only a slower build

    # Packed buckets ----------------------------------------------------------------------

    def _packs(self, bucket: str) -> list[Path]:
        assert self.folder is not None
        try:
            return sorted((self.folder / code_fingerprint() / bucket).glob("*.pack"))
        except OSError:
            return []

    @staticmethod
    def _read_pack(path: Path) -> dict[str, bytes]:
        """One pack's entries, still pickled; {} when unreadable, torn, damaged or not
        signed with this user's key (a pack committed with the sources is never unpickled)."""
        try:
            data = signing.read_file(path)
            if data is None:
                return {}
            body = memoryview(data)[4 + TAG :]
            context = _pack_context(path.parent.name)
            if data[:4] != PACK_MAGIC or not signing.verify(data[4 : 4 + TAG], body, *context):
                return {}  # not this user's, torn or damaged: never unpickled
            found = pickle.loads(body)
        except Exception:  # any damage the checksum let through is a miss too
            return {}
        if not isinstance(found, dict):
            return {}
        return {
            name: blob for name, blob in found.items() if isinstance(name, str) and isinstance(blob, bytes)
        }

    def get_many(self, bucket: str, names: list[str]) -> list[Any | None]:
        """The values of a packed bucket under `names` (None where missing or unreadable);
        read pack by pack, so only one pack's pickled entries are in memory at a time.

        A `memory` cache answers from memory first and reads only packs it has not read
        before (a pack never changes): a preview rebuild does not re-read the cache.
        """
        if self.folder is None:
            return [None] * len(names)
        memory = self.memory if self.memory is not None else {}
        if self.memory is not None:
            self._used.update((bucket, name) for name in names)
        found = [memory.get((bucket, name)) for name in names]
        wanted = {name: index for index, name in enumerate(names) if found[index] is None}
        if not wanted:
            return found
        seen = self._seen.setdefault(bucket, set())
        packs = [path for path in self._packs(bucket) if path not in seen]
        held = 0
        for path in packs:
            blobs = self._read_pack(path)
            held += len(blobs)
            if self.memory is not None:
                seen.add(path)
            for name in blobs.keys() & wanted.keys():
                try:
                    value = pickle.loads(blobs[name])
                except Exception:  # a damaged entry is a miss
                    continue
                found[wanted.pop(name)] = value
                if self.memory is not None:
                    self.memory[bucket, name] = value
        if packs and self.memory is None:
            self._held[bucket] = held  # every pack was read: how much of it is stale is known
        return found

    def put_many(self, bucket: str, blobs: dict[str, bytes]) -> bool:
        """Add entries in one new pack, each already pickled (a parse worker pickles once, for
        the parent and for the pack); a `memory` cache is told the values by `remember`.
        False when the pack could not be written (a full disk): that costs only time."""
        if self.memory is not None and blobs:  # written at `flush`
            self._pending.setdefault(bucket, {}).update(blobs)
            return True
        return self.folder is None or not blobs or self._write_pack(bucket, blobs) is not None

    def _write_pack(self, bucket: str, blobs: dict[str, bytes]) -> Path | None:
        assert self.folder is not None
        folder = self.folder / code_fingerprint() / bucket
        path = folder / f"{secrets.token_hex(8)}.pack"
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            payload = pickle.dumps(blobs, protocol=pickle.HIGHEST_PROTOCOL)
            with open(temporary, "wb") as handle:
                handle.write(PACK_MAGIC + signing.tag(payload, *_pack_context(bucket)))
                handle.write(payload)
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)
            return None
        if self.memory is not None:
            self._seen.setdefault(bucket, set()).add(path)  # what it holds is remembered
        return path

    def remember(self, bucket: str, name: str, value: Any) -> None:
        """A value just put in a packed bucket, for a `memory` cache to keep."""
        if self.memory is not None:
            self.memory[bucket, name] = value
            self._used.add((bucket, name))

    def recall(self, bucket: str, name: str) -> Any | None:
        """A value a `memory` cache kept with `remember` (None otherwise); it counts as used."""
        if self.memory is None:
            return None
        self._used.add((bucket, name))
        return self.memory.get((bucket, name))

    def memo(self, bucket: str, name: Hashable, make: Callable[[], T]) -> T:
        """A value a `memory` cache keeps in memory only (a judgement, say): made by `make`
        when not kept; without `memory`, always made."""
        if self.memory is None:
            return make()
        self._used.add((bucket, name))
        if (bucket, name) not in self.memory:
            self.memory[bucket, name] = make()
        return self.memory[bucket, name]

    def key_of(self, *parts: bytes | str) -> str:
        """`key(*parts)`, which a `memory` cache keeps by the parts themselves: a rebuild of
        the preview asks again for thousands of keys (entries', pages') of the same parts."""
        if self.memory is None:
            return key(*parts)
        name = ("keys", parts)
        self._used.add(name)
        found = self.memory.get(name)
        if found is None:
            found = self.memory[name] = key(*parts)
        return found

    def detached(self) -> Cache:
        """The same folder without the values kept in memory (for a worker process)."""
        return Cache(self.folder)

    def compact(self, bucket: str, live: set[str], most: int = 24, batch: int = 4000) -> None:
        """Rewrite the packs with only the `live` entries, in packs of `batch` entries, once
        there are more than `most` packs, or the last full read of them found more stale
        entries than live ones; pack by pack, so at most a batch is in memory at once.  If a
        new pack cannot be written, the old ones stay.  A `memory` cache does it at `flush`."""
        if self.folder is None:
            return
        if self.memory is not None:
            self._compacts[bucket] = (live, most, batch)
            return
        self._compact(bucket, live, most, batch)

    def _compact(self, bucket: str, live: set[str], most: int, batch: int) -> None:
        assert self.folder is not None
        packs = self._packs(bucket)
        if len(packs) <= 1 or (len(packs) <= most and self._held.get(bucket, 0) <= 2 * len(live)):
            return
        written: list[Path] = []
        kept: dict[str, bytes] = {}
        for number, path in enumerate(packs, 1):
            kept |= {name: blob for name, blob in self._read_pack(path).items() if name in live}
            if kept and (len(kept) >= batch or number == len(packs)):
                found = self._write_pack(bucket, kept)
                if found is None:  # keep the old packs rather than lose what they hold
                    for done in written:
                        done.unlink(missing_ok=True)
                    return
                written.append(found)
                kept = {}
        for path in packs:
            path.unlink(missing_ok=True)
        self._held[bucket] = len(live)

    def prune(self, unused_days: float = PRUNE_DAYS) -> None:
        """Delete what other versions of the generator left (their folders under other code
        fingerprints) once no build has used them for `unused_days`: no entry of theirs is
        read by this version, and a cache kept between CI runs would otherwise keep a copy
        per upgrade forever.  Two versions that build the same site in turn (two venvs, a
        `serve` started before an upgrade) keep theirs: each build marks its own folder
        used.  Quietly: a folder that cannot be deleted only takes space."""
        if self.folder is None:
            return
        mine = code_fingerprint()
        with contextlib.suppress(OSError):  # not there yet: this build makes it
            os.utime(self.folder / mine)  # used now (a build writes into it only when something is new)
        try:
            found = [path for path in self.folder.iterdir() if _FINGERPRINT.fullmatch(path.name)]
        except OSError:
            return
        stale = time.time() - unused_days * 86400
        for path in found:
            try:
                if path.name == mine or path.is_symlink() or path.stat().st_mtime > stale:
                    continue
            except OSError:
                continue
            shutil.rmtree(path, ignore_errors=True)

    def sweep(self) -> None:
        """Forget the values kept in memory that were not used since the last sweep (call it
        after a build that went through: a packed value forgotten is not read again from a
        pack already read, it is made again)."""
        if self.memory is not None:
            for stale in self.memory.keys() - self._used:
                if stale[0] not in self._spared:
                    del self.memory[stale]
            self._used, self._spared = set(), set()

    def spare(self, *buckets: str) -> None:
        """Count every value a `memory` cache keeps in these buckets as used (by a build that
        relied on them without asking for each: see `content.load`)."""
        self._spared.update(buckets)
