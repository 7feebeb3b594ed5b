"""The documentation (issue 23): a short README, docs/ by reader, and nothing in them stale.

- docs/diagnostics.md is what `python -m site_builder.diagnostics_doc` writes today;
- the README stays under 8 KB and keeps the two set-up commands, the test one as .ci/run runs it;
- every relative link in the README and docs/ reaches a file, and its #anchor a heading there.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

from site_builder import diagnostics_doc
from site_builder.diagnostics import CODES

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = REPO / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
BUILD_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/site-builder build"


def ci_test_command() -> str:
    """The command .ci/run runs: its last line that is not a comment."""
    lines = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")][-1].strip()


def code_lines(text: str) -> list[str]:
    """The lines of every code block (indented or fenced) of a Markdown page."""
    tokens = MarkdownIt("commonmark").parse(text)
    blocks = [t.content for t in tokens if t.type in ("code_block", "fence")]
    return [line.strip() for block in blocks for line in block.splitlines()]


def test_diagnostics_doc_is_generated_from_the_codes():
    committed = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    assert committed == diagnostics_doc.render(), (
        "docs/diagnostics.md differs from site_builder/diagnostics/ and the Russian catalog; "
        f"regenerate it: PYTHONPATH=. {diagnostics_doc.COMMAND}"
    )
    headings = re.findall(r"^## ([A-Z_]+)$", committed, re.M)
    assert headings == list(CODES)


def test_readme_is_short():
    size = len(README.read_bytes())
    assert size <= 8192, f"README.md is {size} bytes; the limit is 8192: move details to docs/"


def test_readme_keeps_both_setup_commands():
    ci = ci_test_command()
    assert ci.startswith("python3 -m venv .venv") and "pytest" in ci
    commands = code_lines(README.read_text(encoding="utf-8"))
    assert BUILD_COMMAND in commands, "the README lost its install-and-build command"
    assert ci in commands, f"the README's test command must be .ci/run's, verbatim:\n{ci}"


def slug(heading: str, seen: dict[str, int]) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    base = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if not count else f"{base}-{count}"


@cache
def anchors(page: Path) -> set[str]:
    tokens = MarkdownIt("commonmark").enable("table").parse(page.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    return {
        slug("".join(c.content for c in tokens[i + 1].children or ()), seen)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    }


def links(page: Path) -> list[str]:
    tokens = MarkdownIt("commonmark").enable("table").parse(page.read_text(encoding="utf-8"))
    return [
        str(child.attrs["href"])
        for token in tokens
        if token.type == "inline"
        for child in token.children or ()
        if child.type == "link_open"
    ]


def test_docs_exist_for_each_reader():
    for name in ("README.md", "guide.ru.md", "reference.md", "diagnostics.md", "architecture.md"):
        assert (DOCS / name).is_file(), f"docs/{name} is missing"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_lead_somewhere(page):
    broken = []
    for href in links(page):
        parts, shown = urlsplit(href), unquote(href)
        if parts.scheme or parts.netloc:
            continue
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
        if not target.exists():
            broken.append(f"{shown}: no such file")
        elif parts.fragment and target.suffix == ".md" and unquote(parts.fragment) not in anchors(target):
            broken.append(f"{shown}: no heading with that anchor in {target.relative_to(REPO)}")
    assert not broken, f"{page.relative_to(REPO)}:\n" + "\n".join(broken)
