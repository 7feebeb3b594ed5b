"""The approval hash: a SHA-256 over the canonical form of an item's content, bound to the
item's identity and to every attachment of its folder."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

# Keys that are not content: who approved it, the workflow state, and where the item was
# posted (an item's `posted:` is recorded after it went out and is shown nowhere: adding the
# proof must not void the approval it went out with).  A media-plan entry's `posted:` is
# content: it makes a social entry "done" on the public plan, so it is approved as that
# entry's `status: done` is.
NOT_CONTENT = ("approval", "status", "posted")


def _json(value: Any) -> bytes:
    """Sorted, compact JSON over UTF-8 (never a raw line break: it is one line)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode(
        "utf-8"
    )


def canonical(
    front_matter: dict[str, Any], body: str, key: str, lang: str, attachments: Iterable[tuple[str, str]] = ()
) -> bytes:
    """Front matter without approval/status/posted as sorted JSON, then the body with blank ends
    trimmed, then a trailer: the item's identity (`key`: its id or `<folder>/<stem>`; its
    language) and its attachments as sorted (name, SHA-256 hex of the bytes) pairs.

    Parsed data, not raw text, is hashed, so re-indenting YAML or CRLF line ends do not
    void an approval; any change of a value or of the body's text does, and so does a copy
    of the file to another path or language, or an attachment added, removed, renamed or
    replaced.  The head and the trailer are one line each, so the three parts never run
    into one another whatever the body holds.
    """
    data = {k: v for k, v in front_matter.items() if k not in NOT_CONTENT}
    text = "\n".join(line.rstrip() for line in body.strip("\n").split("\n"))
    trailer = {"item": key, "lang": lang, "attachments": sorted([name, sha] for name, sha in attachments)}
    return _json(data) + b"\n---\n" + text.encode("utf-8") + b"\n---\n" + _json(trailer)


def content_hash(
    front_matter: dict[str, Any], body: str, key: str, lang: str, attachments: Iterable[tuple[str, str]] = ()
) -> str:
    """`item.digest`: "sha256:" and the hex SHA-256 of `canonical`."""
    return "sha256:" + hashlib.sha256(canonical(front_matter, body, key, lang, attachments)).hexdigest()
