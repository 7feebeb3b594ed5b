"""The persistent build cache (`.site-cache/`): parsed items, calendar events and search records.

Every entry is keyed by a hash of everything that could change it — the file's bytes and
attachments, the settings, and the generator's own code — so a stale entry is never
used; deleting the folder only costs time.  Entries are written to a temporary name and
renamed, so a killed build never leaves a torn entry; an unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
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
    "icalendar", "python-slugify", "holidays", "lxml",
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

    def sweep(self) -> None:
        """Forget the values kept in memory that were not used since the last sweep."""
        if self.memory is not None:
            for stale in self.memory.keys() - self._used:
                del self.memory[stale]
            self._used = set()
