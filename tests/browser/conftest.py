"""Fixtures for the real-browser tests (Debian's Chromium via Playwright, axe-core, vnu.jar).

Install the tools with `.ci/install-browser-deps.sh`. If any is missing, every test in this
directory FAILS with that hint; they are skipped only when SITE_BUILDER_SKIP_BROWSER=1.

Fixtures:
    browser                     module scope: a playwright Browser running /usr/bin/chromium
    site_dir                    override it (any scope) to name the directory served_site serves
    served_site                 base URL ("http://127.0.0.1:PORT", no trailing slash) of site_dir
    serve_static                factory: serve_static(directory) -> base URL, stopped after the test
    served_requests             list of "METHOD /path STATUS" handled by servers of this test

Helpers (import them: `from browser_helpers import open_page, run_axe, ...`):
    open_page(browser, url, width=1280, *, height=800, zoom=1.0, ...) -> OpenedPage
    run_axe(page) -> list of critical/serious violations;  format_axe(violations) -> str
    vnu_check(paths) -> list[VnuError];  screenshot(page, name) -> Path
    has_horizontal_scroll(page) -> bool;  serve_directory(root) (context manager -> base URL)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import browser_helpers` in any mode

from browser_helpers import (
    INSTALL_HINT,
    SKIP_ENV,
    launch_chromium,
    missing_browser_tools,
    serve_directory,
    skip_requested,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Skip (SITE_BUILDER_SKIP_BROWSER=1) or fail loudly when a browser-test tool is missing."""
    if skip_requested():
        pytest.skip(f"browser tests skipped: {SKIP_ENV}=1")
    missing = missing_browser_tools()
    if missing:
        pytest.fail(
            "browser-test tools missing: "
            + "; ".join(missing)
            + f". Fix: {INSTALL_HINT} (or set {SKIP_ENV}=1 to skip these tests on purpose)",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _require_browser_tools(browser_tools: None) -> None:
    """Applies browser_tools to every test in tests/browser."""


@pytest.fixture(scope="module")
def browser(browser_tools: None) -> Iterator[Browser]:
    """One Chromium per test module; isolate tests with browser.new_context() (open_page does).

    Module rather than session scope: Playwright's sync API allows one running instance per thread,
    so a session-long instance would break any module that starts `sync_playwright()` itself
    (tests/browser/test_site.py does). Launching Debian's Chromium takes ~0.2-0.5 s, so this costs
    little; once every module uses this fixture, scope="session" is a one-word change.
    """
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        try:
            chromium = launch_chromium(pw)
        except Exception as e:
            pytest.fail(f"could not launch Chromium: {e}\nFix: {INSTALL_HINT}", pytrace=False)
        yield chromium
        chromium.close()
    finally:
        pw.stop()


@pytest.fixture
def served_requests() -> list[str]:
    """Requests the test's static servers handled, as "GET /path 200"."""
    return []


@pytest.fixture
def serve_static(served_requests: list[str]) -> Iterator[Callable[[str | Path], str]]:
    """Factory: serve_static(directory) starts a 127.0.0.1 server and returns its base URL."""
    with ExitStack() as stack:

        def serve(directory: str | Path) -> str:
            return stack.enter_context(serve_directory(directory, request_log=served_requests))

        yield serve


@pytest.fixture
def site_dir() -> Any:
    pytest.fail(
        "served_site needs a `site_dir` fixture returning the built site directory; define one in "
        "your test module (e.g. build the site into tmp_path_factory and return the folder)",
        pytrace=False,
    )


@pytest.fixture
def served_site(site_dir: str | Path, serve_static: Callable[[str | Path], str]) -> str:
    """Base URL (no trailing slash) of site_dir served over HTTP on 127.0.0.1."""
    return serve_static(site_dir)
