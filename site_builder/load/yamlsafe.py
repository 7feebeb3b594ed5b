"""Safe YAML for editors' files: C loader, line numbers, no aliases, no duplicate keys,
keys that are text, no invisible control characters.

PyYAML silently keeps the last of two equal keys and expands aliases lazily, which is how
a "billion laughs" document blows up later in validation.  Here every document is
composed into nodes first; aliases and duplicate keys are reported with their line, and a
map from each key path to its line is kept so later validation can name the line.
Timestamps stay strings: dates are parsed by the models, in the site's time zone.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from typing import Any, NamedTuple

import yaml

from site_builder.errors import Problem, problem
from site_builder.load import chars

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps timestamps as text, and remembers how it resolved a scalar."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        # The tag of an untagged node depends on these three alone (no path resolvers are
        # added); front matter repeats its keys and many values in every file.
        if kind is not yaml.ScalarNode or len(value) > 40:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) > 20_000:
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag


_RESOLVED: dict[tuple, str] = {}


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)

Path = tuple[str | int, ...]
LineMap = dict[Path, int]
MAX_NODES = 20_000
MAX_DEPTH = 32


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# A key must be text (a date stays text, see _Loader); a merge key `<<` is PyYAML's to make.
_BINARY = "tag:yaml.org,2002:binary"
_KEY_TAGS = {_STR, "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge"}
# Scalar tags made here without PyYAML's constructor (a third of the time of a load);
# any other tag (a merge key, !!binary, a local tag) has the whole document constructed
# by PyYAML, which also reports what it cannot construct.
_SCALARS = {
    _STR: None,
    "tag:yaml.org,2002:timestamp": None,  # kept as text (see _Loader)
    "tag:yaml.org,2002:null": "construct_yaml_null",
    "tag:yaml.org,2002:bool": "construct_yaml_bool",
    "tag:yaml.org,2002:int": "construct_yaml_int",
    "tag:yaml.org,2002:float": "construct_yaml_float",
}


class _Walk(NamedTuple):
    """What one walk over a document carries: the keys' lines it notes, the nodes it has
    seen, the problems it finds, the loader that makes values (None: only check) and
    whether text is checked for refused characters."""

    lines: LineMap
    seen: set[int]
    out: list[tuple[str, int, dict]]
    loader: yaml.BaseLoader | None
    texts: bool


def _walk(node: yaml.Node, path: Path, walk: _Walk) -> Any:
    """Check a node (aliases, size, depth, duplicate keys, keys that are not text, and with
    `texts` refused characters in text) and note its keys' lines; with a `loader`, also make
    its value as PyYAML's safe constructor would (`_Generic` for what only PyYAML makes)."""
    lines, seen, out, loader, texts = walk
    if id(node) in seen:
        out.append(("YAML_ALIAS", node.start_mark.line, {}))
        return None
    seen.add(id(node))
    if len(seen) > MAX_NODES:
        out.append(("YAML_TOO_BIG", node.start_mark.line, {"limit": MAX_NODES}))
        raise _Stop
    if len(path) > MAX_DEPTH:  # and the walk stays far from Python's recursion limit
        out.append(("YAML_TOO_DEEP", node.start_mark.line, {"limit": MAX_DEPTH}))
        raise _Stop
    if isinstance(node, yaml.MappingNode):
        if loader and node.tag != _MAP:
            raise _Generic
        first: dict[str, int] = {}
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            scalar = isinstance(key_node, yaml.ScalarNode)
            key = key_node.value if scalar else "?"
            line = key_node.start_mark.line
            if not scalar or key_node.tag not in _KEY_TAGS:  # `1:`, `yes:`, `~:`, `[a]:` …
                shown = chars.shown(key) if scalar else "[…]" if key_node.tag == _SEQ else "{…}"
                out.append(("KEY_NOT_TEXT", line, {"key": shown}))
                continue
            if texts:
                _check_text(key, (*path, key), line, out)
            if key in first:
                out.append(("YAML_DUPLICATE_KEY", line, {"key": key, "first": first[key]}))
            first.setdefault(key, line)
            lines.setdefault((*path, key), line)
            value = _walk(value_node, (*path, key), walk)
            if loader:
                if not scalar or key_node.tag not in _SCALARS:  # a merge key, a list as a key …
                    raise _Generic
                mapping[_scalar(key_node, loader)] = value
        return mapping
    if isinstance(node, yaml.SequenceNode):
        if loader and node.tag != _SEQ:
            raise _Generic
        sequence = []
        for index, item in enumerate(node.value):
            lines.setdefault((*path, index), item.start_mark.line)
            sequence.append(_walk(item, (*path, index), walk))
        return sequence
    if texts:
        text = node.value
        if node.tag == _BINARY:  # bytes, which pydantic reads as UTF-8 text
            with contextlib.suppress(ValueError, binascii.Error):
                text = base64.decodebytes(text.encode("ascii")).decode("utf-8", "replace")
        _check_text(text, path, node.start_mark.line, out)
    if not loader:
        return None
    if node.tag not in _SCALARS:
        raise _Generic
    return _scalar(node, loader)


def _check_text(text: str, path: Path, line: int, out: list[tuple[str, int, dict]]) -> None:
    """A character no output may hold (chars.py) in a key or value, as only an escape such
    as "\\v" or "\\uFFFE" or a !!binary value makes one once the text itself has none."""
    char = chars.first_bad(text)
    if char is not None:
        key = chars.shown(".".join(str(part) for part in path)) or "(front matter)"
        out.append(("BAD_TEXT", line, {"key": key, "char": chars.label(char), "what": chars.name(char)}))


def _scalar(node: yaml.ScalarNode, loader: yaml.BaseLoader) -> Any:
    method = _SCALARS[node.tag]
    if method is None:
        return node.value
    try:
        return getattr(loader, method)(node)
    except (ValueError, TypeError):  # `!!int abc`, `0b_`: PyYAML's constructor says what is wrong
        raise _Generic from None


class _Generic(Exception):
    """A node `_walk` leaves to PyYAML's constructor."""


class _Stop(Exception):
    pass


def load(text: str, path: str, first_line: int = 1) -> tuple[Any, LineMap, list[Problem]]:
    """Parse one YAML document; return (data, key-path → line, problems).

    `first_line` is the file line of the text's first line, so every reported line is a
    line of the file.  On any problem the data is None.
    """
    offset = first_line - 1
    raw = chars.scan(text, path, first_line)  # the characters themselves: line and column
    if raw:
        return None, {}, raw
    texts = "\\" in text or "!" in text  # only an escape or a tag can make one now
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
        data, generic = None, False
        try:
            data = _walk(node, (), _Walk(lines, set(), found, loader, texts))
        except _Stop:
            pass
        except _Generic:  # checked still, by a walk that makes nothing
            generic, found = True, []
            lines = {(): lines[()]}
            with contextlib.suppress(_Stop):
                _walk(node, (), _Walk(lines, set(), found, None, texts))
        if found:
            problems = []
            for code, ln, args in found:
                if "first" in args:
                    args["first"] += 1 + offset
                if code == "YAML_ALIAS" and any(p.code == code for p in problems):
                    continue
                problems.append(problem(path, ln + 1 + offset, "error", code, **args))
            return None, {}, problems
        if not generic:
            return data, _shifted(lines, offset), []
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
        return data, _shifted(lines, offset), []
    finally:
        loader.dispose()


def _shifted(lines: LineMap, offset: int) -> LineMap:
    """Key lines as file lines (the root's is one already)."""
    return {k: v + 1 + offset for k, v in lines.items() if k != ()} | {(): lines[()]}


def line_for(lines: LineMap, loc: Path, default: int) -> int:
    """The line of the deepest known prefix of `loc`."""
    for end in range(len(loc), 0, -1):
        found = lines.get(tuple(loc[:end]))
        if found is not None:
            return found
    return default
