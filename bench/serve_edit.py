"""The preview server's edit loop, timed inside one process (run by bench/run.py).

`site-builder serve` keeps one process: it builds once, then rebuilds in place on every
change with the parsed items kept in memory.  This does the same without the HTTP server
and the file watcher: one untimed build, then REPEAT times "append a sentence to the
item, rebuild"; it prints one JSON line per timed rebuild (wall and CPU seconds).

    python bench/serve_edit.py --root SITE --now 2030-01-01T00:00:00+00:00 --edit FILE
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime
from pathlib import Path

from site_builder.build import CACHE_DIR, build
from site_builder.cache import Cache


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--edit", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    original = args.edit.read_bytes()
    store = Cache(args.root / CACHE_DIR, memory=True)
    with tempfile.TemporaryDirectory(prefix="serve-edit-") as folder:
        site = Path(folder) / "site"
        first = build(args.root, now, site, jobs=1, store=store, in_place=True)
        if not first.ok:
            print(json.dumps({"error": [p.code for p in first.problems if p.is_error][:5]}))
            return 1
        store.sweep()
        try:
            for n in range(args.repeat):
                args.edit.write_bytes(original + f"\n\nПравка в предпросмотре ({n}).\n".encode())
                wall, cpu = time.perf_counter(), time.process_time()
                result = build(args.root, now, site, jobs=1, store=store, in_place=True)
                store.sweep()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                print(json.dumps({"ok": result.ok, "wall": round(wall, 4), "cpu": round(cpu, 4)}), flush=True)
        finally:
            args.edit.write_bytes(original)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
