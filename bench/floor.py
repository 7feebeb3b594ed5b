"""The bare-stack floor: the least work any Python generator on this stack must do per item.

Read every .md file under CONTENT, cut the YAML front matter, parse it with PyYAML's
CSafeLoader, render the body with the fastest Markdown renderer site_builder itself uses —
markdown-it-pyrs (Rust) with site_builder's rules (CommonMark + tables + strikethrough, no
raw HTML), markdown-it-py with the same set-up where pyrs is not installed — pass both
through a trivial jinja2 template and write one HTML file per item.  Nothing else: no
validation, no lists, no feeds, no cache, and none of the checks site_builder makes before
it trusts pyrs with a body (speed/markdown_rs.py): the floor is the limit of the stack.

    python bench/floor.py --content CONTENT --out OUT [--procs 2] [--markdown pyrs|py]

--procs 1 runs in this process; --procs N>1 uses a multiprocessing Pool of N over chunks.
Needs the project's venv (pyyaml, markdown-it-py, jinja2); bench/run.py runs it from there.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup

try:
    import markdown_it_pyrs
except ImportError:  # the floor then renders with markdown-it-py, as site_builder would
    markdown_it_pyrs = None

# site_builder's rules as pyrs names them (site_builder/speed/markdown_rs.py).
PYRS_RULES = [
    *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference"),
    *("autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline"),
    *("table", "strikethrough"),
]

TEMPLATE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>{{ meta.title }}</title></head>
<body><article>
<h1>{{ meta.title }}</h1>
<p><time>{{ meta.date }}</time>
{%- for tag in meta.tags or [] %} <a href="/tags/{{ tag }}/">{{ tag }}</a>{% endfor %}</p>
{{ body }}
</article></body></html>
"""

_state: dict = {}


def make_markdown(which: str):
    """The renderer: pyrs with site_builder's rules, or markdown-it-py's CommonMark set-up."""
    if which == "pyrs" and markdown_it_pyrs is not None:
        return markdown_it_pyrs.MarkdownIt("zero").enable_many(PYRS_RULES)
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    return md


def _setup(which: str = "pyrs") -> None:
    """Per-process parser and template (built once per worker, not per item)."""
    md = make_markdown(which)
    env = jinja2.Environment(autoescape=True)
    _state["md"] = md
    _state["template"] = env.from_string(TEMPLATE)


def _split(text: str) -> tuple[str, str]:
    if not text.startswith("---\n"):
        return "", text
    end = text.find("\n---\n", 3)
    if end < 0:
        return "", text
    return text[4:end], text[end + 5 :]


def render_chunk(job: tuple[str, str, list[str]]) -> int:
    """Render the files of one chunk; return how many were written."""
    content, out, rels = job
    md, template = _state["md"], _state["template"]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    made: set[str] = set()
    for rel in rels:
        text = Path(content, rel).read_text(encoding="utf-8")
        front, body = _split(text)
        meta = yaml.load(front, Loader=loader) or {}
        html = template.render(meta=meta, body=Markup(md.render(body)))
        target = os.path.join(out, rel[:-3] + ".html")
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(html)
    return len(rels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--content", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--procs", type=int, default=1)
    parser.add_argument(
        "--markdown",
        choices=("pyrs", "py"),
        default="pyrs",
        help="pyrs (default, if installed) or markdown-it-py",
    )
    args = parser.parse_args(argv)
    if args.markdown == "pyrs" and markdown_it_pyrs is None:
        print("floor: markdown-it-pyrs is not installed; rendering with markdown-it-py", file=sys.stderr)

    content = str(args.content)
    rels = sorted(
        os.path.relpath(os.path.join(here, name), content)
        for here, _dirs, files in os.walk(content)
        for name in files
        if name.endswith(".md")
    )
    out = str(args.out)
    if args.procs <= 1:
        _setup(args.markdown)
        done = render_chunk((content, out, rels))
    else:
        import multiprocessing

        # A few chunks per worker so an unlucky chunk of long items does not leave a core idle.
        count = max(1, min(len(rels), args.procs * 8))
        chunks = [(content, out, rels[i::count]) for i in range(count)]
        with multiprocessing.Pool(args.procs, initializer=_setup, initargs=(args.markdown,)) as pool:
            done = sum(pool.map(render_chunk, chunks, chunksize=1))
    if done != len(rels):
        print(f"floor: wrote {done} of {len(rels)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
