"""Bytes → text → (YAML front matter, Markdown body), keeping file line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from site_builder.errors import Problem, problem
from site_builder.load import chars, yamlsafe

MAX_FILE_BYTES = 2_000_000


def decode(raw: bytes, path: str, limit: int = MAX_FILE_BYTES) -> tuple[str | None, list[Problem]]:
    """Decode an editor's file: size limit, no binary, UTF-8 only, no invisible control
    characters (chars.py); BOM and CRLF tolerated."""
    if len(raw) > limit:
        return None, [problem(path, 0, "error", "FILE_TOO_LARGE", size=len(raw), limit=limit)]
    if b"\x00" in raw:
        return None, [problem(path, raw[: raw.index(b"\x00")].count(b"\n") + 1, "error", "FILE_BINARY")]
    problems: list[Problem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        problems.append(problem(path, 1, "warning", "FILE_BOM"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [problem(path, line, "error", "FILE_ENCODING", position=exc.start)]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = [] if chars.surely_clean(raw) else chars.scan(text, path)
    if found:
        return None, problems + found
    return text, problems


@dataclass(frozen=True)
class Split:
    yaml: str
    body: str
    body_line: int  # file line of the body's first line


def split(text: str, path: str) -> tuple[Split | None, list[Problem]]:
    """Cut the front matter between the first two '---' lines."""
    if not text.strip():
        return None, [problem(path, 1, "error", "FILE_EMPTY")]
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, [problem(path, 1, "error", "FM_MISSING")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return Split("\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2), []
        if lines[index].rstrip() == "..." and index > 0:
            return Split("\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2), []
    return None, [problem(path, 1, "error", "FM_UNCLOSED")]


@dataclass(frozen=True)
class Document:
    """A content file's front matter as data (with key lines) and its Markdown body."""

    data: dict[str, Any]
    lines: yamlsafe.LineMap
    split: Split


def read(raw: bytes, path: str) -> tuple[Document | None, list[Problem]]:
    """Bytes → decoded text → front matter mapping + body; every failure is a Problem."""
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    parts, found = split(text, path)
    problems += found
    if parts is None:
        return None, problems
    data, lines, found = yamlsafe.load(parts.yaml, path, first_line=2)
    problems += found
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, [*problems, problem(path, 2, "error", "YAML_NOT_MAPPING")]
    return Document(data, lines, parts), problems
