"""The site's time zone, read from config.yaml alone: what a date-time given on the
command line without an offset (`--now`) means, known before the rest of the generator
is imported (`build` with nothing to do answers without pydantic or the models); and,
read the same way, where `build` puts its outbox.

The whole config is validated later by load/config.py, which takes its default and its
size limit from here, so both readings agree.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from site_builder.load import links, yamlsafe
from site_builder.load.frontmatter import decode

CONFIG = "config.yaml"
DEFAULT_ZONE = "Europe/Moscow"  # site.timezone when config.yaml names none
MAX_CONFIG_BYTES = 1_000_000


def _data(root: Path) -> dict:
    """ROOT/config.yaml as YAML, unchecked ({} when it cannot be read)."""
    path = root / CONFIG
    if links.is_link(path) or not path.is_file():
        return {}
    try:
        text, _problems = decode(links.read(path), CONFIG, MAX_CONFIG_BYTES)
    except OSError:
        return {}
    data, _lines, problems = yamlsafe.load(text, CONFIG) if text is not None else (None, {}, [])
    return data if isinstance(data, dict) and not problems else {}


def outbox_folder(root: Path) -> str:
    """outbox.folder of ROOT/config.yaml, for `build` to refuse a bad one before it writes
    a byte without validating the whole config twice (load/config.py validates it, and
    a build whose config.yaml is in error stops anyway)."""
    outbox = _data(root).get("outbox")
    folder = outbox.get("folder") if isinstance(outbox, dict) else None
    return folder if isinstance(folder, str) and folder else "outbox"


def site_zone(root: Path) -> tzinfo:
    """site.timezone of ROOT/config.yaml (its default when the key is left out).

    UTC when config.yaml cannot be read or names no known zone: the command then stops
    on that config error itself (load/config.py says which), before the time counts.
    """
    site = _data(root).get("site")
    if not isinstance(site, dict):
        return UTC
    name = site.get("timezone", DEFAULT_ZONE)
    try:
        return ZoneInfo(name) if isinstance(name, str) else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
