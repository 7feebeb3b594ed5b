"""`site-builder serve`: build into a temporary folder, serve it, rebuild on change, reload the browser.

The preview never touches output/: every build goes to a fresh temporary folder that is
removed on exit, so a preview (even one with drafts) can never be published by mistake.
The live-reload script is added to HTML responses by the server, never to built files.
A failed rebuild writes nothing, so the last good build stays served while the browser
shows the problems in an overlay and the terminal prints them.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from site_builder.build import CACHE_DIR, build
from site_builder.commands import report
from site_builder.i18n import words
from site_builder.load import content
from site_builder.load.content import IGNORED
from site_builder.speed import uptodate
from site_builder.speed.cache import Cache
from site_builder.write import manifest as output_manifest

EVENTS = "/__sb/events"
SCRIPT = "/__sb/live-reload.js"
WATCHED = ("content", "templates", "static")
DEBOUNCE = 0.2  # seconds of quiet after the last change before rebuilding
PING = 15.0  # seconds between keep-alive comments on the event stream
CHECK_EVERY = 60.0  # seconds: how often `settle` makes sure the folder holds what is trusted
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)

# English msgids; Russian and others come from the site_builder gettext catalog.
TEXTS = {
    "overlay": "The site did not build — fix these problems",
    "serving": "Preview: {url}  (Ctrl+C to stop)",
    "drafts": "Drafts and items under review are shown (--drafts); nothing is written to output/.",
    "rebuilt": "built {count} files in {seconds:.2f} s",
    "failed": "{summary}; the last good build is still served",
    "crash": "internal build error (please report it)",
    "waiting": "The site has not been built yet: fix the problems and the page reloads itself.",
    "port": "cannot listen on {host}:{port}: {error}",
    "port_hint": "hint: the port is busy or not allowed — choose another, e.g. --port 8001",
    "stopped": "preview stopped",
}

LIVE_RELOAD = """(function () {
  "use strict";
  var TITLE = __TITLE__;
  var box = null;
  function hide() { if (box) { box.remove(); box = null; } }
  function line(tag, text, css) {
    var el = document.createElement(tag);
    el.textContent = text;  // text, never HTML: messages quote the editor's input
    if (css) { el.style.cssText = css; }
    return el;
  }
  function show(problems) {
    hide();
    box = document.createElement("div");
    box.id = "sb-error-overlay";
    box.setAttribute("role", "alertdialog");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(40,0,0,.94);color:#fff;font:16px/1.5 system-ui,sans-serif;padding:2em";
    var close = line("button", "\\u00d7",
      "float:right;font-size:1.5em;background:none;color:#fff;border:0;cursor:pointer");
    close.setAttribute("aria-label", "close");
    close.onclick = hide;
    box.appendChild(close);
    box.appendChild(line("h2", TITLE, "margin-top:0"));
    problems.forEach(function (p) {
      var item = document.createElement("div");
      item.className = "sb-problem";
      item.style.cssText = "margin:1em 0;padding:.75em 1em;border-left:4px solid " +
        (p.severity === "error" ? "#ff6b6b" : "#ffd166") + ";background:rgba(255,255,255,.06)";
      item.appendChild(line("code", p.path + (p.line ? ":" + p.line : ""), "font-weight:bold"));
      item.appendChild(line("div", p.severity + " " + p.code + ": " + p.message));
      if (p.hint) { item.appendChild(line("div", p.hint, "opacity:.85;font-style:italic")); }
      box.appendChild(item);
    });
    document.body.appendChild(box);
  }
  var source = new EventSource("__EVENTS__");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("ok", hide);
  source.addEventListener("error", function (event) {
    if (typeof event.data !== "string") { return; }  // the connection dropped: EventSource retries
    show(JSON.parse(event.data).problems);
  });
})();
"""


def _event(name: str, data: object) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class Hub:
    """The browsers listening for events, and the error state a newly opened page must learn."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: list[queue.Queue[bytes]] = []
        self._error: bytes | None = None

    def subscribe(self) -> queue.Queue[bytes]:
        inbox: queue.Queue[bytes] = queue.Queue()
        with self._lock:
            self._clients.append(inbox)
            if self._error is not None:
                inbox.put(self._error)
        return inbox

    def unsubscribe(self, inbox: queue.Queue[bytes]) -> None:
        with self._lock:
            if inbox in self._clients:
                self._clients.remove(inbox)

    def send(self, name: str, data: object) -> None:
        message = _event(name, data)
        with self._lock:
            self._error = message if name == "error" else None
            for inbox in self._clients:
                inbox.put(message)


def inject(html: bytes) -> bytes:
    """Add the live-reload script before the last </body> (or at the end)."""
    tag = f'<script src="{SCRIPT}"></script>'.encode()
    found = list(_BODY_END.finditer(html))
    if not found:
        return html + tag
    at = found[-1].start()
    return html[:at] + tag + html[at:]


def make_handler(site_dir: Path, base_path: str, hub: Hub, stopping: threading.Event, texts: dict):
    """A request handler serving site_dir under base_path, plus the event stream and script."""
    script = (
        LIVE_RELOAD.replace("__TITLE__", json.dumps(texts["overlay"], ensure_ascii=False))
        .replace("__EVENTS__", EVENTS)
        .encode()
    )
    served = unquote(base_path)  # requests are compared decoded; base_path is a URI's path

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site_dir), **kwargs)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the terminal is for the editor's diagnostics, not access logs

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            if path == EVENTS:
                self._events()
            elif path == SCRIPT:
                self._reply(200, "text/javascript; charset=utf-8", script)
            elif not path.startswith(served):
                self._redirect(base_path) if path == "/" else self._missing()
            else:
                self._file(path, path[len(served) :])

        def _file(self, path: str, rel: str) -> None:
            if not site_dir.is_dir():
                waiting = (
                    f"<!DOCTYPE html><meta charset='utf-8'><title>…</title><body><p>{texts['waiting']}</p>"
                )
                self._reply(503, "text/html; charset=utf-8", inject(waiting.encode()))
                return
            # `rel` is decoded: translate_path decodes again, so it is handed encoded (a
            # file named "100%25.pdf", "a?b" or "a#b" is served, not cut or decoded twice).
            target = Path(self.translate_path("/" + quote(rel)))
            if not target.resolve().is_relative_to(site_dir.resolve()):
                self._missing()  # through a link (the build writes none): nothing outside is served
                return
            if target.is_dir():
                if not path.endswith("/"):
                    self._redirect(quote(path) + "/")
                    return
                target = target / "index.html"
            if not target.is_file():
                self._missing()
            elif target.suffix == ".html":
                self._reply(200, "text/html; charset=utf-8", inject(target.read_bytes()))
            else:
                self.path = "/" + quote(rel)
                super().do_GET()

        def _missing(self) -> None:
            page = site_dir / "404.html"
            body = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>404</title><body>404"
            self._reply(404, "text/html; charset=utf-8", inject(body))

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _reply(self, status: int, kind: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.end_headers()
            self.close_connection = True
            inbox = hub.subscribe()
            try:
                self.wfile.write(b"retry: 1000\n\n")
                self.wfile.flush()
                quiet = 0.0
                while not stopping.is_set():
                    try:
                        message = inbox.get(timeout=0.5)
                    except queue.Empty:
                        quiet += 0.5
                        if quiet < PING:
                            continue
                        message, quiet = b": ping\n\n", 0.0
                    self.wfile.write(message)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the tab was closed: the stream simply ends
            finally:
                hub.unsubscribe(inbox)

    return Handler


class _Changes(FileSystemEventHandler):
    """Pokes the rebuilder when anything the site is built from changes, and tells it which
    content files changed (`touch`)."""

    def __init__(self, root: Path, poke: Callable[[], None], touch: Callable[[str | None], None]) -> None:
        self.root = root
        self.poke = poke
        self.touch = touch

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reading a file (the build itself does) is not a change
        paths = [os.fsdecode(raw) for raw in (event.src_path, event.dest_path) if raw]
        self._content(event, paths)
        if any(self._watched(path) for path in paths):
            self.poke()

    def _content(self, event: FileSystemEvent, paths: list[str]) -> None:
        """`touch` the Markdown file whose bytes changed, or None when content/ changed in
        any other way a listing of it could see (a file made, deleted or moved; an
        attachment rewritten): then the next build lists content/ anew."""
        for path in paths:
            try:
                rel = Path(path).relative_to(self.root / "content")
            except ValueError:
                continue
            if event.is_directory and event.event_type == "modified":
                continue  # a folder's entries changed: each change has its own event
            if any(part.startswith(".") or part in IGNORED for part in rel.parts):
                continue  # never listed
            if not event.is_directory and event.event_type in ("modified", "closed") and rel.suffix == ".md":
                self.touch(rel.as_posix())
            else:
                self.touch(None)

    def _watched(self, path: str) -> bool:
        try:
            rel = Path(path).relative_to(self.root)
        except ValueError:
            return False
        if not rel.parts or rel.name.startswith(".") or rel.name.endswith("~"):
            return False  # editors' swap and backup files
        return rel.parts[0] in WATCHED or rel.as_posix() == "config.yaml"


class Preview:
    """Rebuilds on request (debounced) and tells the browsers."""

    def __init__(self, root, site_dir, hub, drafts, lang, clock, stopping) -> None:
        self.root, self.site_dir, self.hub, self.drafts = root, site_dir, hub, drafts
        self.lang, self.clock, self.stopping = lang, clock, stopping
        self.texts = words(TEXTS, lang)
        self.pending = threading.Event()
        self.last_change = 0.0
        self.store = Cache(root / CACHE_DIR, memory=True)
        # The fingerprint and manifest of the last build committed into site_dir, while the
        # folder is known to hold exactly that (None after a build that failed writing it).
        self.known: tuple[str, dict[str, list]] | None = None
        self.sweep = False  # forget the cached values the last build did not use (see settle)
        self.checked = time.monotonic()  # when `settle` last made sure the folder is as trusted
        # The content files whose bytes changed since the last build began, as the watcher
        # reported them; None when content/ may have changed otherwise (or before a build).
        self.touched: set[str] | None = None
        self.touching = threading.Lock()
        self.watched = False  # whether a watcher reports every change (see `serve`)
        self.by_reports = False  # the last build listed content/ from the watcher's reports

    def poke(self) -> None:
        self.last_change = time.monotonic()
        self.pending.set()

    def watching(self) -> None:
        """The watcher reports every change from now on; one made since the last build
        began and before the watcher started is found by checking content/ once."""
        self.watched = True
        self._check_listing()

    def _check_listing(self) -> None:
        """Make sure the next build lists content/ anew unless it lists as the last build
        found it; build again when it does not (not when no build listed it yet: one that
        failed before would only fail again)."""
        listed = content.listed_as_kept(self.root / "content", self.store)
        if listed is not True:
            self.touch(None)
        if listed is False:
            self.poke()

    def touch(self, rel: str | None) -> None:
        """A content file (relative to content/) whose bytes changed; None: content/
        changed some other way, so the next build lists it anew."""
        with self.touching:
            if rel is None:
                self.touched = None
            elif self.touched is not None:
                self.touched.add(rel)

    def loop(self) -> None:
        while not self.stopping.is_set():
            if not self.pending.wait(0.25):
                continue
            while time.monotonic() - self.last_change < DEBOUNCE and not self.stopping.is_set():
                time.sleep(DEBOUNCE / 4)
            self.pending.clear()
            if not self.stopping.is_set():
                self.rebuild()
                self.settle()

    def rebuild(self) -> bool:
        """Build, then tell the browsers: reload, or the problems.  The garbage collector
        is off meanwhile (the process holds every parsed item: a full collection in the
        middle of a build would walk them all); `settle` collects after."""
        started = time.perf_counter()
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._rebuild(started)
        finally:
            if collecting:
                gc.enable()

    def _distrust(self) -> None:
        """The folder may not hold what is trusted (a build failed while writing it, or
        something else touched it): the next build checks every file against the manifest
        of the last build that went through, as a build outside serve does."""
        if self.known is not None and self.site_dir.is_dir():
            output_manifest.save(self.site_dir, *self.known)
        self.known = None

    def settle(self) -> None:
        """After a rebuild has been reported, while the editor looks at the page: write the
        cache entries it made, forget what it no longer used (after a build that went
        through), and collect the garbage it left."""
        if self.by_reports:  # a change the watcher did not report is found here, and built
            self.by_reports = False
            self._check_listing()
        self.store.flush()
        if self.sweep:
            self.store.sweep()
            self.sweep = False
        if self.known is not None and time.monotonic() - self.checked > CHECK_EVERY:
            # Something else may have touched the folder (a /tmp cleaner, a curious user):
            # now and then, make sure it holds what is trusted, or let the next build check it.
            self.checked = time.monotonic()
            if not uptodate.intact(self.site_dir, self.known[1]):
                self._distrust()
        gc.collect()

    def _rebuild(self, started: float) -> bool:
        with self.touching:
            touched, self.touched = self.touched if self.watched else None, set()
        self.by_reports = touched is not None
        try:
            # jobs=1: never fork from this multi-threaded server process; the folder is the
            # server's own, updated in place; parsed items stay in memory between builds.
            result = build(
                self.root,
                self.clock(),
                self.site_dir,
                preview=self.drafts,
                jobs=1,
                store=self.store,
                in_place=True,
                known=self.known,
                touched=touched,
            )
            if result.config is None:  # it stopped at config.yaml: content/ was not listed
                self.touch(None)
                self.by_reports = False
            if result.ok:
                # A failed build used only part of what is kept, and one that found the folder
                # current already (nothing written) none of the pages' keys: keep it all for the next.
                if result.written:
                    self.sweep = True
                # Trusted only with the manifest of what the folder holds (never an empty one).
                self.known = (result.fingerprint, result.manifest) if result.manifest else None
            elif result.fingerprint:  # it failed while writing: the folder is checked next time
                self._distrust()
        except Exception as exc:  # a bug must not stop the preview: it is shown, not hidden
            self.touch(None)  # what it had listed may not be kept
            self._distrust()
            print(traceback.format_exc(), file=sys.stderr, flush=True)
            detail = f"{self.texts['crash']}: {type(exc).__name__}: {exc}"
            self.hub.send("error", {"problems": [_row_raw("site-builder", detail)]})
            return False
        shown = [p for p in result.problems if p.severity != "info"]
        text = report.as_text(shown, self.lang)
        if not result.ok:
            print(text, file=sys.stderr, flush=True)
            summary = report.summary(result.problems, self.lang)
            print(self.texts["failed"].format(summary=summary), file=sys.stderr, flush=True)
            self.hub.send("error", {"problems": [report.as_dict(p, self.lang) for p in shown]})
            return False
        if text:
            print(text, flush=True)
        seconds = time.perf_counter() - started
        print(self.texts["rebuilt"].format(count=result.written, seconds=seconds), flush=True)
        self.hub.send("reload", {"files": result.written})
        return True


def _row_raw(path: str, message: str) -> dict:
    return {"path": path, "line": 0, "severity": "error", "code": "INTERNAL", "message": message, "hint": ""}


def serve(root: Path, host: str, port: int, drafts: bool, lang: str, clock: Callable[[], datetime]) -> int:
    """Serve a live preview until SIGINT/SIGTERM; return the exit code."""
    from site_builder.errors import SiteError
    from site_builder.load.config import load_config

    texts = words(TEXTS, lang)
    root = root.absolute()
    try:
        base_path = load_config(root).base_path
    except SiteError:
        base_path = "/"  # the first build reports the problem; serve it at the root meanwhile
    workdir = Path(tempfile.mkdtemp(prefix="site-builder-preview-"))
    site_dir = workdir / "site"
    hub, stopping = Hub(), threading.Event()
    try:
        server = ThreadingHTTPServer((host, port), make_handler(site_dir, base_path, hub, stopping, texts))
    except OSError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        print(texts["port"].format(host=host, port=port, error=exc.strerror or exc), file=sys.stderr)
        print(texts["port_hint"], file=sys.stderr)
        return 2
    server.daemon_threads = True
    server.block_on_close = False  # event streams end on `stopping`; do not wait for them
    preview = Preview(root, site_dir, hub, drafts, lang, clock, stopping)
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    observer = Observer()
    threads = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.25}, daemon=True),
        threading.Thread(target=preview.loop, daemon=True),
    ]
    try:
        preview.rebuild()
        preview.settle()
        changes = _Changes(root, preview.poke, preview.touch)
        observer.schedule(changes, str(root), recursive=False)  # config.yaml, new folders
        watching: set[str] = set()
        _watch_folders(observer, changes, root, watching)
        observer.start()
        preview.watching()  # before the rebuild thread starts: the cache is not for two threads
        for thread in threads:
            thread.start()
        bound_host, bound_port = server.server_address[:2]
        if drafts:
            print(texts["drafts"], flush=True)
        print(texts["serving"].format(url=f"http://{bound_host}:{bound_port}{base_path}"), flush=True)
        while not stop.wait(0.25):
            _watch_folders(observer, changes, root, watching)  # templates/ or static/ made later
    finally:
        stopping.set()
        server.shutdown() if threads[0].is_alive() else None
        server.server_close()
        if observer.is_alive():
            observer.stop()
            observer.join(timeout=2)
        threads[1].join(timeout=5) if threads[1].is_alive() else None
        if not threads[1].is_alive():  # never beside a rebuild still running
            preview.store.flush()  # what the last rebuild made, for the next start
        shutil.rmtree(workdir, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(texts["stopped"], flush=True)
    return 0


def _watch_folders(observer, changes: _Changes, root: Path, watching: set[str]) -> None:
    for name in WATCHED:
        folder = root / name
        if name not in watching and folder.is_dir() and not folder.is_symlink():
            observer.schedule(changes, str(folder), recursive=True)
            watching.add(name)
