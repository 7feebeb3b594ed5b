"""Every kind of output file; each module has `render(site, ctx) -> dict[str, bytes | CopyFrom]`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from site_builder.site import Site


@dataclass(frozen=True)
class CopyFrom:
    """A file copied as it is (attachments, theme assets), not held in memory."""

    path: Path


Files = dict[str, "bytes | CopyFrom"]


@dataclass
class Context:
    """What renderers share: the site root and one jinja2 environment per language."""

    root: Path
    envs: dict[str, jinja2.Environment]

    def env(self, lang: str) -> jinja2.Environment:
        return self.envs[lang]


def lang_prefix(site: Site, lang: str) -> str:
    """Path prefix of a language's pages: '' for the main language, 'ky/' for others."""
    return "" if lang == site.config.site.language else f"{lang}/"


def all_outputs() -> list:
    """The output kinds, in the order their files are produced (later ones may not overwrite)."""
    from site_builder.outputs import (
        assets,
        calendars,
        changes,
        feeds,
        jsonfeed,
        newsroom,
        opendata,
        pages,
    )

    return [pages, feeds, jsonfeed, changes, calendars, opendata, newsroom, assets]
