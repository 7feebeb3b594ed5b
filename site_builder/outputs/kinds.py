"""The output kinds, in the order the build hands out their work, and every path they write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from site_builder.outputs import (
    assets,
    calendars,
    changes,
    feeds,
    jsonfeed,
    newsroom,
    opendata,
    pages,
    redirects,
    search,
    signatures,
    sitemap,
    transparency,
    versions,
)
from site_builder.view.entries import Entry
from site_builder.view.site import Site


def planned(site: Site, root: Path) -> Iterator[tuple[str, Entry | str | None]]:
    """Every path the build will write for this site (see `outputs.Planned`), of every output kind."""
    for kind in [*all_outputs(), search, sitemap]:
        yield from kind.paths(site, root)


def all_outputs() -> list:
    """The output kinds (no two may write one file), in the order their tasks are handed to
    the render workers: the big single tasks first and the item pages, in many small
    chunks, last, so the workers finish together instead of one of them still writing
    the calendars alone at the end."""
    return [
        calendars, feeds, opendata, jsonfeed, changes, newsroom, signatures, assets, redirects, transparency,
        versions, pages,
    ]  # fmt: skip
