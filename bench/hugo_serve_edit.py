"""Hugo's edit loop: `hugo server` in fast render mode, one item edited (run by bench/run.py).

Issue 6 sets site_builder's one-item edit against "Hugo's fast render of a single page".
This measures that on the same corpus and machine as the rest of the run: start
`hugo server` (rendering to a throw-away folder on disk, the server's default), wait for its
first build, ask it once for the page of the item to be edited (fast render re-renders the
pages a browser has visited, as an editor's open tab does), then REPEAT times append a
sentence to the item and wait for the server's "Total in N ms" line.

One JSON line per edit: `wall` is Hugo's own "Total in" figure (from the change it picked up
to the rebuilt site: the same span bench/serve_edit.py times for site_builder, which also
leaves out the file watcher's delay), `seen` the time from the write to that line on the
server's output (the watcher's batching included), `cpu` the server's user+sys time in
between.  A last line gives the server's peak memory (VmHWM).  Standard library only.

    python bench/hugo_serve_edit.py --hugo BIN --source SITE --edit content/x/y.md
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

TOTAL = re.compile(r"Total in (\d+(?:\.\d+)?) ?(ms|s)\b")
READY = "Web Server is available"
SENTENCE = "\n\nДополнение для замера пересборки в hugo server ({n}): текст новости уточнён.\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hugo", required=True)
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--edit", type=Path, required=True, help="the item, relative to --source")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scratch", type=Path, help="make the working folder here and leave it")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    item = args.source / args.edit
    original = item.read_bytes()
    port = free_port()
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    tail: list[str] = []

    def say(data: dict) -> None:
        print(json.dumps(data, ensure_ascii=False), flush=True)

    def wait_for(test, deadline: float) -> tuple[float, re.Match | bool] | None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                at, line = lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                if server.poll() is not None:
                    return None
                continue
            found = test(line)
            if found:
                return at, found

    # bench/run.py passes its trash (see `Trash` there): the folder is left for it to delete.
    with (
        contextlib.nullcontext(tempfile.mkdtemp(prefix="hugo-serve-", dir=args.scratch.resolve()))
        if args.scratch
        else tempfile.TemporaryDirectory(prefix="hugo-serve-")
    ) as folder:
        cmd = [args.hugo, "server", "--source", str(args.source), "--bind", "127.0.0.1", "--port", str(port)]
        cmd += ["--destination", f"{folder}/public", "--cacheDir", f"{folder}/cache", "--appendPort=false"]
        server = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )

        def read() -> None:
            assert server.stdout is not None
            for line in server.stdout:
                tail[:] = [*tail[-40:], line.rstrip()]
                lines.put((time.perf_counter(), line))

        threading.Thread(target=read, daemon=True).start()
        try:
            if wait_for(lambda line: READY in line, time.monotonic() + args.timeout) is None:
                say({"error": "hugo server did not start", "tail": "\n".join(tail[-20:])})
                return 1
            url = f"http://127.0.0.1:{port}/{args.edit.relative_to('content').with_suffix('').as_posix()}/"
            try:
                with urllib.request.urlopen(url, timeout=60) as reply:
                    visited = reply.status
            except OSError as exc:
                visited = str(exc)
            say({"visited": url, "status": visited})
            time.sleep(1.0)
            for n in range(args.repeat):
                while not lines.empty():
                    lines.get_nowait()
                cpu = cpu_seconds(server.pid)
                item.write_bytes(original + SENTENCE.format(n=n).encode())
                written = time.perf_counter()
                found = wait_for(TOTAL.search, time.monotonic() + args.timeout)
                if found is None:
                    say({"ok": False, "error": "no rebuild seen", "tail": "\n".join(tail[-20:])})
                    return 1
                at, match = found
                number, unit = float(match.group(1)), match.group(2)
                wall = number / 1000 if unit == "ms" else number
                used = cpu_seconds(server.pid) - cpu
                say(
                    {
                        "ok": True,
                        "wall": round(wall, 4),
                        "seen": round(at - written, 4),
                        "cpu": round(used, 4),
                    }
                )
                time.sleep(1.0)  # the watcher batches events: keep the next edit apart
            say({"peak_mib": round(peak_mib(server.pid), 1)})
        finally:
            item.write_bytes(original)
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
