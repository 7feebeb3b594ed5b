"""The preview server's edit loop, timed inside one process (run by bench/run.py).

`site-builder serve` keeps one process: it builds once, then rebuilds in place on every
change with the parsed items and the folder's manifest kept in memory.  This drives the
same `Preview.rebuild` with the server's file watcher but without its HTTP server: one
untimed build, the watcher started, then REPEAT times "append a sentence to the item, wait
for the watcher to report it and for the server's quiet spell (DEBOUNCE), rebuild"; it
prints one JSON line per timed rebuild (wall and CPU seconds): from the change to the
browsers told to reload.  What the server does after that (`Preview.settle`: cache
writes, the check of the watcher's reports, garbage collection) is not timed, as the
editor does not wait for it.

    python bench/serve_edit.py --root SITE --now 2030-01-01T00:00:00+00:00 --edit FILE
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from watchdog.observers import Observer

import site_builder

# A tree from before site_builder/commands/ (a before-and-after run with PYTHONPATH) is told
# by its folder: an editable install would still find the new tree's modules by name.
if (Path(site_builder.__file__).parent / "commands").is_dir():
    from site_builder.commands.livereload import Hub
    from site_builder.commands.serve import DEBOUNCE, Preview, _Changes, _watch_folders

    STOPPING: tuple = ()  # the hub holds the stop event
else:
    from site_builder.serve import DEBOUNCE, Hub, Preview, _Changes, _watch_folders

    STOPPING = (threading.Event(),)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--edit", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scratch", type=Path, help="make the working folder here and leave it")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    original = args.edit.read_bytes()
    # bench/run.py passes its trash (see `Trash` there): the folder is left for it to delete.
    with (
        contextlib.nullcontext(tempfile.mkdtemp(prefix="serve-edit-", dir=args.scratch.resolve()))
        if args.scratch
        else tempfile.TemporaryDirectory(prefix="serve-edit-")
    ) as folder:
        site = Path(folder) / "site"
        preview = Preview(args.root.absolute(), site, Hub(), False, "en", lambda: now, *STOPPING)
        said = io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            ok = preview.rebuild()
            preview.settle()
        if not ok:
            print(json.dumps({"error": said.getvalue()[-500:]}))
            return 1
        root = args.root.absolute()
        observer = Observer()  # as `serve` watches the site
        changes = _Changes(root, preview.poke, preview.touch)
        observer.schedule(changes, str(root), recursive=False)
        _watch_folders(observer, changes, root, set())
        observer.start()
        preview.watching()
        try:
            for n in range(args.repeat):
                preview.pending.clear()
                args.edit.write_bytes(original + f"\n\nПравка в предпросмотре ({n}).\n".encode())
                if not preview.pending.wait(10):
                    print(json.dumps({"error": "the watcher reported no change"}))
                    return 1
                time.sleep(DEBOUNCE)  # the server rebuilds after a quiet spell
                wall, cpu = time.perf_counter(), time.process_time()
                with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
                    ok = preview.rebuild()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                preview.settle()  # as the server does once the browsers were told to reload
                print(json.dumps({"ok": ok, "wall": round(wall, 4), "cpu": round(cpu, 4)}), flush=True)
        finally:
            observer.stop()
            observer.join(timeout=5)
            args.edit.write_bytes(original)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
