"""The search page in Chromium, on a generated site (tests/search_corpus.py): the script
splits words as the build does, finds what tests/search_reader.py finds (the query-set
tests in test_search_quality.py speak for it), and a person can search, filter, sort,
share the address, read excerpts and follow a result; axe finds nothing serious at 375
and 1280 px; without JavaScript the note is shown.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from browser_helpers import open_page, run_axe, serve_directory

from site_builder.build import build

HERE = Path(__file__).parent
TESTS = HERE.parent
NOW = datetime.fromisoformat("2026-11-22T12:00:00+06:00")
sys.path.insert(0, str(TESTS))

from search_corpus import KY_CONFIG, QUERIES, files, url_of  # noqa: E402
from sitekit import make_site  # noqa: E402


def _reader_module():
    spec = importlib.util.spec_from_file_location("search_reader", TESTS / "search_reader.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("search-page"), files(300), KY_CONFIG)
    result = build(root, NOW, root / "output")
    assert result.ok, [(p.path, p.code) for p in result.problems if p.is_error]
    return root / "output"


@pytest.fixture(scope="module")
def origin(site: Path, browser_tools: None) -> Iterator[str]:
    with serve_directory(site) as base:
        yield base


def _settled(page) -> None:
    page.wait_for_function(
        "(() => { const s = document.getElementById('search-status').textContent;"
        " return s && s.indexOf('…') < 0; })()"
    )


def _failed(opened) -> list[str]:
    """Failed requests, but for those a navigation cut short (the next query's page)."""
    return [failure for failure in opened.failed_requests if "ERR_ABORTED" not in failure]


def _links(page) -> list[str]:
    return page.eval_on_selector_all(
        ".search-results h2 a", "links => links.map(a => a.getAttribute('href'))"
    )


def test_the_script_splits_words_as_the_index_does(browser, origin):
    cases = json.loads((TESTS / "search_tokens.json").read_text(encoding="utf-8"))
    opened = open_page(browser, origin + "/search/")
    found = opened.page.evaluate("cases => cases.map(c => window.siteSearchWords(c.text))", cases)
    assert [sorted(words) for words in found] == [sorted(case["words"]) for case in cases]
    opened.close()


FILTERS = [
    {},
    {"type": "rebuttal"},
    {"year": "2024"},
    {"division": "education", "sort": "date"},
    {"sort": "date"},
]


@pytest.mark.parametrize("query", [*QUERIES, "мэрии", "новые контейнерв", "ky:шаардын"])
def test_the_script_finds_what_the_reader_finds(browser, origin, site, query):
    lang, text = ("ky", query[3:]) if query.startswith("ky:") else ("ru", query)
    prefix = "ky/" if lang == "ky" else ""
    reader = _reader_module().Reader(site, lang)
    opened = open_page(browser, origin)
    for filters in FILTERS if query == "мэрии" else [{}]:
        expected = [row[0] for row in reader.docs(text, **filters)][:10]
        extra = "".join(f"&{name}={value}" for name, value in filters.items())
        opened.page.goto(f"{origin}/{prefix}search/?q={quote(text)}{extra}")
        _settled(opened.page)
        assert _links(opened.page) == expected, filters
    assert not opened.console_errors and not _failed(opened)
    opened.close()


def test_a_person_searches_filters_sorts_and_follows_a_result(browser, origin, site):
    opened = open_page(browser, origin + "/search/")
    page = opened.page
    page.get_by_role("searchbox", name="Слова для поиска").fill("мэрии")
    page.keyboard.press("Enter")
    _settled(page)
    total = int(page.locator("#search-status").inner_text().rsplit(" ", 1)[-1])
    assert total > 100 and page.locator(".search-results li").count() == 10
    page.get_by_label("Тип").select_option("rebuttal")
    _settled(page)
    assert "type=rebuttal" in page.url
    badges = page.locator(".search-results .badge").all_inner_texts()
    assert badges and len(set(badges)) == 1
    filtered = int(page.locator("#search-status").inner_text().rsplit(" ", 1)[-1])
    assert 0 < filtered < total
    page.get_by_label("Тип").select_option("")
    page.get_by_label("Порядок").select_option("date")
    _settled(page)
    assert page.url.endswith("?q=%D0%BC%D1%8D%D1%80%D0%B8%D0%B8&sort=date")
    days = page.eval_on_selector_all(".search-results time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert days == sorted(days, reverse=True) and len(days) == 10
    # the address is shared: another window shows the same
    other = open_page(browser, page.url)
    _settled(other.page)
    assert _links(other.page) == _links(page) and other.page.get_by_label("Порядок").input_value() == "date"
    other.close()
    first = page.locator(".search-results h2 a").first
    target = first.get_attribute("href")
    first.click()
    page.wait_for_url(origin + target)
    assert not opened.console_errors and not _failed(opened)
    opened.close()


def test_excerpts_show_the_match_in_its_text_and_a_typo_is_said(browser, origin):
    opened = open_page(browser, origin + "/search/?q=" + quote("Поповой"))
    page = opened.page
    _settled(page)
    excerpts = page.locator(".search-excerpt").all_inner_texts()
    marks = page.locator(".search-excerpt mark").all_inner_texts()
    assert len(excerpts) == 3 and all("Попова" in text for text in excerpts), excerpts
    assert set(marks) == {"Попова"}
    page.goto(origin + "/search/?q=" + quote("1 500"))
    _settled(page)
    assert "1\u00a0500" in page.locator(".search-excerpt mark").all_inner_texts() or "1 500" in (
        page.locator(".search-excerpt mark").all_inner_texts()
    )
    page.goto(origin + "/search/?q=" + quote("котельнх"))
    _settled(page)
    assert page.locator("#search-status").inner_text() == (
        "Найдено по запросу «котельнх»: 1 Возможно, вы искали «котельных»."
    )
    assert _links(page) == [url_of("typo-1")]
    assert page.locator(".search-excerpt mark").all_inner_texts() == ["котельных"]
    opened.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_search_page_with_results_and_filters_passes_axe(browser, origin, width):
    opened = open_page(
        browser, origin + "/search/?q=" + quote("мэрии") + "&type=press-release&sort=date", width
    )
    _settled(opened.page)
    assert opened.page.locator(".search-excerpt mark").count() >= 1
    assert not run_axe(opened.page)
    assert opened.page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    opened.close()


def test_without_javascript_the_page_says_where_else_to_look(browser, origin):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(origin + "/search/?q=" + quote("мэрии"))
    assert (
        page.locator("noscript, .notice").first.is_visible()
        or page.get_by_role("link", name="Архив").is_visible()
    )
    assert not page.locator("#search").is_visible()
    context.close()
