"""What an output depends on, as hashes: a page's inputs besides its entries, a whole site's.

A page whose key is the one it was last written with is not rendered again, and an output
whose fingerprint is the last build's is kept as it is (see speed/ and write/publish.py).
"""

from __future__ import annotations

from pathlib import Path

from site_builder.load.config import Config
from site_builder.outputs.feeds import page_feeds
from site_builder.outputs.render import THEME
from site_builder.speed import cache, uptodate
from site_builder.view.site import Site


def static_fingerprint(config: Config, root: Path) -> str:
    """The generator's code, the theme (read again: a long-running process imported the
    code once, but reads the templates anew), the site's own templates and static files,
    the settings."""
    parts: list[bytes | str] = [cache.code_fingerprint(), config.model_dump_json()]
    for folder in (THEME, root / "templates", root / "static"):
        if folder.is_dir() and not folder.is_symlink():
            for path in sorted(folder.rglob("*")):  # never enters a link to a folder
                # A name that is not UTF-8 (`check` reports it) as it is on disk; a folder by
                # its name (an empty one where a template is looked for is an error).
                name = path.as_posix().encode("utf-8", "surrogateescape")
                if path.is_symlink():
                    parts += [name, b"(link)"]
                elif path.is_file():
                    parts += [name, path.read_bytes()]
                elif path.is_dir():
                    parts += [name + b"/", b"(folder)"]
    return cache.key(*parts)


def _static(site: Site, root: Path) -> str:
    return site.memo(("static", str(root)), lambda: static_fingerprint(site.config, root))


def page_keys(site: Site, root: Path) -> dict[str, str]:
    """Per language, the hash of what every page of it shows besides its own entries.

    Code, theme, templates, settings, today's date and the feeds every page links to
    (not their counts: those are on the subscribe pages, which are always rendered).
    """
    # The publication log's head is in every page's footer (outputs/transparency.py).
    base = cache.key(
        _static(site, root), site.now.astimezone(site.config.tz).date().isoformat(), site.record.head
    )
    return {lang: cache.key(base, lang, repr(page_feeds(site, lang))) for lang in site.config.languages}


def site_fingerprint(site: Site, root: Path, requests: list, digests: dict[str, str] | None = None) -> str:
    """Everything the output depends on: code, theme, settings, items, and what `now` decides.

    Two builds with the same fingerprint produce the same bytes, so the second may keep
    the first one's output.  `now` enters only through what it changes: today's date,
    which events are upcoming, which corrections are already public (the entries' keys).
    The attachments, copied as they are, enter by their hashes (`digests`, from
    `uptodate.inputs_key`) or else by their stat (`uptodate.signature`).
    """
    today = site.now.astimezone(site.config.tz).date().isoformat()
    parts: list[bytes | str] = [_static(site, root), repr(requests), today, site.record.head]
    digests = digests or {}
    for entry in site.entries:
        parts.append(entry.key)
        for attachment in entry.item.attachments:
            known = digests.get(attachment.source)
            parts.append(
                f"{attachment.source}:{known or uptodate.signature(root / 'content' / attachment.source)}"
            )
    return cache.key(*parts)
