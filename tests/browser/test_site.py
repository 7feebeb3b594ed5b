"""The example site in a real browser (Debian's Chromium via Playwright): what a resident meets.

Builds the example site at the repository root, serves it on 127.0.0.1 and opens the home
page, every listing, an item of each type, a tag page, the subscribe, search and keys pages.
Each page: no console errors, no failed requests, every internal link answers 200,
axe-core finds nothing critical or serious (on every page of the site, with the Nu Html
Checker: `site-builder verify`, test_gate.py).  Screenshots (phone, desktop, high contrast, 200% zoom) go to
artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urldefrag, urljoin, urlparse

import pytest

from site_builder.build import build

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
NOW = datetime.fromisoformat("2026-11-22T12:00:00+06:00")
SHOTS = ROOT / "artifacts" / "screenshots"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
LISTINGS = [
    "press-releases/",
    "rebuttals/",
    "announcements/",
    "media-plans/",
    "questions/",
    "divisions/",
    "archive/",
    "tags/",
]

# No importorskip or skipif here: conftest.py's autouse `browser_tools` fails every test when
# Playwright, Chromium, Java, axe-core or vnu.jar is missing (skipped only with
# SITE_BUILDER_SKIP_BROWSER=1); tests/test_no_silent_skips.py checks that it stays so.


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    prebuilt = os.environ.get("SITE_BUILDER_BROWSER_OUTPUT")  # check an already built output instead
    if prebuilt:
        return Path(prebuilt)
    out = tmp_path_factory.mktemp("example") / "output"
    result = build(ROOT, NOW, out)
    assert result.ok, [(p.path, p.line, p.code, p.args) for p in result.problems if p.is_error]
    return out


@pytest.fixture(scope="module")
def origin(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chromium(browser: object) -> object:
    """conftest.py's Chromium (browser_helpers.CHROMIUM, launched with CHROMIUM_ARGS)."""
    return browser


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _first_link(site: Path, page: str, pattern: str) -> str:
    """The first link matching `pattern` on a built page (e.g. an item on its listing)."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    found = re.search(pattern, html)
    assert found, f"no link like {pattern} on /{page}: is anything published?"
    return found.group(1)


@pytest.fixture(scope="module")
def pages(site: Path) -> list[str]:
    found = ["/", *(f"/{listing}" for listing in LISTINGS), "/subscribe/", "/search/?q=город", "/ky/", "/en/"]
    found += ["/press-centre/", "/media-requests/", "/data/", "/keys/"]
    sections = ("press-releases/", "rebuttals/", "announcements/", "media-plans/", "questions/")
    for section in (*sections, "ky/press-releases/"):
        found.append(_first_link(site, section, r'class="card-title"><a href="([^"]+)"'))
    found.append(_first_link(site, "tags", r'<li><a href="(/tags/[^"]+/)"'))
    return found


SCHEMES = ("bw", "wb", "blue")  # the visually-impaired version's colour schemes
PICTURED = "/press-releases/zimnee-soderzhanie/"  # an item with an image, to show them hidden


def _settings(page, scheme: str, images: str = "show") -> None:
    """Store the visually-impaired settings as the panel does (read on every page load)."""
    page.evaluate(
        "([s, i]) => localStorage.setItem('site-a11y', JSON.stringify({size: '1', scheme: s, images: i}))",
        [scheme, images],
    )


def _serious(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def _visit(chromium, origin: str, path: str) -> tuple[list[str], list[str], list[str], list[dict]]:
    """Open a page: its console errors, failed requests, links and serious axe violations."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(origin + path, wait_until="networkidle")
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    serious = _serious(page)
    page.close()
    return errors, failed, links, serious


def test_pages_work_in_the_browser(chromium, origin, pages):
    problems: dict[str, object] = {}
    checked: dict[str, int] = {}
    for path in pages:
        errors, failed, links, serious = _visit(chromium, origin, path)
        broken = []
        for link in links:
            url = urldefrag(urljoin(origin + path, link)).url
            if urlparse(url).netloc != urlparse(origin).netloc:
                continue  # external links are not fetched
            if url not in checked:
                checked[url] = _status(url)
            if checked[url] != 200:
                broken.append(f"{checked[url]} {url}")
        if errors or failed or broken or serious:
            problems[path] = {"console": errors, "failed": failed, "broken links": broken, "axe": serious}
    assert len(checked) > 20
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_no_serious_axe_violations_on_a_phone_and_in_every_colour_scheme(chromium, origin, pages):
    problems: dict[str, list[dict]] = {}
    phone = chromium.new_context(viewport={"width": 375, "height": 812})
    page = phone.new_page()
    for path in pages:
        page.goto(origin + path, wait_until="networkidle")
        if found := _serious(page):
            problems[f"375px {path}"] = found
    phone.close()
    desktop = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = desktop.new_page()
    page.goto(origin + "/")
    for scheme in SCHEMES:
        _settings(page, scheme)
        for path in pages:
            page.goto(origin + path, wait_until="networkidle")
            assert f"a11y-scheme-{scheme}" in page.evaluate("document.documentElement.className")
            if found := _serious(page):
                problems[f"{scheme} {path}"] = found
    desktop.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_search_finds_a_published_item(chromium, origin):
    page = chromium.new_page()
    page.goto(origin + "/search/", wait_until="networkidle")
    field = page.get_by_role("searchbox", name="Слова для поиска")
    field.focus()
    page.keyboard.type("Каракол")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('Найдено')")
    assert page.locator(".search-results a").count() >= 1
    assert re.fullmatch(r"Найдено по запросу «Каракол»: \d+", page.locator("#search-status").inner_text())
    assert page.evaluate("location.search") == "?q=" + "%D0%9A%D0%B0%D1%80%D0%B0%D0%BA%D0%BE%D0%BB"
    page.keyboard.press("Tab")  # the search button
    for name in ("Тип", "Подразделение", "Год", "Порядок"):  # the filters and the sort, labelled
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.labels[0].textContent") == name
    page.keyboard.press("Tab")  # the first result
    first = page.locator(".search-results a").first
    assert page.evaluate("document.activeElement.closest('.search-results') !== null")
    target = first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(origin + target)
    assert "Каракол" in page.locator("main").inner_text()
    page.close()


def test_search_reads_the_query_and_pages_its_results(chromium, origin):
    page = chromium.new_page()
    page.goto(origin + "/search/?q=город")  # the header form's address
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('Найдено')")
    assert page.locator("#search-q").input_value() == "город"
    results = page.locator(".search-results li")
    assert results.count() == 10 and page.locator("mark").count() >= 1
    total = int(page.locator("#search-status").inner_text().rsplit(" ", 1)[-1])
    more = page.get_by_role("button", name="Показать ещё")
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('.search-results li').length > 10")
    assert results.count() == min(total, 20)
    # focus moves to the first new result, so a keyboard user goes on reading there
    assert page.evaluate(
        "document.activeElement.closest('li') === document.querySelectorAll('.search-results li')[10]"
    )
    page.locator("#search-q").fill("ыыыы")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('search-status').textContent.includes('ничего не найдено')"
    )
    assert results.count() == 0 and not more.is_visible()
    page.close()


def _reader(site: Path, lang: str):
    """tests/search_reader.py's Reader (the script's lookup in Python) over the built site."""
    spec = importlib.util.spec_from_file_location("search_reader", HERE.parent / "search_reader.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Reader(site, lang)


@pytest.mark.parametrize(
    ("prefix", "query"),
    [
        ("", "Каракол"),
        ("", "вода"),
        ("", "итоги года"),
        ("", "Ремонта улиц"),
        ("", "город"),
        ("ky/", "шаардагы"),
        ("ky/", "мэрия"),
        ("en/", "city"),
    ],
)
def test_search_script_finds_what_the_python_tests_find(chromium, origin, site, prefix, query):
    """The browser's results, in order, are the Python reader's: the index tests speak for the script."""
    expected = [row[0] for row in _reader(site, prefix.strip("/") or "ru").docs(query)]
    assert expected, query
    page = chromium.new_page()
    page.goto(f"{origin}/{prefix}search/?q={quote(query)}")
    page.wait_for_function("(document.getElementById('search-status').textContent || '…').indexOf('…') < 0")
    more = page.locator("#search-more")
    while more.is_visible():
        shown = page.locator(".search-results li").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.search-results li').length > n", arg=shown)
    found = page.eval_on_selector_all(
        ".search-results h2 a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert found == expected
    page.close()


def test_visually_impaired_settings_work_by_keyboard_and_are_remembered(chromium, origin):
    page = chromium.new_page()
    page.goto(origin + "/")
    page.keyboard.press("Tab")  # skip link
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")  # the panel's summary
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Белым по чёрному").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Очень крупный шрифт").focus()
    page.keyboard.press("Space")
    page.goto(origin + "/press-releases/")
    classes = page.evaluate("document.documentElement.className")
    assert "a11y-scheme-wb" in classes and "a11y-size-2" in classes
    assert page.locator("[data-a11y=scheme][data-value=wb]").get_attribute("aria-pressed") == "true"
    page.close()


def test_screenshots_and_no_horizontal_scrolling(chromium, origin, pages):
    SHOTS.mkdir(parents=True, exist_ok=True)
    item = pages[-2]
    views = {
        "phone": {"viewport": {"width": 375, "height": 812}},
        "desktop": {"viewport": {"width": 1280, "height": 900}},
        # 200% zoom of a 1280 px window: half the CSS pixels, each drawn twice as large.
        "zoom200": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
    }
    wide: list[str] = []
    for view, options in views.items():
        context = chromium.new_context(**options)
        page = context.new_page()
        for name, path in (("home", "/"), ("item", item), ("ky-home", "/ky/"), ("search", "/search/?q=вода")):
            page.goto(origin + path, wait_until="networkidle")
            if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                wide.append(f"{view} {path}")
            page.screenshot(path=str(SHOTS / f"{name}-{view}.png"), full_page=True)
        context.close()
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(origin + "/")
    for scheme in SCHEMES:
        _settings(page, scheme, images="hide")
        page.goto(origin + PICTURED, wait_until="networkidle")
        assert page.locator(".body img").count() >= 1, "the pictured item has no image"
        assert not page.locator(".body img").first.is_visible(), "images are not hidden"
        page.screenshot(path=str(SHOTS / f"item-contrast-{scheme}.png"), full_page=True)
    context.close()
    assert not wide, f"horizontal scrolling: {wide}"
