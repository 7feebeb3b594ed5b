"""Every kind of output file, one module each with `render(site, ctx) -> Files`; here what they share.

The list of kinds is in outputs/kinds.py (this package's modules import from here, so
nothing here imports them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import jinja2

from site_builder.speed import cache
from site_builder.speed.cache import Cache
from site_builder.view.entries import Entry
from site_builder.view.site import Site

T = TypeVar("T")


@dataclass(frozen=True)
class CopyFrom:
    """A file copied as it is (attachments, theme assets), not held in memory."""

    path: Path


@dataclass(frozen=True)
class Keyed:
    """A page rendered only when needed: `key` hashes everything it is made from.

    When the previous build wrote the same path with the same key, the writer links that
    file instead of calling `render`; so `key` must change whenever the bytes would.
    """

    key: str
    render: Callable[[], bytes]


Files = dict[str, "bytes | CopyFrom | Keyed"]


@dataclass
class Context:
    """What renderers share: the site root and one jinja2 environment per language."""

    root: Path
    envs: dict[str, jinja2.Environment]
    keys: dict[str, str] = field(default_factory=dict)  # per language: see outputs/keys.py
    store: Cache | None = None  # the build cache, for fragments that outlive a build

    def env(self, lang: str) -> jinja2.Environment:
        return self.envs[lang]

    def page(self, lang: str, parts: list[str], render: Callable[[], bytes]) -> Keyed | bytes:
        """A page keyed by its language's inputs and `parts`; rendered now when keys are off."""
        if lang not in self.keys:
            return render()
        key = self.store.key_of if self.store is not None else cache.key
        return Keyed(key(self.keys[lang], *parts), render)

    def fragments(self, bucket: str, lang: str, wanted: dict[str, Callable[[], T]]) -> dict[str, T]:
        """Pieces of output by their key (`wanted`: key → how to make it), kept in the cache.

        A language's pieces of one kind are one cache entry, rewritten with just the
        current pieces when any is new; without keys or a cache everything is made.
        """
        if self.store is None or lang not in self.keys:
            return {key: make() for key, make in wanted.items()}
        name = cache.key(bucket, self.keys[lang])
        known: dict[str, T] = self.store.get(bucket, name) or {}
        found = {key: known[key] if key in known else make() for key, make in wanted.items()}
        if found.keys() != known.keys():
            self.store.put(bucket, name, found)
        return found


def lang_prefix(site: Site, lang: str) -> str:
    """Path prefix of a language's pages: '' for the main language, 'ky/' for others."""
    return "" if lang == site.config.site.language else f"{lang}/"


# Where a build writes, before anything is rendered (each output kind's `paths`): a path
# under output/ and whose file it is: an entry's (its page, calendar or an attachment),
# a file of the site folder's own copied as it is (its path there, e.g. "static/x.css"),
# or None for a file the generator makes.  A path ending in "/" claims a whole folder,
# whose files are named by what they hold (the search index's shards).
Planned = Iterable[tuple[str, "Entry | str | None"]]
