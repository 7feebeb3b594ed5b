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
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from site_builder.commands import browser as _browser
from site_builder.commands import vnu as _vnu
from site_builder.commands.browser import (  # noqa: F401  (the tests import them from here)
    AXE_IMPACTS,
    CHROMIUM_ARGS,
    CONTENT_TYPES,
    StaticSiteHandler,
    format_axe,
    serve_directory,
)
from site_builder.commands.vnu import VnuError, java_major_version

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response

BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parents[1]
NODE_MODULES = BROWSER_DIR / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path(os.environ.get("SITE_BUILDER_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOT_DIR = REPO_ROOT / "artifacts" / "screenshots"
INSTALL_HINT = _vnu.INSTALL_HINT
SKIP_ENV = "SITE_BUILDER_SKIP_BROWSER"


def skip_requested() -> bool:
    """True when SITE_BUILDER_SKIP_BROWSER=1 (the only way the browser tests may be skipped)."""
    return os.environ.get(SKIP_ENV, "").strip().lower() in {"1", "true", "yes"}


def missing_browser_tools() -> list[str]:
    """What the browser tests need but this machine lacks (empty list: all there)."""
    missing = []
    if not _browser.executable(CHROMIUM):
        missing.append(f"Chromium ({CHROMIUM}; Debian package `chromium`)")
    java = java_major_version()
    if java is None or java < 11:
        missing.append(f"Java >= 11 for the Nu Html Checker (found: {java}; Debian `default-jre-headless`)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core ({AXE_JS.relative_to(REPO_ROOT)})")
    if not VNU_JAR.is_file():
        missing.append(f"vnu-jar ({VNU_JAR.relative_to(REPO_ROOT)})")
    if not _browser.has_playwright():
        missing.append("the Python package `playwright` (tests/browser/requirements.txt)")
    return missing


# --------------------------------------------------------------------------- Chromium


def launch_chromium(playwright: Any) -> Browser:
    """Launch Debian's Chromium through Playwright (never a Playwright-downloaded browser)."""
    return _browser.launch_chromium(playwright, CHROMIUM)


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


# --------------------------------------------------------------------------- axe-core, vnu.jar
# The checkers are the package's (site_builder/commands/browser.py, vnu.py), which
# `site-builder verify` runs on a built site; here with the tools of tests/browser.


def run_axe(
    page: Page | OpenedPage,
    *,
    impacts: Iterable[str] = AXE_IMPACTS,
    options: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """axe-core's critical and serious violations on the page (see browser.run_axe)."""
    return _browser.run_axe(_page(page), AXE_JS, impacts=impacts, options=options)


def vnu_check(paths: Iterable[str | os.PathLike[str]], *, timeout: float = 600) -> list[VnuError]:
    """The Nu Html Checker's errors in these files or folders, one JVM run (see vnu.check)."""
    return _vnu.check(paths, VNU_JAR, timeout=timeout)
