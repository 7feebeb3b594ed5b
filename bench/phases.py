"""Where a build's time goes, by phase, from a py-spy profile (`--format raw`).

    py-spy record --subprocesses --rate 200 --format raw -o build.txt -- \\
        python -m site_builder build --root SITE --now ... --quiet
    python bench/phases.py build.txt [--top 15]

Each stack is given to the phase of its innermost frame that names one (PHASES, in
order: the first rule a frame matches wins), so Jinja2 called from the feeds counts as
templates and the feeds' own code as feeds; a stack that imports a module counts as
imports wherever it is.  py-spy samples CPU only (idle waits are not sampled), so the
shares are of CPU time, over the main process and its pool workers together.
Standard library only.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

# (phase, substrings of a frame's "function (file:line)"); the first rule a frame matches.
PHASES: list[tuple[str, tuple[str, ...]]] = [
    ("markdown", ("load/markdown.py", "speed/markdown_rs.py", "markdown_it")),
    ("search index", ("outputs/search/",)),
    ("feeds", ("outputs/feeds.py", "outputs/jsonfeed.py")),
    ("calendars", ("outputs/calendars.py",)),
    ("open data", ("outputs/opendata/",)),
    ("sitemap, structured data", ("outputs/sitemap.py", "outputs/structured.py")),
    ("templates (Jinja2)", ("jinja2/", "theme/templates/", "outputs/templating.py")),
    ("pages: keys and contexts", ("site_builder/outputs/",)),
    ("write / swap", ("site_builder/write/",)),
    ("judge (rules, approvals)", ("site_builder/judge/",)),
    ("view (the published site)", ("site_builder/view/",)),
    ("cache", ("speed/cache.py", "speed/uptodate.py", "speed/session.py", "speed/signing.py")),
    ("load / parse (YAML, model, checks)", ("site_builder/load/", "yaml/", "pydantic")),
    ("process pool", ("multiprocessing/", "concurrent/futures", "speed/parallel.py", "pickle")),
]
IMPORTS = "imports"
OTHER = "other"
_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")


def classify(frames: list[str]) -> str:
    """The phase of one stack (frames from the outermost to the innermost)."""
    if any("importlib._bootstrap" in frame for frame in frames):
        return IMPORTS
    for frame in reversed(frames):
        for phase, needles in PHASES:
            if any(needle in frame for needle in needles):
                return phase
    return OTHER


def parse(lines: list[str]) -> tuple[Counter, Counter, Counter]:
    """Samples per phase, per process (main or worker) and, for `other`, per innermost frame."""
    phases: Counter = Counter()
    processes: Counter = Counter()
    other: Counter = Counter()
    for line in lines:
        match = _LINE.match(line.rstrip("\n"))
        if not match:
            continue
        frames = match["stack"].split(";")
        count = int(match["count"])
        pids = [frame for frame in frames if frame.startswith("process ")]
        frames = [frame for frame in frames if not frame.startswith("process ")]
        phase = classify(frames)
        phases[phase] += count
        processes["main" if len(set(pids)) <= 1 else "workers"] += count
        if phase == OTHER and frames:
            other[frames[-1]] += count
    return phases, processes, other


def report(phases: Counter, processes: Counter, other: Counter, rate: float, top: int) -> str:
    total = sum(phases.values()) or 1
    lines = ["| phase | CPU s | share |", "|---|---:|---:|"]
    for phase, count in phases.most_common():
        lines.append(f"| {phase} | {count / rate:.2f} | {count / total:.1%} |")
    lines.append(f"| **all** | **{total / rate:.2f}** | 100 % |")
    lines.append("")
    lines.append(
        "By process: "
        + ", ".join(f"{name} {count / rate:.2f} s ({count / total:.0%})" for name, count in processes.items())
    )
    if other:
        lines.append("")
        lines.append(f"`other`, innermost frames (top {top}):")
        for frame, count in other.most_common(top):
            lines.append(f"- {frame}: {count / rate:.2f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("raw", type=Path, help="py-spy record --format raw output")
    parser.add_argument("--rate", type=float, default=200, help="py-spy's --rate (samples per second)")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args(argv)
    text = args.raw.read_text(encoding="utf-8", errors="replace").splitlines()
    print(report(*parse(text), rate=args.rate, top=args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
