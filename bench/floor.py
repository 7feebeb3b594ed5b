"""The bare-stack floor: the least work any Python generator on this stack must do per item.

Read every .md file under CONTENT, cut the YAML front matter, parse it with PyYAML's
CSafeLoader, render the body with markdown-it-py (the same CommonMark + tables +
strikethrough set-up as site_builder), pass both through a trivial jinja2 template and
write one HTML file per item.  Nothing else: no validation, no lists, no feeds, no cache.

    python bench/floor.py --content CONTENT --out OUT [--procs 2]

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


def _setup() -> None:
    """Per-process parser and template (built once per worker, not per item)."""
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
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
    args = parser.parse_args(argv)

    content = str(args.content)
    rels = sorted(
        os.path.relpath(os.path.join(here, name), content)
        for here, _dirs, files in os.walk(content)
        for name in files
        if name.endswith(".md")
    )
    out = str(args.out)
    if args.procs <= 1:
        _setup()
        done = render_chunk((content, out, rels))
    else:
        import multiprocessing

        # A few chunks per worker so an unlucky chunk of long items does not leave a core idle.
        count = max(1, min(len(rels), args.procs * 8))
        chunks = [(content, out, rels[i::count]) for i in range(count)]
        with multiprocessing.Pool(args.procs, initializer=_setup) as pool:
            done = sum(pool.map(render_chunk, chunks, chunksize=1))
    if done != len(rels):
        print(f"floor: wrote {done} of {len(rels)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
