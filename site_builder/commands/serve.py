"""`site-builder serve`: build into a temporary folder, serve it, rebuild on change, reload the browser.

The preview never touches output/: every build goes to a fresh temporary folder that is
removed on exit, so a preview (even one with drafts) can never be published by mistake.
The live-reload script is added to HTML responses by the server, never to built files.
A failed rebuild writes nothing, so the last good build stays served while the browser
shows the problems in an overlay and the terminal prints them.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from http.server import ThreadingHTTPServer
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from site_builder.build import build
from site_builder.commands import console, moments, report
from site_builder.commands.livereload import Hub, make_handler
from site_builder.i18n import words
from site_builder.load import content
from site_builder.load.discover import IGNORED
from site_builder.speed import uptodate
from site_builder.speed.cache import FOLDER as CACHE_DIR
from site_builder.speed.cache import Cache
from site_builder.speed.session import Session
from site_builder.write import manifest as output_manifest

WATCHED = ("content", "templates", "static")
DEBOUNCE = 0.2  # seconds of quiet after the last change before rebuilding
CHECK_EVERY = 60.0  # seconds: how often `settle` makes sure the folder holds what is trusted

TEXTS = {
    "overlay": "The site did not build — fix these problems",
    "serving": "Preview: {url}  (Ctrl+C to stop)",
    "drafts": "Drafts and items under review are shown (--drafts); nothing is written to output/.",
    "hidden": (
        "Embargoed and restricted items are shown too, each with a banner saying when it goes out"
        " or that it never does."
    ),
    "at": "The site as it will be at {moment} (--at).",
    "both": "--at and --now name the same moment: give one of them",
    "rebuilt": "built {count} files in {seconds:.2f} s",
    "failed": "{summary}; the last good build is still served",
    "crash": "internal build error (please report it)",
    "waiting": "The site has not been built yet: fix the problems and the page reloads itself.",
    "port": "cannot listen on {host}:{port}: {error}",
    "port_hint": "hint: the port is busy or not allowed — choose another, e.g. --port 8001",
    "stopped": "preview stopped",
    "exposed": (
        "--drafts shows drafts, items under review and restricted (ДСП) items: it listens only on"
        " this computer, not on {host}"
    ),
    "exposed_hint": "hint: leave out --host (127.0.0.1 is the default), or preview without --drafts",
}


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

    def __init__(self, root, site_dir, hub, drafts, lang, clock) -> None:
        self.root, self.site_dir, self.hub, self.drafts = root, site_dir, hub, drafts
        self.lang, self.clock, self.stopping = lang, clock, hub.stopping
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
            session = Session(1, self.store, in_place=True, known=self.known, touched=touched)
            result = build(self.root, self.clock(), self.site_dir, preview=self.drafts, session=session)
            if result.config is None:  # it stopped at config.yaml: content/ was not listed
                self.touch(None)
                self.by_reports = False
            if result.publishable:  # (items in error held back as `build` does: judge/held.py)
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
        if not result.publishable:
            print(text, file=sys.stderr, flush=True)
            summary = report.summary(result.problems, self.lang)
            print(self.texts["failed"].format(summary=summary), file=sys.stderr, flush=True)
            self.hub.send("error", {"problems": [report.as_dict(p, self.lang) for p in shown]})
            return False
        if text:  # (the items held back for their errors are said here; the page shows the rest)
            print(text, file=sys.stderr if not result.ok else sys.stdout, flush=True)
        seconds = time.perf_counter() - started
        print(self.texts["rebuilt"].format(count=result.written, seconds=seconds), flush=True)
        # The page reloads with the correct items; the ones held back for their errors are
        # shown over it, as a failed build's are (the reloaded page learns them on connecting).
        held = [report.as_dict(p, self.lang) for p in shown if p.is_error or p.code.startswith("HELD_")]
        self.hub.send("reload", {"files": result.written}, problems=held)
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
    hub = Hub()
    try:
        server = ThreadingHTTPServer((host, port), make_handler(site_dir, base_path, hub, texts))
    except OSError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        print(texts["port"].format(host=host, port=port, error=exc.strerror or exc), file=sys.stderr)
        print(texts["port_hint"], file=sys.stderr)
        return 2
    server.daemon_threads = True
    server.block_on_close = False  # event streams end on `stopping`; do not wait for them
    preview = Preview(root, site_dir, hub, drafts, lang, clock)
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
            print(texts["hidden"], flush=True)
        print(texts["serving"].format(url=f"http://{bound_host}:{bound_port}{base_path}"), flush=True)
        while not stop.wait(0.25):
            _watch_folders(observer, changes, root, watching)  # templates/ or static/ made later
    finally:
        hub.stopping.set()
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


def loopback(host: str) -> bool:
    """Whether every address `host` names is this computer's own (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(row[4][0]).is_loopback for row in found)


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    if args.drafts and not loopback(args.host):  # drafts and ДСП never go out on a network
        texts = words(TEXTS, args.lang)
        console.say(texts["exposed"].format(host=args.host), sys.stderr)
        console.say(texts["exposed_hint"], sys.stderr)
        return console.EXIT_USAGE
    at: datetime | None = None
    if args.at is not None:
        if args.now is not None:
            console.say(words(TEXTS, args.lang)["both"], sys.stderr)
            return console.EXIT_USAGE
        try:  # read in the site's time zone, as `approve --at` is
            at = moments.parse(args.at, "--at", _site_zone(root))
        except moments.BadMoment as exc:
            exc.say(args.lang)
            return console.EXIT_USAGE
        print(words(TEXTS, args.lang)["at"].format(moment=f"{at:%Y-%m-%d %H:%M %z}"), flush=True)
    fixed = at or (now if args.now is not None else None)

    def clock() -> datetime:  # a preview runs for hours: every rebuild asks the time anew
        return fixed or moments.now(None)

    return serve(root, args.host, args.port, args.drafts, args.lang, clock)


def _site_zone(root: Path) -> tzinfo:
    """The site's time zone; UTC while config.yaml cannot be read (the first build says why)."""
    from site_builder.errors import SiteError
    from site_builder.load.config import load_config

    try:
        return load_config(root.absolute()).tz
    except SiteError:
        return UTC
