"""The site's time zone, read from config.yaml alone: what a date-time given on the
command line without an offset (`--now`) means, known before the rest of the generator
is imported (`build` with nothing to do answers without pydantic or the models).

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


def site_zone(root: Path) -> tzinfo:
    """site.timezone of ROOT/config.yaml (its default when the key is left out).

    UTC when config.yaml cannot be read or names no known zone: the command then stops
    on that config error itself (load/config.py says which), before the time counts.
    """
    path = root / CONFIG
    if links.is_link(path) or not path.is_file():
        return UTC
    try:
        text, _problems = decode(links.read(path), CONFIG, MAX_CONFIG_BYTES)
    except OSError:
        return UTC
    data, _lines, problems = yamlsafe.load(text, CONFIG) if text is not None else (None, {}, [])
    site = data.get("site") if isinstance(data, dict) and not problems else None
    if not isinstance(site, dict):
        return UTC
    name = site.get("timezone", DEFAULT_ZONE)
    try:
        return ZoneInfo(name) if isinstance(name, str) else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC
