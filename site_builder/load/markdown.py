"""Markdown body → safe HTML, with the links, images and problems found on their lines.

Raw HTML is never passed through (markdown-it's `html` option is off, so it shows as
text); links are checked here rather than by markdown-it's validateLink, which drops
bad links silently — an editor must be told, with the line.

A body that needs no line — no problem, no image, no link to another item — is rendered
by markdown-it-pyrs (Rust, ~10x faster) where markdown_rs vouches that its HTML is
markdown-it-py's; its links are rewritten as here.  Everything else, and every body
when pyrs is not installed, goes through markdown-it-py, whose tokens carry lines.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from site_builder.errors import Problem, problem
from site_builder.load import urls
from site_builder.load.model import Link
from site_builder.load.slugs import slug
from site_builder.speed import markdown_rs

if TYPE_CHECKING:
    import markdown_it_pyrs

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
REF_PREFIX = "sb-ref:"
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*")
_BLANKS = dict.fromkeys([*range(33), 127])  # control characters and spaces, which browsers skip
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>")


class Parser(MarkdownIt):
    """markdown-it-py set up for bodies, with markdown-it-pyrs (`fast`) when installed."""

    fast: markdown_it_pyrs.MarkdownIt | None


def make_parser() -> Parser:
    """The one set-up: CommonMark + tables + strikethrough, no raw HTML."""
    md = Parser("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # checked in _check_link, with the editor's line
    md.fast = markdown_rs.make()
    return md


@dataclass(frozen=True)
class Rendered:
    html: str
    md_links: tuple[Link, ...]
    images: tuple[Link, ...]
    problems: tuple[Problem, ...]
    headings: tuple[tuple[int, str, str], ...]  # (level, id, text)


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see, seeing through case, entities, escapes and blanks."""
    head, colon, _ = unquote(unescape(url)).partition(":")
    match = _SCHEME.fullmatch(head.translate(_BLANKS).lower()) if colon else None
    return match.group(0) if match else None


class Place(NamedTuple):
    """Where a body's links resolve: the item's folder under content/, its page URL, the
    names of its attachments, and the site's base path (`base_url`'s path: a link written
    from the site's root, `/press-releases/…`, lies under it)."""

    item_dir: str
    item_url: str
    attachments: frozenset[str]
    base_path: str = "/"


def render(md: Parser, body: str, place: Place, *, path: str, body_line: int) -> Rendered:
    """Render a body found at `path` from line `body_line`, its links resolved from `place`."""
    fast = _render_fast(md, body, place)
    if fast is not None:
        return fast
    return _render_slow(md, body, place, path=path, body_line=body_line)


def _render_slow(md: MarkdownIt, body: str, place: Place, *, path: str, body_line: int) -> Rendered:
    """Render with markdown-it-py, whose token maps give every problem its line."""
    tokens = md.parse(body, {})
    found = _Found([], [], [])
    problems, images = found.problems, found.images
    line = body_line
    for token in tokens:
        if token.map:
            line = body_line + token.map[0]
        if token.type != "inline" or not token.children:
            continue
        inline_line = line
        for child in token.children:
            if child.type == "softbreak" or child.type == "hardbreak":
                inline_line += 1
            elif child.type == "text" and _TAG.search(child.content):
                problems.append(
                    problem(path, inline_line, "warning", "RAW_HTML", tag=_TAG.search(child.content).group(0))
                )
            elif child.type in ("link_open", "image"):
                attr = "href" if child.type == "link_open" else "src"
                _check_link(child, attr, (path, inline_line), place, found)
                if child.type == "image":
                    images.append(Link(str(child.attrGet("src") or ""), inline_line))
                    if not "".join(c.content for c in child.children or []).strip():
                        problems.append(problem(path, inline_line, "error", "IMAGE_NO_ALT"))
    html = md.renderer.render(tokens, md.options, {})
    return _finish(html, found.md_links, images, problems)


class _Found(NamedTuple):
    """What the slow path collects on its way through a body."""

    problems: list[Problem]
    md_links: list[Link]
    images: list[Link]


def _check_link(token: Token, attr: str, at: tuple[str, int], place: Place, found: _Found) -> None:
    """Resolve a link's or image's URL in place; report it at `at` (path, line) when it is refused."""
    path, line = at
    target = _resolve(str(token.attrGet(attr) or ""), place)
    if target.code:
        found.problems.append(problem(path, line, "error", target.code, **target.details))
    if target.md_file:
        found.md_links.append(Link(target.md_file, line))
    token.attrSet(attr, target.url)


class _Target(NamedTuple):
    """What a link's URL becomes, and what must be reported with its line."""

    url: str
    code: str | None = None  # UNSAFE_LINK or BROKEN_LINK
    details: dict[str, str] = {}  # noqa: RUF012 (never mutated)
    md_file: str | None = None  # another item, checked by the rules once all are loaded


def _resolve(url: str, place: Place) -> _Target:
    """Decide a link or image URL: kept, pointed at an attachment or item, or refused."""
    item_dir, item_url, attachments, base_path = place
    scheme = scheme_of(url)
    if scheme is not None:
        if scheme not in SAFE_SCHEMES:
            return _Target("#", "UNSAFE_LINK", {"url": url[:80], "scheme": scheme})
        return _Target(url)
    if url.startswith("/") and not url.startswith("//"):
        return _Target(base_path + url[1:])  # from the site's root, wherever it is hosted
    if url.startswith(("#", "/", "?")) or not url:
        return _Target(url)
    whole = unquote(url)  # <отчёт #1.pdf>: a file's own name, '#' and '?' in it included
    if "/" not in whole and whole in attachments:
        return _Target(item_url + urls.segment(whole))
    parts = urlsplit(url)
    target = posixpath.normpath(posixpath.join(item_dir, unquote(parts.path)))
    if target.startswith("../") or target == "..":
        return _Target("#", "BROKEN_LINK", {"target": url[:120]})
    if target.endswith(".md"):
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return _Target(REF_PREFIX + target + fragment, md_file=target)
    name = unquote(parts.path)
    if "/" not in name and name in attachments:
        return _Target(item_url + urls.segment(name))
    return _Target("#", "BROKEN_LINK", {"target": url[:120]})


# In pyrs's HTML: links, checked and rewritten as in _check_link, and images, which need
# their line; and text like a tag, which needs its line too (RAW_HTML) — unless in code,
# which shows tags as written, or in an attribute.
_LINK_OR_IMAGE = re.compile(r'<a href="(?P<href>[^"]*)"|<img ')
_TAG_TEXT = re.compile(r"<code[^>]*>[^<]*</code>|<[^>]*>|(&lt;\s*/?\s*[a-zA-Z])")


def _render_fast(md: Parser, body: str, place: Place) -> Rendered | None:
    """Render with pyrs and rewrite its URLs; None if anything needs a line, or pyrs differs."""
    html = markdown_rs.render(md.fast, body) if md.fast else None
    if html is None or ("&lt;" in html and any(match[1] for match in _TAG_TEXT.finditer(html))):
        return None
    parts, done = [], 0
    for match in _LINK_OR_IMAGE.finditer(html):
        if match["href"] is None:
            return None
        target = _resolve(unescape(match["href"]), place)
        if target.code or target.md_file:
            return None
        parts += [html[done : match.start("href")], escapeHtml(target.url)]
        done = match.end("href")
    parts.append(html[done:])
    return _finish("".join(parts), [], [], [])


_FINISH = re.compile(r"<(/?)table>\n|<h([1-6])>(.*?)</h\2>", re.DOTALL)
_ELEMENT = re.compile(r"<[^>]*>")


def _finish(html: str, md_links: list[Link], images: list[Link], problems: list[Problem]) -> Rendered:
    """Wrap tables for scrolling and give headings ids from their text, for both renderers."""
    headings: list[tuple[int, str, str]] = []
    used_ids: set[str] = set()

    def finish(match: re.Match[str]) -> str:
        close, level, inner = match.groups()
        if level is None:
            return "</table></div>\n" if close else '<div class="table-wrap" tabindex="0"><table>\n'
        text = unescape(_ELEMENT.sub("", inner))
        anchor = _unique(slug(text) or "section", used_ids)
        headings.append((int(level), anchor, text))
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    html = _FINISH.sub(finish, html)
    return Rendered(html, tuple(md_links), tuple(images), tuple(problems), tuple(headings))


def _unique(anchor: str, used: set[str]) -> str:
    candidate, n = anchor, 2
    while candidate in used:
        candidate, n = f"{anchor}-{n}", n + 1
    used.add(candidate)
    return candidate
