"""The fast path (markdown-it-pyrs) gives exactly what the exact path (markdown-it-py) does.

Whenever the fast path takes a body, both give the same `Rendered`; a body that needs a
line (a problem, an image, a link to another item), or that pyrs may render otherwise,
takes the markdown-it-py path.  The random bodies are how markdown_rs's guards were found.
"""

from __future__ import annotations

from pathlib import Path

import markdown_it_pyrs  # a hard dependency (pyproject.toml): missing, these tests fail, never skip
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from site_builder.load import frontmatter, markdown
from site_builder.speed import markdown_rs

ROOT = Path(__file__).parent.parent
MD = markdown.make_parser()
PATH = "content/press-releases/2026/a.md"
WHERE = {
    "item_dir": "press-releases/2026",
    "item_url": "/press-releases/item/",
    "attachments": frozenset({"report.pdf", "отчёт 2026.pdf", "photo.jpg"}),
}


def test_the_fast_path_is_on() -> None:
    """The installed pyrs is the one these tests are for: without it every fast() is None and
    the comparisons below would compare nothing."""
    assert MD.fast is not None, f"markdown-it-pyrs {markdown_it_pyrs.__version__} is not used"


def fast(body: str) -> markdown.Rendered | None:
    return markdown._render_fast(MD, body, markdown.Place(**WHERE))


def slow(body: str) -> markdown.Rendered:
    return markdown._render_slow(MD, body, markdown.Place(**WHERE), path=PATH, body_line=7)


TABLE = "| Район | 2025 | 2026 |\n|---|---:|:-:|\n| Ленинский | 1 | &lt; |\n| Октябрьский | 2 | **3** |\n"

# (body, whether the fast path takes it); a newline is added, as a file's body ends with one.
BODIES = [
    ("Просто текст.", True),
    (TABLE, True),
    ("До таблицы.\n\n" + TABLE + "\nПосле.\n\n" + TABLE, True),
    ("| a | b |\n|---|---|\n| `<i>` | `c|d` |\n| e \\| f |", True),
    ("- один\n  - два\n    1. три\n    2. четыре\n- пять\n\n> цитата\n> - в цитате", True),
    ("1. один\n2. два\n\n> цитата\n\n3. три", True),
    ('Код: `<div class="x">` и\n\n```html\n<p>блок</p>\n```\nТекст\n```\nкод\n```', True),
    ("    <b>отступ</b>\n\n- пункт\n\n      код в пункте", True),
    ("Сущности: &copy; &amp; &lt; &#1046; &nbsp; &unknown; \\* \\<", True),
    ("&nbsp;Неразрывный&nbsp;пробел&#8201;и&thinsp;тонкий и \x00", True),
    ("Автоссылки <https://city.example.ru/a?b=c&d=e> и <press@city.example.ru>", True),
    ("[ссылка][ref] и [ещё][]\n\n[ref]: https://example.org/a 'Заголовок'\n[ещё]: /news/", True),
    ("[почта](mailto:press@city.example.ru), [телефон](tel:+996312123456)", True),
    ("[отчёт](report.pdf), [отчёт](<отчёт 2026.pdf>), [фото](photo.jpg#x)", True),
    ("[якорь](#top), [корень](/about/), [запрос](?q=1), [пусто]()", True),
    ('[Википедия](https://ru.wikipedia.org/wiki/Бишкек) и [с заголовком](http://a.kg "t<i>")', True),
    ("Рост на 15%: [вырос на 15%](https://example.org/p%20q)", True),
    ("## См. [документы](http://x.kg)\n\n## Итоги **года**\n\n## Итоги года\n\n##\n\n## &amp; &gt;", True),
    ("Заголовок\n=========\nс продолжением\n---", True),
    ("Текст\n\n---\n\nпосле черты\n***\n- - -", True),
    ("строка  \nразрыв\\\nещё\nмягкий", True),
    ("~~зачёркнуто~~ *курсив* **жирный** ***оба***", True),
    ("_курсив_ __жирный__ ___оба___ snake_case_name", True),
    ("**Жирный** и @visit_karakol_press", True),
    ("Кириллица: Бишкек, Ош, Жалал-Абад — «кавычки» и ё.\n\n1) первый\n2) второй", True),
    ("> " * 15 + "глубоко", True),
    # A problem, an image or a link to another item needs its line: markdown-it-py.
    ("[x](JaVaScRiPt:alert(1))", False),
    ("[x](&#106;avascript:1)", False),
    ("[x](javascript&colon;1)", False),
    ("[x](javascript\\:1)", False),
    ("[x](<java script:1>)", False),
    ("[x](java%73cript:1)", False),
    ("[x](javaſcript:1)", False),
    ("<javascript:alert(1)>", False),
    ("[x][r]\n\n[r]: vbscript:1", False),
    ("[x](file:///etc/passwd) ![a](data:image/png;base64,AA)", False),
    ("[x](ftp://example.org/)", False),
    ("[x](../../../secret.pdf)", False),
    ("[x](missing.pdf)", False),
    ("[другой материал](other.md#part)", False),
    ("![фото](photo.jpg)", False),
    ("![](photo.jpg)", False),
    ("Текст с <b>тегом</b>", False),
    ("Экранированный &lt;script&gt; тег", False),
    ("## &amp; &lt;b&gt;", False),
    # pyrs may render these otherwise (see markdown_rs): markdown-it-py.
    ("[x](http://пример.рф/) [y](//пример.рф/) [z](mailto:a@пример.рф)", False),
    ("<http://xn--e1afmkfd.xn--p1ai/> и <https://a.kg/%D0%BF>", False),
    ("[x](http://[::1]/) [y](http://@a.kg/)", False),
    ("[x](u&nbsp;) [y](&#x2009;v)", False),
    ("Неразрывный\xa0пробел", False),
    ("Узкий\u202fпробел и\u2009тонкий", False),
    ("перевод\r\nстроки", False),
    ("| одна колонка |\n---", False),
    ("одна колонка\n|---|", False),
    ("- колонка |\n---", False),
    ("- колонка\n:-:", False),
    ("> a | b\n|---|---|", False),
    ("``` a | b\n|---|---|", False),
    ("- | a |\n|---|---|", False),
    ("> цитата\nb | c\n|---|---|", False),
    ("\\|| a\n|---|---|", False),
    ("|" + "a|" * 300 + "\n|" + "-|" * 300 + "\n" + "|\n" * 300, False),
    ("> " * 25 + "слишком глубоко", False),
    ("".join("  " * i + "- п\n" for i in range(12)), False),
    ("> ", False),
    ("- >\n---", False),
    ("> цитата\n-", False),
    ("> цитата\n*", False),
    ("> цитата\nленивая строка\n11. пункт", False),
    ("| a | b |\n|---|---|\n2. пункт", False),
    ("[r]: https://example.org/r\\\n\n[r]", False),
    ("[r]: /news/\n\nСм. [r](", False),
    ("[r]: /news/\n\nСм. [r][[x]]", False),
    ("~~a~~~~b~~", False),
    ("*a_a_*_]_", False),
    ("Пробелы: `     `", False),
    ("- пункт `код\n  дальше`", False),
    ("- пункт\n  ```\n  код\n  ```", False),
    ("[`", False),
]


@pytest.mark.parametrize(("body", "takes_fast"), BODIES)
def test_both_paths_agree(body: str, takes_fast: bool) -> None:
    body += "\n"
    result = fast(body)
    assert (result is not None) == takes_fast
    expected = slow(body)
    if result is not None:
        assert result == expected
    assert markdown.render(MD, body, markdown.Place(**WHERE), path=PATH, body_line=7) == expected


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("[x](JaVaScRiPt:alert(1))", "UNSAFE_LINK"),
        ("[x](&#106;avascript:1)", "UNSAFE_LINK"),
        ("[x](<java script:1>)", "UNSAFE_LINK"),
        ("[x](java%73cript:1)", "UNSAFE_LINK"),
        ("<javascript:alert(1)>", "UNSAFE_LINK"),
        ("[x](missing.pdf)", "BROKEN_LINK"),
        ("![](photo.jpg)", "IMAGE_NO_ALT"),
        ("Текст с <b>тегом</b>", "RAW_HTML"),
    ],
)
def test_declined_bodies_keep_their_diagnosis(body: str, code: str) -> None:
    rendered = markdown.render(MD, "\n" + body + "\n", markdown.Place(**WHERE), path=PATH, body_line=7)
    assert [(p.code, p.line) for p in rendered.problems] == [(code, 8)]


def test_what_both_paths_add() -> None:
    body = TABLE + "\n## См. [документы](http://x.kg)\n\n## Итоги\n\n## Итоги\n\n[отчёт](<отчёт 2026.pdf>)\n"
    for rendered in (fast(body), slow(body)):
        assert rendered is not None
        assert rendered.html.startswith('<div class="table-wrap" tabindex="0"><table>\n<thead>')
        assert "</tbody>\n</table></div>\n" in rendered.html
        assert '<h2 id="sm-dokumenty">См. <a href="http://x.kg">документы</a></h2>' in rendered.html
        assert rendered.headings == (
            (2, "sm-dokumenty", "См. документы"),
            (2, "itogi", "Итоги"),
            (2, "itogi-2", "Итоги"),
        )
        # the file's name as a URI path segment (issue 22, W2)
        assert '<a href="/press-releases/item/%D0%BE%D1%82%D1%87%D1%91%D1%82%202026.pdf">' in rendered.html
    other = slow("[a](other.md#part)\n")
    assert other.html == '<p><a href="sb-ref:press-releases/2026/other.md#part">a</a></p>\n'
    assert [(link.target, link.line) for link in other.md_links] == [("press-releases/2026/other.md", 7)]


def test_a_last_line_without_newline_takes_the_slow_path() -> None:
    assert fast("```\nнезакрытый блок") is None  # pyrs ends it with a newline, markdown-it-py not
    assert fast("") == slow("")


@pytest.mark.parametrize("pyrs", ["missing", "untested"])
def test_without_pyrs_everything_takes_the_slow_path(monkeypatch: pytest.MonkeyPatch, pyrs: str) -> None:
    if pyrs == "missing":
        monkeypatch.setattr(markdown_rs, "markdown_it_pyrs", None)
    else:
        monkeypatch.setattr(markdown_rs.markdown_it_pyrs, "__version__", "0.5.0")
    md = markdown.make_parser()
    assert md.fast is None
    assert markdown._render_fast(md, TABLE, markdown.Place(**WHERE)) is None
    assert markdown.render(md, TABLE, markdown.Place(**WHERE), path=PATH, body_line=7) == slow(TABLE)


FRAGMENTS = [
    *("текст", "word", "*em*", "**strong**", "_x_", "~~s~~", "~", "~~", "`code <b>`", "`"),
    *("*", "_", "[", "]", "(", ")", "<", ">", "!", "\\", "|", "#", "%", "%73", "15%", ":-:"),
    *("&amp;", "&lt;", "&#106;", "&colon;", "&nbsp;", "\xa0", "\u2009", "\x85", "\r\n", "```"),
    *("[a](https://example.org/x)", "[a](report.pdf)", "[a](<отчёт 2026.pdf>)", "[a](missing.pdf)"),
    *("[a](other.md)", "[a](../x)", "[a](#top)", "[a](/abs)", "[a][r]", "[r]: https://example.org/r"),
    *("[r]: javascript:1", "![alt](photo.jpg)", "![](photo.jpg)", "<https://example.org/a%D0%BF>"),
    *("<https://example.org/>", "<a@b.kg>", "[j](JaVaScRiPt:1)", "[j](java\tscript:1)", "data:"),
    *("[i](http://пример.рф/)", '[t](https://a.kg "title")', "[n](u&nbsp;)", "<b>", "</p>"),
    *("| a | b |", "|---|---|", "| a |", "---", "\\|", "`|`"),
]
PREFIXES = ["", "", "", "# ", "## ", "> ", "- ", "1. ", "2. ", "    ", "  - ", "| ", "```\n"]
SEPARATORS = [" ", " ", "", "\n", "\n\n", "  \n", "\\\n", "\n---\n", "\n|---|---|\n", "\n===\n"]
CHARACTERS = [*"a  \n\n*_`[]()<>!#-|:\\&;~1.\t'\"=+/ай", "&amp;", "    ", "> ", "- ", "1. ", "```", "**"]


@st.composite
def composed(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        parts.append(draw(st.sampled_from(PREFIXES)) + draw(st.sampled_from(FRAGMENTS)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts) + draw(st.sampled_from(["\n", ""]))


dense = st.lists(st.sampled_from(CHARACTERS), min_size=1, max_size=40).map(
    lambda found: "".join(found) + "\n"
)
LINE_STARTS = ["", "", "> ", ">", "- ", "* ", "1. ", "2) ", "  ", "    ", "# ", "```", "| ", "|", "---"]
LINE_ENDS = ["текст", "a | b", "| a | b |", "|---|---|", ":-:", "**ж**", "`к`", "[a](/u)", "", "c\\", "1."]
line = st.tuples(st.sampled_from(LINE_STARTS), st.sampled_from(LINE_ENDS)).map("".join)
lines = st.lists(line, min_size=1, max_size=8).map(lambda found: "\n".join(found) + "\n")


@settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(composed(), dense, lines))
def test_random_bodies_agree(body: str) -> None:
    result = fast(body)
    event("fast" if result is not None else "slow")
    if result is not None:
        assert result == slow(body)


def example_bodies() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        document, _ = frontmatter.read(path.read_bytes(), str(path))
        if document is not None:
            found.append((path.relative_to(ROOT / "content").as_posix(), document.split.body))
    return found


def test_example_site_bodies_agree() -> None:
    bodies = example_bodies()
    taken = 0
    for rel, body in bodies:
        where = {"item_dir": rel.rpartition("/")[0], "item_url": "/x/", "attachments": frozenset()}
        result = markdown._render_fast(MD, body, markdown.Place(**where))
        if result is not None:
            taken += 1
            assert result == markdown._render_slow(
                MD, body, markdown.Place(**where), path=rel, body_line=1
            ), rel
    assert bodies and taken > len(bodies) // 2


def test_a_pyrs_panic_takes_the_slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown_rs, "_source_differs", lambda body: False)
    assert markdown_rs.render(MD.fast, "[`\n") is None  # pyrs 0.4 panics on this
