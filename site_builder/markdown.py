"""Markdown body → safe HTML, with the links, images and problems found on their lines.

Raw HTML is never passed through (markdown-it's `html` option is off, so it shows as
text); links are checked here rather than by markdown-it's validateLink, which drops
bad links silently — an editor must be told, with the line.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from site_builder.errors import Problem, problem
from site_builder.model import Link
from site_builder.slugs import slug

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
REF_PREFIX = "sb-ref:"
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>")


def make_parser() -> MarkdownIt:
    """The one markdown-it set-up: CommonMark + tables + strikethrough, no raw HTML."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: True  # checked in _check_links, with the editor's line
    md.add_render_rule("table_open", lambda *a: '<div class="table-wrap" tabindex="0"><table>\n')
    md.add_render_rule("table_close", lambda *a: "</table></div>\n")
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
    cleaned = unquote(unescape(url))
    cleaned = "".join(ch for ch in cleaned if ord(ch) > 32 and ord(ch) != 127).lower()
    match = _SCHEME.match(cleaned)
    return match.group(1) if match else None


def render(
    md: MarkdownIt,
    body: str,
    *,
    path: str,
    body_line: int,
    item_dir: str,
    item_url: str,
    attachments: frozenset[str],
) -> Rendered:
    """Render a body; `item_dir` is the item's folder under content/, `item_url` its page URL."""
    tokens = md.parse(body, {})
    problems: list[Problem] = []
    md_links: list[Link] = []
    images: list[Link] = []
    headings: list[tuple[int, str, str]] = []
    used_ids: set[str] = set()
    line = body_line
    for index, token in enumerate(tokens):
        if token.map:
            line = body_line + token.map[0]
        if token.type == "heading_open":
            text = tokens[index + 1].content if index + 1 < len(tokens) else ""
            anchor = _unique(slug(text) or "section", used_ids)
            token.attrSet("id", anchor)
            headings.append((int(token.tag[1]), anchor, text))
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
                _check_link(
                    child, attr, inline_line, path, item_dir, item_url, attachments, problems, md_links
                )
                if child.type == "image":
                    images.append(Link(str(child.attrGet("src") or ""), inline_line))
                    if not "".join(c.content for c in child.children or []).strip():
                        problems.append(problem(path, inline_line, "error", "IMAGE_NO_ALT"))
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html, tuple(md_links), tuple(images), tuple(problems), tuple(headings))


def _unique(anchor: str, used: set[str]) -> str:
    candidate, n = anchor, 2
    while candidate in used:
        candidate, n = f"{anchor}-{n}", n + 1
    used.add(candidate)
    return candidate


def _check_link(
    token: Token,
    attr: str,
    line: int,
    path: str,
    item_dir: str,
    item_url: str,
    attachments: frozenset[str],
    problems: list[Problem],
    md_links: list[Link],
) -> None:
    url = str(token.attrGet(attr) or "")
    scheme = scheme_of(url)
    if scheme is not None:
        if scheme not in SAFE_SCHEMES:
            problems.append(problem(path, line, "error", "UNSAFE_LINK", url=url[:80], scheme=scheme))
            token.attrSet(attr, "#")
        return
    if url.startswith(("#", "/", "?")) or not url:
        return
    parts = urlsplit(url)
    target = posixpath.normpath(posixpath.join(item_dir, unquote(parts.path)))
    if target.startswith("../") or target == "..":
        problems.append(problem(path, line, "error", "BROKEN_LINK", target=url[:120]))
        token.attrSet(attr, "#")
        return
    if target.endswith(".md"):
        md_links.append(Link(target, line))
        token.attrSet(attr, REF_PREFIX + target + (f"#{parts.fragment}" if parts.fragment else ""))
        return
    name = unquote(parts.path)
    if "/" not in name and name in attachments:
        token.attrSet(attr, item_url + name)
        return
    problems.append(problem(path, line, "error", "BROKEN_LINK", target=url[:120]))
    token.attrSet(attr, "#")
