"""The approval hash: a SHA-256 over the canonical form of an item's content."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# Keys that are not content: who approved it, and the workflow state.
NOT_CONTENT = ("approval", "status")


def canonical(front_matter: dict[str, Any], body: str) -> bytes:
    """Front matter without approval/status as sorted JSON, then the body with blank ends trimmed.

    Parsed data, not raw text, is hashed, so re-indenting YAML or CRLF line ends do not
    void an approval; any change of a value or of the body's text does.
    """
    data = {k: v for k, v in front_matter.items() if k not in NOT_CONTENT}
    head = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    text = "\n".join(line.rstrip() for line in body.strip("\n").split("\n"))
    return head.encode("utf-8") + b"\n---\n" + text.encode("utf-8")


def content_hash(front_matter: dict[str, Any], body: str) -> str:
    return "sha256:" + hashlib.sha256(canonical(front_matter, body)).hexdigest()
