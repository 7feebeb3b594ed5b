"""Helpers for the real-browser tests: static server, Chromium pages, axe-core, Nu Html Checker.

Everything here drives Debian's /usr/bin/chromium (never a downloaded browser build) through
Playwright's sync API, axe-core and vnu.jar from tests/browser/node_modules. The tools are
installed by `.ci/install-browser-deps.sh`; `require_browser_tools()` fails with that hint when
something is missing (the tests skip only when SITE_BUILDER_SKIP_BROWSER=1).

Nothing here imports Playwright at module level, so the test suite still collects (and the
browser tests can be skipped deliberately) on a machine without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response

BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parents[1]
NODE_MODULES = BROWSER_DIR / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path(os.environ.get("SITE_BUILDER_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
INSTALL_HINT = "run .ci/install-browser-deps.sh"
SKIP_ENV = "SITE_BUILDER_SKIP_BROWSER"

# --headless: Playwright adds it too (headless=True); kept so the list is complete on its own.
# --no-sandbox: we run as root in a container, where Chromium's sandbox cannot start.
# --disable-dev-shm-usage: Debian's /usr/bin/chromium wrapper is meant to add it when /dev/shm is
#   small, but its check breaks when /dev/shm is mounted twice (`[: ... unexpected operator`), so
#   we add it ourselves; containers often have a 64 MB /dev/shm, and Chromium then crashes.
# The rest keep Chromium from talking to anything but our 127.0.0.1 server.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)

AXE_IMPACTS = frozenset({"critical", "serious"})


def skip_requested() -> bool:
    """True when SITE_BUILDER_SKIP_BROWSER=1 (the only way the browser tests may be skipped)."""
    return os.environ.get(SKIP_ENV, "").strip().lower() in {"1", "true", "yes"}


def java_major_version() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major  # "1.8.0" -> 8


def missing_browser_tools() -> list[str]:
    """What the browser tests need but this machine lacks (empty list: all there)."""
    missing = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Chromium ({CHROMIUM}; Debian package `chromium`)")
    java = java_major_version()
    if java is None or java < 11:
        missing.append(f"Java >= 11 for the Nu Html Checker (found: {java}; Debian `default-jre-headless`)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core ({AXE_JS.relative_to(REPO_ROOT)})")
    if not VNU_JAR.is_file():
        missing.append(f"vnu-jar ({VNU_JAR.relative_to(REPO_ROOT)})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package `playwright` (tests/browser/requirements.txt)")
    return missing


# --------------------------------------------------------------------------- static server

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
    ".pf_meta": "application/octet-stream",
}


class StaticSiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site like a plain static host: index.html for directories, the site's own
    404.html (status 404) for anything missing, no directory listings, explicit content types."""

    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}
    # Set per server; each request is appended as "METHOD path status" (handy in assertions).
    request_log: list[str] | None = None

    def list_directory(self, path: str | os.PathLike[str]) -> None:  # type: ignore[override]
        self.send_error(404)  # a directory without index.html is "not found" on a static host
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.log_request(code)
        self.send_response_only(code)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.request_log is not None:
            self.request_log.append(f"{self.command} {unquote(urlsplit(self.path).path)} {int(code)}")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean; see request_log


@contextlib.contextmanager
def serve_directory(root: str | os.PathLike[str], request_log: list[str] | None = None) -> Iterator[str]:
    """Serve ROOT on 127.0.0.1 (free port) from a background thread; yield the base URL without a
    trailing slash, e.g. "http://127.0.0.1:40123". Stops the server on exit."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"site directory does not exist: {root}")
    handler = type("_Handler", (StaticSiteHandler,), {"request_log": request_log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(
        target=partial(server.serve_forever, poll_interval=0.05), name=f"static-server:{root}", daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --------------------------------------------------------------------------- Chromium


def launch_chromium(playwright: Any) -> Browser:
    """Launch Debian's Chromium through Playwright (never a Playwright-downloaded browser)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS), timeout=60_000
    )


@dataclass
class OpenedPage:
    """A page in its own fresh browser context, plus what went wrong while it was open.

    console_errors: console.error() messages and uncaught exceptions ("pageerror: ...").
    failed_requests: "requestfailed: METHOD URL (reason)" and "HTTP STATUS METHOD URL" for every
    response with status >= 400 (including the page itself, e.g. when testing 404.html).
    Both lists keep filling while the page stays open. Use as a context manager, or call close().
    favicon_errors: Chromium fetches /favicon.ico by itself when a page declares no icon, at a
    moment of its own (sometimes after a test's checks) and invisibly to Playwright's network
    events, so its 404 would make console_errors flaky; it is kept apart here. Check a site's
    icon with a plain HTTP request instead.
    """

    page: Page
    context: BrowserContext
    response: Response | None = None
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    favicon_errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.console_errors, *self.failed_requests]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()

    def __enter__(self) -> OpenedPage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_page(
    browser: Browser,
    url: str,
    width: int = 1280,
    *,
    height: int = 800,
    zoom: float = 1.0,
    wait_until: str = "load",
    color_scheme: str = "light",
    reduced_motion: str = "no-preference",
    locale: str = "ru-RU",
) -> OpenedPage:
    """Open URL in a new context whose window is WIDTH x HEIGHT device pixels at browser zoom ZOOM.

    Browser zoom (Ctrl +) is emulated the way Chromium implements it: the CSS viewport shrinks to
    WIDTH/ZOOM CSS px and devicePixelRatio becomes ZOOM. So open_page(b, u, 1280, zoom=2) is a
    1280-px window at 200 %: innerWidth 640, devicePixelRatio 2, `(max-width: 700px)` matches,
    text and boxes are twice as large in the screenshot (1280 px wide), and anything that does not
    reflow into 640 CSS px scrolls horizontally, exactly as for a person who zooms. (CSS `zoom` on
    <html> would not do: media queries and innerWidth would still see 1280 px; a device_scale_factor
    alone only sharpens the rendering and changes no layout.)
    """
    css_width = max(1, round(width / zoom))
    css_height = max(1, round(height / zoom))
    context = browser.new_context(
        viewport={"width": css_width, "height": css_height},
        device_scale_factor=zoom,
        color_scheme=color_scheme,  # type: ignore[arg-type]
        reduced_motion=reduced_motion,  # type: ignore[arg-type]
        locale=locale,
        timezone_id="Europe/Moscow",
    )
    page = context.new_page()
    opened = OpenedPage(page=page, context=context)

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url')}:{loc.get('lineNumber')})" if loc.get("url") else ""
            if urlsplit(loc.get("url") or "").path == "/favicon.ico":
                opened.favicon_errors.append(f"{msg.text}{where}")
            else:
                opened.console_errors.append(f"{msg.text}{where}")

    def on_request_failed(request: Any) -> None:
        opened.failed_requests.append(f"requestfailed: {request.method} {request.url} ({request.failure})")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            opened.failed_requests.append(f"HTTP {response.status} {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: opened.console_errors.append(f"pageerror: {exc}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    try:
        opened.response = page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
    except Exception:
        opened.close()
        raise
    return opened


def _page(page_or_opened: Page | OpenedPage) -> Page:
    return page_or_opened.page if isinstance(page_or_opened, OpenedPage) else page_or_opened


def has_horizontal_scroll(page: Page | OpenedPage) -> bool:
    """True if the document is wider than the viewport (the page scrolls sideways)."""
    return bool(
        _page(page).evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
    )


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "screenshot"


def screenshot(page: Page | OpenedPage, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG to artifacts/screenshots/NAME.png (git-ignored) and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    stem = _safe_name(name.removesuffix(".png"))
    path = SCREENSHOT_DIR / f"{stem}.png"
    _page(page).screenshot(path=str(path), full_page=full_page)
    return path


# --------------------------------------------------------------------------- axe-core


def run_axe(
    page: Page | OpenedPage,
    *,
    impacts: Iterable[str] = AXE_IMPACTS,
    options: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Run axe-core on the page; return the violations whose impact is in IMPACTS (default
    critical and serious) as [{id, impact, help, helpUrl, nodes: [{target, html, failureSummary}]}].

    axe is evaluated through the DevTools protocol rather than added as a <script> tag, so it also
    runs on pages whose Content-Security-Policy forbids inline scripts (we do not bypass the CSP:
    a CSP violation of the site itself must still show up as a console error).
    """
    pg = _page(page)
    if not pg.evaluate("() => typeof window.axe === 'object'"):
        pg.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    result = pg.evaluate(
        """async (options) => {
            const r = await axe.run(document, options || {});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
            }));
        }""",
        options,
    )
    wanted = set(impacts)
    return [v for v in result if v["impact"] in wanted]


def format_axe(violations: list[dict[str, Any]]) -> str:
    """Readable summary for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        lines.extend(f"    {n['target']}: {n['html'][:160]}" for n in v["nodes"])
    return "\n".join(lines)


# --------------------------------------------------------------------------- Nu Html Checker


@dataclass(frozen=True)
class VnuError:
    file: Path
    line: int | None
    column: int | None
    message: str
    extract: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        if self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


def vnu_check(paths: Iterable[str | os.PathLike[str]], *, timeout: float = 600) -> list[VnuError]:
    """Validate HTML files (or directories: their *.html/*.htm/*.xhtml files, recursively) with the
    Nu Html Checker in one JVM run; return the errors (warnings are not reported), in the checker's
    order. Files not named *.html/*.htm/*.xhtml/*.xht are skipped. Raises FileNotFoundError for a
    path that does not exist and RuntimeError if the checker fails or cannot read a file."""
    paths = [Path(p).resolve() for p in paths]
    if not paths:
        return []
    missing = [str(p) for p in paths if not p.exists()]
    if missing:  # vnu.jar silently reports nothing for a path that does not exist
        raise FileNotFoundError(f"vnu_check: no such file or directory: {', '.join(missing)}")
    java = shutil.which("java")
    if java is None:
        raise RuntimeError(f"java not found: {INSTALL_HINT}")
    cmd = [
        java,
        "-Xss2m",  # the checker recurses deeply on nested markup
        "-jar",
        str(VNU_JAR),
        "--format",
        "json",
        "--errors-only",
        "--skip-non-html",
        "--exit-zero-always",
        *map(str, paths),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    # vnu writes its JSON report to stderr; the JVM may print notes before it.
    report = proc.stderr[proc.stderr.find("{") :] if "{" in proc.stderr else ""
    try:
        messages = json.loads(report)["messages"]
    except (ValueError, KeyError) as e:
        raise RuntimeError(
            f"vnu.jar failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}"
        ) from e
    errors = []
    for m in messages:
        file = Path(unquote(urlsplit(m.get("url", "")).path)) if m.get("url") else Path("?")
        if m.get("type") == "non-document-error":
            raise RuntimeError(f"vnu.jar could not check {file}: {m.get('message')}")
        if m.get("type") != "error":
            continue
        errors.append(
            VnuError(
                file=file,
                line=m.get("lastLine", m.get("firstLine")),
                column=m.get("firstColumn", m.get("lastColumn")),
                message=m.get("message", ""),
                extract=m.get("extract", ""),
            )
        )
    return errors
