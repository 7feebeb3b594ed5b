"""Build the same sites with two versions of site_builder and show that the outputs are identical.

    python bench/equivalence.py --base <git revision> [--items 2000] [--keep]

A refactoring promises that nothing a user sees changes.  This builds, with the code of
`--base` (checked out into a temporary worktree) and with the working tree's code, side by
side and from the same inputs:

- the example site (this repository's config.yaml, content/, templates/ and static/);
- a generated corpus of `--items` items (shared/bench/gen_corpus.py, as bench/run.py makes it).

Each build runs with the same `--now`, without the cache, into its own folder; then every
file of the two outputs is compared byte for byte.  Exit 0 when every pair is identical,
1 (with the differing paths) otherwise.  Standard library only.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402  (bench/run.py: the corpus and its site, as the benchmark makes them)

EXAMPLE_NOW = "2026-11-22T12:00:00+06:00"
CORPUS_NOW = run.NOW
EXAMPLE_PARTS = ("config.yaml", "content", "templates", "static")


def build(code: Path, site: Path, out: Path, now: str) -> None:
    """One cold build of `site` into `out` with the package found under `code`."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {"PYTHONPATH": str(code)}
    argv = [sys.executable, "-m", "site_builder", "build", "--output", str(out), "--now", now]
    done = subprocess.run([*argv, "--no-cache", "--quiet"], cwd=site, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"build with {code} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def differences(left: Path, right: Path) -> list[str]:
    """Paths that are in one tree only, or whose bytes differ."""
    found: list[str] = []
    names = {p.relative_to(left) for p in left.rglob("*")} | {p.relative_to(right) for p in right.rglob("*")}
    for rel in sorted(names):
        a, b = left / rel, right / rel
        if a.is_dir() and b.is_dir():
            continue
        if not (a.is_file() and b.is_file()):
            found.append(f"only in one tree: {rel}")
        elif not filecmp.cmp(a, b, shallow=False):
            found.append(f"differs: {rel}")
    return found


def compare(name: str, base: Path, site: Path, now: str, work: Path) -> list[str]:
    outs = work / f"{name}-base", work / f"{name}-new"
    build(base, site, outs[0], now)
    build(REPO, site, outs[1], now)
    files = sum(1 for p in outs[1].rglob("*") if p.is_file())
    found = differences(*outs)
    verdict = "identical" if not found else f"{len(found)} differences"
    print(f"{name}: {files} files, {verdict}")
    return [f"{name}: {line}" for line in found]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="git revision to compare the working tree with")
    parser.add_argument("--items", type=int, default=2000, help="size of the generated corpus (0: none)")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared/ folder")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sb-equivalence-"))
    base = work / "base"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(base), args.base], check=True)
    try:
        example = work / "example"
        example.mkdir()
        for part in EXAMPLE_PARTS:
            source = REPO / part
            if source.is_dir():
                shutil.copytree(source, example / part)
            elif source.is_file():
                shutil.copy2(source, example / part)
        found = compare("example", base, example, EXAMPLE_NOW, work)
        if args.items:
            corpus = work / "corpus"
            gen = run.find_shared(str(args.shared))
            argv = [sys.executable, str(gen), "--n", str(args.items), "--out", str(corpus)]
            subprocess.run([*argv, "--formats", "contract"], check=True, capture_output=True)
            run.assemble_site(corpus, corpus / "site", "calendar")
            found += compare(f"corpus-{args.items}", base, corpus / "site", CORPUS_NOW, work)
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], check=False)
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for line in found[:50]:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
