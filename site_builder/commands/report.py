"""Problems → what a person or a CI system reads: text, JSON or GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Iterable

from site_builder.errors import Problem
from site_builder.i18n import describe, word


def as_text(problems: Iterable[Problem], lang: str, show_info: bool = True) -> str:
    lines = []
    for p in problems:
        if p.severity == "info" and not show_info:
            continue
        message, hint = describe(p, lang)
        where = f"{p.path}:{p.line}" if p.line else p.path
        lines.append(f"{where}: {p.severity} {p.code} {message}")
        if hint:
            lines.append(f"    {word('hint', lang)}: {hint}")
    return "\n".join(lines)


def as_dict(p: Problem, lang: str) -> dict:
    """One problem as machine-readable data (JSON output, the preview overlay)."""
    message, hint = describe(p, lang)
    return {
        "path": p.path,
        "line": p.line,
        "severity": p.severity,
        "code": p.code,
        "message": message,
        "hint": hint,
        "args": dict(p.args),
    }


def as_json(problems: Iterable[Problem], lang: str) -> str:
    return json.dumps([as_dict(p, lang) for p in problems], ensure_ascii=False, indent=1)


def as_github(problems: Iterable[Problem], lang: str) -> str:
    """GitHub Actions workflow commands: ::error file=…,line=…,title=CODE::message — hint."""
    kinds = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for p in problems:
        message, hint = describe(p, lang)
        text = f"{message} — {hint}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = p.path.replace(",", "%2C").replace(":", "%3A")
        lines.append(f"::{kinds[p.severity]} file={path},line={max(p.line, 1)},title={p.code}::{text}")
    return "\n".join(lines)


def summary(problems: list[Problem], lang: str) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    return word("{errors} error(s), {warnings} warning(s)", lang).format(errors=errors, warnings=warnings)
