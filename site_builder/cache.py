"""The persistent build cache (`.site-cache/`): parsed items, calendar events and search records.

Every entry is keyed by a hash of everything that could change it — the file's bytes and
attachments, the settings, and the generator's own code — so a stale entry is never
used; deleting the folder only costs time.  Files are written to a temporary name and
renamed, so a killed build never leaves a torn one; an unreadable entry is a miss.

A bucket holds either one file per entry (`get`/`put`) or, for the thousands of parsed
items, a few *pack* files of many entries each (`get_many`/`put_many`/`compact`):
creating one small file per item cost a cold build more than pickling the items did.
A pack is written once and never changed; `compact` folds the packs into one, without
the entries no longer wanted, when they have grown many or mostly stale.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).parent


@cache
def code_fingerprint() -> str:
    """Hash of the generator itself — its code, theme and message catalogs — and of the
    libraries whose output ends up in the site: a new version never reads an old entry."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update("|".join(libraries()).encode())
    return digest.hexdigest()[:16]


LIBRARIES = (
    "jinja2", "markdown-it-py", "markdown-it-pyrs", "pyyaml", "pydantic", "babel", "feedgen",
    "icalendar", "python-slugify", "holidays", "lxml", "lz4",
)  # fmt: skip


def libraries() -> list[str]:
    """The versions of the libraries whose output ends up in the site."""
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


class Cache:
    """A folder of pickled values in buckets ('items', 'search', …); `None` folder = off.

    `memory` (a long-running process: the preview server) also keeps every value it read
    or wrote, so a rebuild does not unpickle thousands of unchanged items again; `sweep`
    forgets those the last build did not use.
    """

    def __init__(self, folder: Path | None, memory: bool = False):
        self.folder = folder
        self.memory: dict[tuple[str, str], Any] | None = {} if memory and folder else None
        self._used: set[tuple[str, str]] = set()
        self._held: dict[str, int] = {}  # packed bucket → how many entries its packs held when last read

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
            with open(self._path(bucket, name), "rb") as handle:
                value = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError):
            return None
        if self.memory is not None:
            self.memory[bucket, name] = value
        return value

    def put(self, bucket: str, name: str, value: Any) -> None:
        if self.folder is None:
            return
        if self.memory is not None:
            self.memory[bucket, name] = value
            self._used.add((bucket, name))
        path = self._path(bucket, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
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

    def _read_pack(self, path: Path) -> dict[str, bytes]:
        """One pack's entries, still pickled; {} when unreadable."""
        try:
            with open(path, "rb") as handle:
                found = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def get_many(self, bucket: str, names: list[str]) -> list[Any | None]:
        """The values of a packed bucket under `names` (None where missing or unreadable);
        read pack by pack, so only one pack's pickled entries are in memory at a time."""
        if self.folder is None:
            return [None] * len(names)
        memory = self.memory if self.memory is not None else {}
        if self.memory is not None:
            self._used.update((bucket, name) for name in names)
        found = [memory.get((bucket, name)) for name in names]
        wanted = {name: index for index, name in enumerate(names) if found[index] is None}
        held = len(names) - len(wanted)
        for path in self._packs(bucket) if wanted else []:
            blobs = self._read_pack(path)
            held += len(blobs)
            for name in blobs.keys() & wanted.keys():
                try:
                    value = pickle.loads(blobs[name])
                except (
                    pickle.UnpicklingError,
                    EOFError,
                    AttributeError,
                    ImportError,
                    IndexError,
                    ValueError,
                ):
                    continue
                found[wanted.pop(name)] = value
                if self.memory is not None:
                    self.memory[bucket, name] = value
        self._held[bucket] = held
        return found

    def put_many(self, bucket: str, blobs: dict[str, bytes]) -> None:
        """Add entries in one new pack, each already pickled (a parse worker pickles once, for
        the parent and for the pack); a `memory` cache is told the values by `remember`."""
        if self.folder is None or not blobs:
            return
        folder = self.folder / code_fingerprint() / bucket
        path = folder / f"{secrets.token_hex(8)}.pack"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                pickle.dump(blobs, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except OSError:
            pass

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

    def detached(self) -> Cache:
        """The same folder without the values kept in memory (for a worker process)."""
        return Cache(self.folder)

    def compact(self, bucket: str, live: set[str], most: int = 24, batch: int = 4000) -> None:
        """Rewrite the packs with only the `live` entries, in packs of `batch` entries, once
        there are more than `most` packs or the last read found more stale entries than live
        ones; pack by pack, so at most a batch of entries is in memory at once."""
        if self.folder is None:
            return
        packs = self._packs(bucket)
        if len(packs) <= 1 or (len(packs) <= most and self._held.get(bucket, 0) <= 2 * len(live)):
            return
        kept: dict[str, bytes] = {}
        for path in packs:
            kept |= {name: blob for name, blob in self._read_pack(path).items() if name in live}
            if len(kept) >= batch:
                self.put_many(bucket, kept)
                kept = {}
        self.put_many(bucket, kept)
        for path in packs:
            path.unlink(missing_ok=True)
        self._held[bucket] = len(live)

    def sweep(self) -> None:
        """Forget the values kept in memory that were not used since the last sweep."""
        if self.memory is not None:
            for stale in self.memory.keys() - self._used:
                del self.memory[stale]
            self._used = set()
