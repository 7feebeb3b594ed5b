"""What a first search query downloads on the benchmark site: at most 60 KB gzipped (issue 28).

    python bench/search_budget.py --size 2000            # build the bench site once, then measure
    python bench/search_budget.py --output DIR           # measure an output folder already built

A first query fetches `search/ru/index.json`, the term shards of its words (and of the
word one edit away when a word finds nothing), and for its first ten results their
metadata chunks (`d/`) and texts (`f/`, the excerpts).  The client's lookup is
tests/search_reader.py (the script's, in Python; the browser tests hold them to each
other); each file is gzipped on its own, as a server sends it.  Standard library only;
the build runs in the project's venv like bench/run.py's.  Exit status 1 when a query
goes over the budget.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
from pathlib import Path

import run

BUDGET = 60 * 1024
QUERIES = [
    "капитальный ремонт",
    "капитального ремонта домов",
    "отремонтируют",
    "отопительный сезон",
    "горячей воды",
    "вода",
    "улица Садовая",
    "сад",
    "благоустройство дворов",
    "контейнерные площадки",
    "тепловых сетей",
    "Ленинском районе",
    "диспетчерской службы",
    "депутаты",
    "горожане",
    "мэрии",
    "вывоз мусора",
    "пресс-конференция",
    "аккредитация",
    "1072,4",
    "8:00",
    "1 500",
    "отопленея",  # a typo
    "жители могут проверить график работ",
]


def reader_class():
    spec = importlib.util.spec_from_file_location("search_reader", run.REPO / "tests" / "search_reader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Reader


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--output", type=Path, help="a built site's output folder (no build)")
    parser.add_argument("--work", type=Path, default=run.BENCH / "work")
    parser.add_argument("--shared")
    parser.add_argument("--python")
    args = parser.parse_args(argv)
    output = args.output
    if output is None:
        logs = args.work / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        corpus = args.work / "corpus" / f"n{args.size}"
        run.ensure_corpus(run.find_shared(args.shared), corpus, args.size, None, False, logs)
        site = args.work / "search-budget" / f"n{args.size}"
        run.assemble_site(corpus, site, "calendar")
        output = site / "output"
        python = run.project_python(args.python)
        cmd = [python, "-m", "site_builder", "build", "--root", site, "--now", run.NOW, "--quiet"]
        subprocess.run([str(c) for c in cmd], check=True, cwd=run.REPO, stdout=subprocess.DEVNULL)
    reader = reader_class()(output, "ru")
    rows = []
    for query in QUERIES:
        total, count, found = reader.first_query(query)
        rows.append((query, total, count, found))
    count = reader.meta["count"]
    print(f"First-query download, {count} items (search/ru), budget {BUDGET // 1024} KB gzipped\n")
    print("| query | results | files | KB gzipped |\n|---|---:|---:|---:|")
    for query, total, count, found in rows:
        print(f"| {query} | {found} | {count} | {total / 1024:.1f} |")
    sizes = [total for _, total, _, _ in rows]
    print(f"\nmedian {statistics.median(sizes) / 1024:.1f} KB, max {max(sizes) / 1024:.1f} KB")
    return 1 if max(sizes) > BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
