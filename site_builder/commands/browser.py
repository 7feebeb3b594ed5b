"""A built site in a real browser: Chromium through Playwright, served like a static host,
and axe-core's accessibility check of each page (`site-builder verify`, and the tests).

The tools are the ones .ci/install-browser-deps.sh installs: Debian's Chromium (never a
browser Playwright downloads), Playwright's Python package, and axe-core from npm.  Where
they are: `SITE_BUILDER_CHROMIUM` (default /usr/bin/chromium, else `chromium` or
`google-chrome` on PATH), `SITE_BUILDER_AXE` (axe.min.js; default node_modules/axe-core
in the site's folder, the current folder, or their tests/browser/).  Playwright is
imported only when a check runs, so the generator works without it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

AXE_IN = Path("node_modules") / "axe-core" / "axe.min.js"
TOOL_FOLDERS = (Path("."), Path("tests") / "browser")  # where node_modules may be, under a base
# --headless: Playwright adds it too (headless=True); kept so the list is complete on its own.
# --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
# --disable-dev-shm-usage: Debian's /usr/bin/chromium wrapper is meant to add it when /dev/shm is
#   small, but its check breaks when /dev/shm is mounted twice (`[: ... unexpected operator`), so
#   it is added here; containers often have a 64 MB /dev/shm, and Chromium then crashes.
# The rest keep Chromium from talking to anything but the 127.0.0.1 server.
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
AXE_IMPACTS = frozenset({"critical", "serious"})  # what fails a page (as in tests/browser)


def find_tool(variable: str, relative: Path, bases: Iterable[Path]) -> Path:
    """The file an environment variable names, else the first `relative` found under the
    tool folders of `bases` (the first candidate when none is: the message names it)."""
    if os.environ.get(variable):
        return Path(os.environ[variable])
    candidates = [base / folder / relative for base in bases for folder in TOOL_FOLDERS]
    return next((c for c in candidates if c.is_file()), candidates[0])


def chromium() -> Path:
    """Where Chromium is (SITE_BUILDER_CHROMIUM, when set, whether or not it is there)."""
    if os.environ.get("SITE_BUILDER_CHROMIUM"):
        return Path(os.environ["SITE_BUILDER_CHROMIUM"])
    default = Path("/usr/bin/chromium")
    if default.is_file():
        return default
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    return Path(found) if found else default


def axe(bases: Iterable[Path]) -> Path:
    return find_tool("SITE_BUILDER_AXE", AXE_IN, bases)


def executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def has_playwright() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def launch_chromium(playwright: Any, path: Path | None = None) -> Browser:
    """Launch Chromium through Playwright (never a Playwright-downloaded browser)."""
    return playwright.chromium.launch(
        executable_path=str(path or chromium()), headless=True, args=list(CHROMIUM_ARGS), timeout=60_000
    )


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
    prefix = "/"  # the site's base path: served there, as on a project site (org.github.io/press/)

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

    def translate_path(self, path: str) -> str:
        """A path under the site's base path (`prefix`) as the file it names; anything else,
        as a host serving only the site there, as a file that does not exist."""
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0outside")
        return super().translate_path("/" + path[len(self.prefix) :])

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.request_log is not None:
            self.request_log.append(f"{self.command} {unquote(urlsplit(self.path).path)} {int(code)}")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # nothing on the terminal; see request_log


@contextlib.contextmanager
def serve_directory(
    root: str | os.PathLike[str], request_log: list[str] | None = None, prefix: str = "/"
) -> Iterator[str]:
    """Serve ROOT on 127.0.0.1 (free port) from a background thread, under `prefix` (a path
    ending in /); yield the base URL without a trailing slash, e.g. "http://127.0.0.1:40123".
    Stops the server on exit."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"site directory does not exist: {root}")
    handler = type("_Handler", (StaticSiteHandler,), {"request_log": request_log, "prefix": prefix})
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


# --------------------------------------------------------------------------- axe-core

_AXE_RUN = """async (options) => {
    const r = await axe.run(document, options || {});
    return r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
    }));
}"""


def run_axe(
    page: Page,
    script: Path,
    *,
    impacts: Iterable[str] = AXE_IMPACTS,
    options: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Run axe-core (`script`: axe.min.js) on the page; return the violations whose impact is
    in IMPACTS (default critical and serious) as [{id, impact, help, helpUrl, nodes: [{target,
    html, failureSummary}]}].

    axe is evaluated through the DevTools protocol rather than added as a <script> tag, so it also
    runs on pages whose Content-Security-Policy forbids inline scripts (the CSP is not bypassed:
    a CSP violation of the site itself still shows up as a console error).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(script.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(_AXE_RUN, options)
    wanted = set(impacts)
    return [v for v in result if v["impact"] in wanted]


def format_axe(violations: list[dict[str, Any]]) -> str:
    """Readable summary for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        lines.extend(f"    {n['target']}: {n['html'][:160]}" for n in v["nodes"])
    return "\n".join(lines)
