"""Helpers for the boundary, letter-case and hostile-output tests (a plain module, like sitekit)."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from site_builder.load import yamlsafe
from site_builder.load.approval import content_hash

# 12:00 in the site's time zone (Asia/Bishkek, +06:00, no DST), given to the build in UTC.
NOW = datetime(2026, 11, 22, 6, 0, 0, tzinfo=UTC)
SITE_ZONE = timezone(timedelta(hours=6))


def stamp(moment: datetime) -> str:
    """A moment as the front matter writes it, in the site's zone (the build gets UTC)."""
    return moment.astimezone(SITE_ZONE).isoformat()


def shifted(seconds: float, base: datetime = NOW) -> str:
    return stamp(base + timedelta(seconds=seconds))


def identity(rel: str, data: dict | None = None, site_lang: str = "ru") -> tuple[str, str]:
    """The (key, lang) the approval hash binds an item at content/REL to, worked out here
    as the docs say (not by the loader): its `id` or `<folder>/<stem>` (a bundle's folder
    is its stem), and its `lang`, its name's language suffix or the site's language."""
    data = data or {}
    folder, _, name = rel.rpartition("/")
    stem = name.removesuffix(".md")
    lang = site_lang
    base, dot, suffix = stem.rpartition(".")
    if dot and suffix in ("ru", "ky", "en"):
        stem, lang = base, suffix
    if stem == "index":
        folder, _, stem = folder.rpartition("/")
    return str(data.get("id") or f"{folder}/{stem}"), str(data.get("lang") or lang)


def approval_hash(text: str, rel: str, attachments: dict[str, bytes] | None = None) -> str:
    """The approval hash of an item's text at content/REL with these attachments (name → bytes)."""
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    data, _lines, problems = yamlsafe.load(head, "x")
    assert not problems, problems
    pairs = [(name, hashlib.sha256(raw).hexdigest()) for name, raw in (attachments or {}).items()]
    return content_hash(data, body, *identity(rel, data), pairs)


def hashed(text: str, rel: str, attachments: dict[str, bytes] | None = None) -> str:
    """A sitekit.item() text at content/REL with the approval's hash added (its approval
    block is last), `attachments` (name → bytes) being the files of its folder."""
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    assert head.split("\n")[-3] == "approval:", head  # by:, at: follow; hash: goes last
    return f'---\n{head}\n  hash: "{approval_hash(text, rel, attachments)}"\n---\n{body}'


def output_files(output: Path) -> dict[str, bytes]:
    """Every file under output/ (gzip unpacked), and every path as a file of its own name."""
    found: dict[str, bytes] = {}
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        found["name:" + rel] = rel.encode()
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                with contextlib.suppress(OSError, EOFError, zlib.error):
                    data = gzip.decompress(data)
            found[rel] = data
    return found


def holding(output: Path, needle: str | bytes) -> list[str]:
    """The output files (or names) that contain `needle`."""
    raw = needle.encode() if isinstance(needle, str) else needle
    return sorted(rel for rel, data in output_files(output).items() if raw in data)
