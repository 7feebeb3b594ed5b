"""Safe YAML for editors' files: C loader, line numbers, no aliases, no duplicate keys.

PyYAML silently keeps the last of two equal keys and expands aliases lazily, which is how
a "billion laughs" document blows up later in validation.  Here every document is
composed into nodes first; aliases and duplicate keys are reported with their line, and a
map from each key path to its line is kept so later validation can name the line.
Timestamps stay strings: dates are parsed by the models, in the site's time zone.
"""

from __future__ import annotations

import contextlib
from typing import Any

import yaml

from site_builder.errors import Problem, problem

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps timestamps as text."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)

Path = tuple[str | int, ...]
LineMap = dict[Path, int]
MAX_NODES = 20_000
MAX_DEPTH = 32


def _walk(
    node: yaml.Node, path: Path, lines: LineMap, seen: set[int], out: list[tuple[str, int, dict]]
) -> None:
    if id(node) in seen:
        out.append(("YAML_ALIAS", node.start_mark.line, {}))
        return
    seen.add(id(node))
    if len(seen) > MAX_NODES:
        out.append(("YAML_TOO_BIG", node.start_mark.line, {"limit": MAX_NODES}))
        raise _Stop
    if len(path) > MAX_DEPTH:  # and the walk stays far from Python's recursion limit
        out.append(("YAML_TOO_DEEP", node.start_mark.line, {"limit": MAX_DEPTH}))
        raise _Stop
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            line = key_node.start_mark.line
            if key in first:
                out.append(("YAML_DUPLICATE_KEY", line, {"key": key, "first": first[key]}))
            first.setdefault(key, line)
            lines.setdefault((*path, key), line)
            _walk(value_node, (*path, key), lines, seen, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault((*path, index), item.start_mark.line)
            _walk(item, (*path, index), lines, seen, out)


class _Stop(Exception):
    pass


def load(text: str, path: str, first_line: int = 1) -> tuple[Any, LineMap, list[Problem]]:
    """Parse one YAML document; return (data, key-path → line, problems).

    `first_line` is the file line of the text's first line, so every reported line is a
    line of the file.  On any problem the data is None.
    """
    offset = first_line - 1
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if exc.context_mark and "end of stream" in (exc.problem or ""):
                mark = exc.context_mark  # an unclosed quote or bracket: point at where it opens
            line = (mark.line if mark else 0) + 1 + offset
            detail = (exc.problem or str(exc)).strip()
            bad_line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
            if "nesting depth" in detail:  # PyYAML >= 6.0.4 stops deep nesting in its parser
                return None, {}, [problem(path, line, "error", "YAML_TOO_DEEP", limit=MAX_DEPTH)]
            code = (
                "YAML_TAB"
                if "\t" in bad_line[: len(bad_line) - len(bad_line.lstrip())] or "tab" in detail
                else "YAML_SYNTAX"
            )
            return None, {}, [problem(path, line, "error", code, detail=detail)]
        except yaml.YAMLError as exc:
            return None, {}, [problem(path, first_line, "error", "YAML_SYNTAX", detail=str(exc).strip())]
        if node is None:
            return {}, {}, []
        lines: LineMap = {(): node.start_mark.line + 1 + offset}
        found: list[tuple[str, int, dict]] = []
        with contextlib.suppress(_Stop):
            _walk(node, (), lines, set(), found)
        if found:
            problems = []
            for code, ln, args in found:
                if "first" in args:
                    args["first"] += 1 + offset
                if code == "YAML_ALIAS" and any(p.code == code for p in problems):
                    continue
                problems.append(problem(path, ln + 1 + offset, "error", code, **args))
            return None, {}, problems
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = (mark.line if mark else 0) + 1 + offset
            return (
                None,
                {},
                [problem(path, line, "error", "YAML_SYNTAX", detail=(exc.problem or str(exc)).strip())],
            )
        except (ValueError, TypeError) as exc:
            return None, {}, [problem(path, first_line, "error", "YAML_SYNTAX", detail=str(exc))]
        return data, {k: v + 1 + offset for k, v in lines.items() if k != ()} | {(): lines[()]}, []
    finally:
        loader.dispose()


def line_for(lines: LineMap, loc: Path, default: int) -> int:
    """The line of the deepest known prefix of `loc`."""
    for end in range(len(loc), 0, -1):
        found = lines.get(tuple(loc[:end]))
        if found is not None:
            return found
    return default
