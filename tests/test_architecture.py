"""The shape of the code: imports run one way, modules stay small, the pipeline reads in one screen.

These read the source (no import of the package is needed), so they fail the moment a
change crosses a line that docs/architecture.md draws.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
README = PACKAGE.parent / "README.md"

# Bottom to top; a module may import from its own layer and the layers below it, never above.
LAYERS = [
    ("base", r"site_builder|site_builder\.(errors|diagnostics(\..+)?|i18n)"),
    ("speed tools", r"site_builder\.speed(\.(cache|signing|uptodate|parallel|markdown_rs|session))?"),
    ("load", r"site_builder\.load(\..+)?"),
    ("judge", r"site_builder\.judge(\..+)?"),
    ("view", r"site_builder\.(site|view)(\..+)?"),
    ("outputs", r"site_builder\.outputs(\..+)?"),
    ("write", r"site_builder\.write(\..+)?"),
    ("orchestrator", r"site_builder\.build"),
    ("commands", r"site_builder\.(commands(\..+)?|diagnostics_doc)"),
    ("cli", r"site_builder\.(cli|__main__)"),
]
MOST_LINES = 450
ORCHESTRATOR_LINES = 60
MOST_PARAMETERS = 6


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module of the package this one imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{path}: a relative import (the package imports by full name)"
            base = node.module or ""
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> int:
    for rank, (_, pattern) in enumerate(LAYERS):
        if re.fullmatch(pattern, name):
            return rank
    raise AssertionError(f"{name} is in no layer: add it to LAYERS and to docs/architecture.md")


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        _layer(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down(name: str) -> None:
    above = [other for other in GRAPH[name] if _layer(other) > _layer(name)]
    upward = sorted(f"{other} ({LAYERS[_layer(other)][0]})" for other in above)
    assert not upward, f"{name} ({LAYERS[_layer(name)][0]}) imports from a layer above: {upward}"


def test_no_import_circles() -> None:
    """No module reaches itself through its imports (function-local ones included)."""
    circles = []
    for start in sorted(GRAPH):
        stack, seen = [(start, (start,))], set()
        while stack:
            name, path = stack.pop()
            for other in sorted(GRAPH[name]):
                if other == start:
                    circles.append(" → ".join((*path, start)))
                elif other not in seen:
                    seen.add(other)
                    stack.append((other, (*path, other)))
    assert not circles, "\n".join(circles[:10])


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MOST_LINES, f"{MODULES[name]} has {lines} lines: split it by what it owns"


def _functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((f"{name}.{node.name}:{node.lineno}", node))
    return found


def test_no_function_takes_more_than_six_parameters() -> None:
    crowded = []
    for where, node in _functions():
        arguments = node.args
        names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
        names = [n for n in names if n not in ("self", "cls")]
        if len(names) > MOST_PARAMETERS:
            crowded.append(f"{where} takes {len(names)}")
    assert not crowded, crowded


def test_the_orchestrator_reads_in_one_screen() -> None:
    """`check` and `build`, the pipeline from config.yaml to output/, in at most 60 lines."""
    tree = ast.parse(MODULES["site_builder.build"].read_text(encoding="utf-8"))
    steps = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    lines = sum(steps[name].end_lineno - steps[name].lineno + 1 for name in ("check", "build"))
    assert lines <= ORCHESTRATOR_LINES, f"check + build take {lines} lines"


def test_the_readme_layout_matches_the_tree() -> None:
    """Every folder and top-level module of the package is in the README's layout, and the
    layout names nothing that is not there."""
    text = README.read_text(encoding="utf-8")
    layout = text.split("## Layout", 1)[1].split("```", 2)[1]
    named = set(re.findall(r"^\s{2}([\w.]+/?)", layout, re.M)) - {"site_builder/"}
    present = {p.name + "/" for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")}
    present |= {p.name for p in PACKAGE.glob("*.py") if not p.name.startswith("__")}
    assert named == present, f"README names {sorted(named - present)}, misses {sorted(present - named)}"
