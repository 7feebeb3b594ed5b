"""Names and addresses as URIs (RFC 3986): how every URL the site writes is spelt.

One spelling everywhere, pages included: whatever is not an unreserved character is
percent-encoded as UTF-8.  Browsers would take an IRI in an HTML page, but feeds,
sitemaps and calendars need URIs, and a page that spelt a file one way and its feed
another would give a reader two addresses for one file.  Files keep their real names
in output/: a web server decodes the address back to that name.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

# What a URI may hold as it is (RFC 3986 2.2 and 2.3, and "%" of an escape already made).
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def segment(name: str) -> str:
    """A file name as one path segment: '#', '?', '%', '/', spaces and non-ASCII encoded."""
    return quote(name, safe="")


def path(text: str) -> str:
    """A path of file names ('/' between them) as a URI path."""
    return quote(text, safe="/")


def uri(url: str) -> str:
    """An address written by hand as a URI: a non-ASCII host in IDNA, characters that no
    URI may hold (spaces, non-ASCII, quotes, a '%' that starts no escape) encoded; its
    own escapes and delimiters kept."""
    if _URI.match(url) and not _LONE_PERCENT.search(url):
        return url  # a URI already, as most are: not taken apart and put together again
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    host, colon, port = hostport.partition(":")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:  # not a name DNS could hold: left to fail as it is, but a URI
            host = quote(host, safe="")
    return urlunsplit(
        (
            parts.scheme,
            userinfo + at + host + colon + port,
            _requote(parts.path),
            _requote(parts.query),
            _requote(parts.fragment),
        )
    )


_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_URI = re.compile(r"[A-Za-z0-9._~!#$%&'()*+,/:;=?@\[\]-]*\Z")


def _requote(text: str) -> str:
    return quote(_LONE_PERCENT.sub("%25", text), safe=_URI_SAFE)


_ALIAS_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+\Z")


def alias(text: str) -> str | None:
    """An alias (an old address of an item, written from the site's root, as Hugo's
    `aliases`: "/press-releases/old-name/", "/news/123.html") as a path under the site's
    base path: "press-releases/old-name/" (a folder, whose page is its index.html) or
    "news/123.html"; None when it is no such address (the root, "..", a query, a
    character an address would have to encode)."""
    if not text.startswith("/") or len(text) > 300:
        return None
    segments = text[1:].removesuffix("/").split("/")
    if any(s in (".", "..") or not _ALIAS_SEGMENT.match(s) for s in segments):
        return None
    path = "/".join(segments)
    return path if path.endswith(".html") and not text.endswith("/") else path + "/"
