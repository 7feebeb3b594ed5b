"""Self-test of the browser-test infrastructure: server, Chromium, axe-core, vnu.jar, screenshots."""

from __future__ import annotations

import struct
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser_helpers import (
    SCREENSHOT_DIR,
    format_axe,
    has_horizontal_scroll,
    open_page,
    run_axe,
    screenshot,
    vnu_check,
)

HEAD = """<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{extra}<title>{title}</title>
</head>
"""

# An accessible, valid page with a strict CSP (no inline script or style), an external stylesheet
# with a breakpoint, a script, an SVG image, a labelled form and a feed link.
GOOD = (
    HEAD.format(
        title="Пресс-служба — главная",
        extra=(
            '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">\n'
            '<link rel="icon" href="/logo.svg" type="image/svg+xml">\n'
            '<link rel="stylesheet" href="/style.css">\n'
            '<link rel="alternate" type="application/rss+xml" title="Новости" href="/feed.xml">\n'
            '<script src="/app.js" defer></script>\n'
        ),
    )
    + """<body>
<header><a href="/">Пресс-служба администрации</a>
<nav aria-label="Основное меню"><ul><li><a href="/news/">Новости</a></li>
<li><a href="/events.ics">Календарь</a></li></ul></nav></header>
<main>
<h1>Новости города</h1>
<p>Сегодня в городе прошла плановая проверка систем оповещения населения.</p>
<img src="/logo.svg" alt="Герб города" width="120" height="120">
<form action="/search/" method="get">
<label for="q">Поиск по сайту</label>
<input id="q" name="q" type="search">
<button type="submit">Найти</button>
</form>
<p id="js-status">скрипт не выполнен</p>
</main>
<footer><p>© Администрация города</p></footer>
</body>
</html>
"""
)

# Valid HTML, but an image without alt text and an input without a label.
BAD_A11Y = (
    HEAD.format(title="Плохая доступность", extra="")
    + """<body>
<main>
<h1>Объявление</h1>
<img src="/logo.svg" width="120" height="120">
<form action="/search/"><input id="q" name="q" type="text"></form>
</main>
</body>
</html>
"""
)

# Markup errors the Nu Html Checker must report (line numbers checked below).
INVALID = """<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>Невалидная страница</title>
</head>
<body>
<main>
<ul><div>элемент div не может быть потомком ul</div></ul>
<p id="dup">раз</p><p id="dup">два</p>
<span><p>абзац внутри span</span>
</main>
</body>
</html>
"""

WIDE = (
    HEAD.format(title="Широкая страница", extra="")
    + """<body><main><h1>Широкая таблица</h1>
<div style="width: 2000px; height: 20px; background: #036">&nbsp;</div></main></body></html>
"""
)

# Fits 1280 CSS px but not 640: scrolls sideways only when zoomed to 200 %.
MEDIUM = (
    HEAD.format(title="Средняя ширина", extra="")
    + """<body><main><h1>Таблица</h1>
<div style="width: 1000px; height: 20px; background: #036">&nbsp;</div></main></body></html>
"""
)

# Console error, uncaught exception, a missing image (404) and a refused connection.
BROKEN = (
    HEAD.format(title="Сломанная страница", extra="")
    + """<body><main><h1>Сломано</h1>
<img src="/missing.png" alt="нет такого файла">
<img src="http://127.0.0.1:9/refused.png" alt="порт закрыт">
<script>console.error("boom from console"); throw new Error("boom from exception");</script>
</main></body></html>
"""
)

NOT_FOUND = HEAD.format(title="Страница не найдена", extra="") + (
    "<body><main><h1>Страница не найдена</h1></main></body></html>\n"
)

STYLE = """body { font-family: "Liberation Sans", Arial, sans-serif; margin: 0 auto; padding: 1rem;
  max-width: 60rem; color: #1a1a1a; background: #fff; line-height: 1.5; }
a { color: #0645ad; }
nav ul { display: flex; gap: 1rem; list-style: none; padding: 0; }
input, button { font: inherit; }
@media (max-width: 700px) { nav ul { display: block; } body { font-size: 1.125rem; } }
"""

APP_JS = """document.getElementById("js-status").textContent = "скрипт выполнен";"""

SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="120" height="120">
<rect width="10" height="10" fill="#036"/></svg>
"""


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    files = {
        "index.html": GOOD,
        "bad-a11y.html": BAD_A11Y,
        "invalid.html": INVALID,
        "wide.html": WIDE,
        "medium.html": MEDIUM,
        "broken.html": BROKEN,
        "404.html": NOT_FOUND,
        "style.css": STYLE,
        "app.js": APP_JS,
        "logo.svg": SVG,
        "feed.xml": '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel/></rss>\n',
        "events.ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//\r\nEND:VCALENDAR\r\n",
        "data.json": '{"ok": true}\n',
        "manifest.webmanifest": '{"name": "Пресс-служба"}\n',
        "news/index.html": GOOD.replace("Пресс-служба — главная", "Новости"),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "empty-dir").mkdir()
    return root


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


# --------------------------------------------------------------------------- server


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/news/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
        ("/feed.xml", "application/xml"),
        ("/events.ics", "text/calendar; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/manifest.webmanifest", "application/manifest+json"),
    ],
)
def test_server_content_types(served_site: str, path: str, content_type: str) -> None:
    status, ctype, _ = _get(served_site + path)
    assert (status, ctype) == (200, content_type)


@pytest.mark.parametrize("path", ["/no-such-page/", "/missing.png", "/empty-dir/"])
def test_server_serves_404_page(served_site: str, served_requests: list[str], path: str) -> None:
    status, ctype, body = _get(served_site + path)
    assert status == 404
    assert ctype == "text/html; charset=utf-8"
    assert "Страница не найдена" in body.decode("utf-8")
    assert served_requests[-1] == f"GET {path} 404"


# --------------------------------------------------------------------------- browser


def test_good_page_is_clean(browser, served_site: str) -> None:
    with open_page(browser, served_site + "/", 1280) as p:
        assert p.response is not None and p.response.status == 200
        # the external script ran under the CSP, so the page really was rendered by Chromium
        assert p.page.text_content("#js-status") == "скрипт выполнен"
        assert p.console_errors == []
        assert p.failed_requests == []
        violations = run_axe(p)
        assert violations == [], format_axe(violations)
        assert not has_horizontal_scroll(p)
        # axe was injected despite the CSP, and did not cause console errors either
        assert p.console_errors == []


def test_bad_page_is_caught_by_axe(browser, served_site: str) -> None:
    with open_page(browser, served_site + "/bad-a11y.html", 1280) as p:
        violations = run_axe(p)
    ids = {v["id"] for v in violations}
    assert {"image-alt", "label"} <= ids, format_axe(violations)
    assert all(v["impact"] in {"critical", "serious"} for v in violations)
    assert "img" in format_axe(violations)


def test_console_errors_and_failed_requests_are_recorded(browser, served_site: str) -> None:
    with open_page(browser, served_site + "/broken.html", 1280) as p:
        p.page.wait_for_load_state("networkidle")
        errors = "\n".join(p.console_errors)
        failed = "\n".join(p.failed_requests)
    assert "boom from console" in errors
    assert "pageerror: " in errors and "boom from exception" in errors
    assert f"HTTP 404 GET {served_site}/missing.png" in failed
    assert "requestfailed: GET http://127.0.0.1:9/refused.png" in failed


def test_missing_page_gets_the_404_page(browser, served_site: str) -> None:
    with open_page(browser, served_site + "/no-such-page/", 1280) as p:
        assert p.response is not None and p.response.status == 404
        assert p.page.title() == "Страница не найдена"
        assert p.failed_requests == [f"HTTP 404 GET {served_site}/no-such-page/"]


def test_vnu_passes_good_and_reports_invalid(site_dir: Path) -> None:
    good, bad_a11y, invalid = site_dir / "index.html", site_dir / "bad-a11y.html", site_dir / "invalid.html"
    errors = vnu_check([good, site_dir / "news", bad_a11y, invalid])  # one JVM run, files and a folder
    by_file: dict[Path, list] = {}
    for e in errors:
        by_file.setdefault(e.file, []).append(e)
    assert good.resolve() not in by_file, "\n".join(map(str, errors))
    assert (site_dir / "news" / "index.html").resolve() not in by_file, "\n".join(map(str, errors))
    invalid_errors = by_file.get(invalid.resolve(), [])
    text = "\n".join(map(str, invalid_errors))
    assert {9, 10, 11} <= {e.line for e in invalid_errors}, text
    assert any("div" in e.message and "ul" in e.message for e in invalid_errors), text
    assert any("Duplicate ID" in e.message for e in invalid_errors), text
    # The Nu checker flags the missing alt too (the missing label is for axe to find).
    assert any("alt" in e.message for e in by_file.get(bad_a11y.resolve(), [])), "\n".join(map(str, errors))
    assert all(str(e).startswith(f"{e.file}:{e.line}") for e in errors)


def test_vnu_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"does-not-exist\.html"):
        vnu_check([tmp_path / "does-not-exist.html"])


def test_horizontal_scroll(browser, served_site: str) -> None:
    with open_page(browser, served_site + "/", 375) as p:
        assert not has_horizontal_scroll(p)
    with open_page(browser, served_site + "/wide.html", 1280) as p:
        assert has_horizontal_scroll(p)
    # a 1000-px element fits a 1280-px window at 100 % but not at 200 % zoom
    with open_page(browser, served_site + "/medium.html", 1280) as p:
        assert not has_horizontal_scroll(p)
    with open_page(browser, served_site + "/medium.html", 1280, zoom=2) as p:
        assert has_horizontal_scroll(p)


def test_screenshots_at_widths_and_zoom(browser, served_site: str) -> None:
    shots = {}
    for name, width, zoom in [("mobile-375", 375, 1), ("desktop-1280", 1280, 1), ("zoom-200", 1280, 2)]:
        with open_page(browser, served_site + "/", width, zoom=zoom) as p:
            if zoom == 2:
                # what Chromium shows at 200 %: a 640-CSS-px viewport at devicePixelRatio 2,
                # so the site's breakpoints apply exactly as for a person who zooms in
                state = p.page.evaluate(
                    "() => [innerWidth, devicePixelRatio, matchMedia('(max-width: 700px)').matches]"
                )
                assert state == [640, 2, True]
            assert not has_horizontal_scroll(p), name
            assert p.problems == []
            shots[name] = screenshot(p, f"infra-{name}")
    for name, path in shots.items():
        assert path.parent == SCREENSHOT_DIR and path.is_file(), name
    assert _png_size(shots["mobile-375"])[0] == 375
    assert _png_size(shots["desktop-1280"])[0] == 1280
    # 640 CSS px rendered at 2x: same window width in device pixels, everything twice as large
    assert _png_size(shots["zoom-200"])[0] == 1280
    assert _png_size(shots["zoom-200"])[1] > _png_size(shots["desktop-1280"])[1]
