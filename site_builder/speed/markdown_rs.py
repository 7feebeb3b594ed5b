"""markdown-it-pyrs (Rust, ~10x faster): its HTML, only where it is markdown-it-py's.

markdown.py renders with markdown-it-py (CommonMark + tables + strikethrough, no raw
HTML, every link kept for checking).  markdown-it-pyrs 0.4 with the same rules renders
nearly every body byte for byte the same; `render` returns None wherever the two may
differ, and markdown.py then takes the markdown-it-py path.  Each difference below was
found by tests/test_markdown_paths.py, which puts random bodies through both; the guards
are cheap and err towards None.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote, unquote_to_bytes

import markdown_it

try:
    import markdown_it_pyrs
except ImportError:  # optional: without it every body takes the markdown-it-py path
    markdown_it_pyrs = None

# markdown.py's rules as pyrs names them (the `zero` preset enables none).
_RULES = [
    *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference"),
    *("autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline"),
    *("table", "strikethrough"),
]


def make() -> markdown_it_pyrs.MarkdownIt | None:
    """The pyrs renderer with markdown.py's rules; None without pyrs, or untested versions."""
    if markdown_it_pyrs is None or not _tested(markdown_it_pyrs.__version__, markdown_it.__version__):
        return None
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(_RULES)


def _tested(pyrs: str, markdown_it_py: str) -> bool:
    # The differences below were found with these; run tests/test_markdown_paths.py
    # before trusting others.
    return pyrs.startswith("0.4.") and markdown_it_py.startswith("4.")


def render(fast: markdown_it_pyrs.MarkdownIt, body: str) -> str | None:
    """pyrs's HTML for the body, or None where it may not be markdown-it-py's."""
    if _source_differs(body) or _may_hide_links(body):
        return None
    try:
        html = fast.render(body)
    except BaseException as exc:  # a Rust panic is a BaseException; markdown-it-py will do
        if type(exc).__name__ != "PanicException":
            raise
        return None
    if len(html) > _TOO_LONG or _html_differs(html):
        return None
    return html


# Blanks that markdown-it-py strips from the ends of a paragraph, heading, cell or URL
# (Python's str.strip) and pyrs keeps; and \r, which the scans below do not expect (the
# loader has turned it into \n already).
_ODD_SPACE = re.compile("[\r\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# pyrs panics on an unclosed ` in a link text ("[`"); in a code span over two lines
# markdown-it-py keeps the second line's indent, pyrs drops it.
_INDENTED_LINE = re.compile(r"\n[ \t>]")
# With a reference defined: `[r]: url\` defines it to markdown-it-py only (so any "\"
# declines); `[r](` ending a paragraph, and `[r][[x]]`, are text to markdown-it-py and
# links to pyrs.
_REFERENCE_QUIRK = re.compile(r"\](?:\([ \t]*(?:\n|\||$)|\[[^\]]*\[)")
# With * about, a _ that may open or close emphasis (not inside a word): pyrs may then
# miss an <em> (`_a*.* ._.*a*`).
_LOOSE_UNDERSCORE = re.compile(r"_(?:(?<!\w_)|(?!\w))")
# A list item that cannot interrupt a paragraph: empty, or numbered from other than 1.
_WEAK_ITEM = re.compile(r"\n[ \t>]*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]*\n|(?!0*1[.)])[0-9]{1,9}[.)])")
# A line that may be a table's delimiter row (its header is the line above).
_DELIMITER_ROW = re.compile(r"\n[ \t>]*([-:|][-:| \t]*)(?=\n|$)")
_BLOCK_START = re.compile(r"[ \t]*(?:[>`~*+-]|[0-9]{1,9}[.)])")


def _source_differs(body: str) -> bool:
    """Whether pyrs may render this source otherwise, or fail on it (see above)."""
    return (
        (body != "" and not body.endswith("\n"))  # pyrs ends a fence left open with one
        or _ODD_SPACE.search(body) is not None
        or ("`" in body and ("[" in body or _INDENTED_LINE.search(body) is not None))
        or ("]:" in body and ("\\" in body or _REFERENCE_QUIRK.search(body) is not None))
        or "~~~" in body  # `~~a~~~~b~~`: two strikethroughs to markdown-it-py, one to pyrs
        or ("*" in body and _LOOSE_UNDERSCORE.search(body) is not None)
        or _weak_item_differs(body)
        or _tables_differ(body)
    )


def _paragraph_before(body: str, index: int) -> str:
    return body[body.rfind("\n\n", 0, index + 1) + 1 : index]


def _weak_item_differs(body: str) -> bool:
    """Whether a list item that cannot interrupt a paragraph follows a blockquote or table.

    markdown-it-py lets it end them; pyrs takes it as more of the paragraph, or a row.
    """
    for match in _WEAK_ITEM.finditer(body):
        above = _paragraph_before(body, match.start())
        if ">" in above or "|" in above:
            return True
    return False


def _tables_differ(body: str) -> bool:
    r"""Whether markdown-it-py may see a table where pyrs does not, or the reverse.

    They disagree on a header row that starts a blockquote, a fence or a list item, that
    continues a blockquote lazily, or that holds an escaped "|" (`\|| a`); and
    markdown-it-py makes one-column tables only under a header with a "|", pyrs only
    over a delimiter row with a "|" or a ":".
    """
    for match in _DELIMITER_ROW.finditer(body):
        row = match.group(1)
        head = body[body.rfind("\n", 0, match.start()) + 1 : match.start()]
        if "-" not in row:
            continue
        if sum(1 for cell in row.split("|") if cell.strip()) < 2:
            if "|" in head or "|" in row or ":" in row:  # else a rule or a heading to both
                return True
        elif "\\" in head or _BLOCK_START.match(head) or ">" in _paragraph_before(body, match.end()):
            return True
    return False


# pyrs drops a link to these schemes silently, leaving its source as text (markdown.py
# reports it, with its line); a body that might hold one, seen through entities, escapes,
# case, blanks and backslashes, is declined.  pyrs checks a URL once percent-encoded, so
# only ASCII can spell a scheme: the rest of the body is left out of the scan.
_DROPPED = (b"javascript:", b"vbscript:", b"file:", b"data:")
_BLANKS_AND_BACKSLASHES = bytes(range(33)) + b"\\"


def _may_hide_links(body: str) -> bool:
    ascii_only = unescape(body).encode("ascii", "ignore")
    seen = unquote_to_bytes(ascii_only).lower().translate(None, _BLANKS_AND_BACKSLASHES)
    return any(word in seen for word in _DROPPED)


# markdown-it-py stops filling cells missing from table rows after 65536; pyrs goes on.
_TOO_LONG = 0x10000 * len("<td></td>\n")
_HTML_QUIRK = re.compile(
    r'<a href="(?P<href>[^"]*)"[^>]*>(?P<text>[^<]*)'
    r"|<blockquote>\n</blockquote>"  # markdown-it-py puts an empty one on one line
    r"|<(?P<close>/?)(?P<container>blockquote|ul|ol)\b"
    r"|<code[^>]*>(?P<code>[^<]*)</code>"
    # A tight list item's text then a code block: markdown-it-py puts no newline between.
    r"|<pre>(?:(?<=[^>]\n<pre>)|(?<=</[as]>\n<pre>)|(?<=</em>\n<pre>)|(?<=</code>\n<pre>)"
    r"|(?<=</strong>\n<pre>))"
)
# markdown-it-py re-parses a URL's host (punycode, IPv6 brackets, an empty user) and
# decodes an autolink's text; pyrs leaves both alone.  A plain ASCII host is the same.
_HOST = re.compile(r"(?:[a-z0-9.+\-]+:)?//([^/?#]*)|[a-z0-9.+\-]+:([^/?#]*)", re.IGNORECASE)
_PLAIN_HOST = re.compile(r"([^@]+@)?[a-z0-9_+\-]{1,63}(\.[a-z0-9_+\-]{1,63})*(:[0-9]*)?", re.IGNORECASE)


def _html_differs(html: str) -> bool:
    """Whether pyrs's HTML shows what markdown-it-py writes otherwise."""
    depth = 0
    for match in _HTML_QUIRK.finditer(html):
        if match["href"] is not None:
            if not _same_link(unescape(match["href"]), match["text"]):
                return True
        elif match["container"]:
            depth += (-1 if match["close"] else 1) * (1 if match["container"] == "blockquote" else 2)
            if depth >= 16:  # markdown-it-py stops at 20 levels (a list takes 2); pyrs goes on
                return True
        elif match["code"] is None or not match["code"].strip(" "):
            return True  # see _HTML_QUIRK; and pyrs trims a code span of blanks only
    return False


def _same_link(url: str, text: str) -> bool:
    """Whether markdown-it-py writes this link's URL, and its text if an autolink, alike."""
    destination = unquote(url)
    if destination != destination.strip():  # an entity such as &nbsp; at either end
        return False
    host = _HOST.match(url)
    if host:
        segment = host.group(1) if host.group(1) is not None else host.group(2)
        if not _PLAIN_HOST.fullmatch(segment) or "xn--" in segment.lower() or len(segment) > 255:
            return False
    autolink = ":" in text or "@" in text  # an autolink's text is its URL
    return not (autolink and ("%" in text or "xn--" in text.lower()))
