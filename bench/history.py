"""Cold builds of the benchmark corpus with a full git history, for the public record
(judge/record.py): user+system CPU of two versions of site_builder on the same site.

    python bench/history.py --size 5000 --before /path/to/old/site_builder/parent [--repeat 3]

The site is the corpus of bench/run.py committed as a repository: every item at once,
then a second commit that corrects every tenth item (a sentence and a `corrections:`
entry), so a tenth of the items have two published versions.  Each run is a cold build
(no output/, no .site-cache/) measured with os.wait4, as bench/run.py measures; then a
no-change rebuild.  Other load on the machine changes wall time, not CPU time, so CPU
is what is compared.  Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import NOW, assemble_site, ensure_corpus, find_shared  # noqa: E402

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(site: Path, *args: str, when: str | None = None) -> None:
    env = os.environ | GIT_ENV | ({"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {})
    subprocess.run(["git", *args], cwd=site, env=env, check=True, capture_output=True)


def with_history(corpus: Path, site: Path) -> int:
    """The site as a repository: all items, then every tenth corrected; how many were."""
    if site.exists():
        shutil.rmtree(site)
    assemble_site(corpus, site, "site")
    (site / ".gitignore").write_text("output/\n.site-cache/\n.output*\n")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "corpus", when="2029-06-01T10:00:00+00:00")
    corrected = 0
    for index, path in enumerate(sorted((site / "content").rglob("*.md"))):
        text = path.read_text(encoding="utf-8")
        if index % 10 or "corrections:" in text or not text.startswith("---\n"):
            continue
        head, _, body = text[4:].partition("\n---\n")
        note = "corrections: [{at: 2029-06-02T10:00:00+00:00, note: Уточнены сроки}]"
        path.write_text(f"---\n{head}\n{note}\n---\n{body}Сроки уточнены.\n", encoding="utf-8")
        corrected += 1
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "corrections", when="2029-06-02T10:00:00+00:00")
    return corrected


def cpu(code: Path, python: str, site: Path) -> tuple[float, float]:
    """(user+system CPU seconds, wall seconds) of one build of `site` by the code under `code`."""
    env = os.environ | {"PYTHONPATH": str(code)}
    cmd = [python, "-m", "site_builder", "build", "--root", str(site), "--now", NOW, "--quiet"]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    err = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"build failed ({code}):\n{err[-3000:]}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--before", type=Path, required=True, help="folder holding the old site_builder/")
    parser.add_argument("--after", type=Path, default=BENCH.parent, help="folder holding the new one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--work", type=Path, default=BENCH / "work")
    args = parser.parse_args()
    logs = args.work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    corpus = args.work / "corpus" / f"n{args.size}"
    ensure_corpus(find_shared(None), corpus, args.size, None, False, logs)
    site = args.work / "history" / f"n{args.size}"
    corrected = with_history(corpus, site)
    print(f"n={args.size}: {corrected} items corrected in a second commit")
    for name, code in (("before", args.before), ("after", args.after)):
        cold, nochange = [], []
        for _ in range(args.repeat):
            for leftover in (site / "output", site / ".site-cache", *site.glob(".output*")):
                shutil.rmtree(leftover, ignore_errors=True)
            cold.append(cpu(code, args.python, site))
            nochange.append(cpu(code, args.python, site))
        c = statistics.median(t for t, _ in cold)
        n = statistics.median(t for t, _ in nochange)
        w = statistics.median(w for _, w in cold)
        print(f"{name}: cold build CPU {c:.2f} s (wall {w:.2f} s), no-change rebuild CPU {n:.2f} s")
    versions = sorted(site.glob("output/press-releases/**/v2/index.html"))
    log = site / "output/transparency/log.jsonl"
    print(f"after: {len(versions)} press releases with a v2 page; log: {log}")


if __name__ == "__main__":
    main()
