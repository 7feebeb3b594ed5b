"""What an item names and links: ids, addresses, languages, people, divisions, refs, links,
and the Markdown of its text."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "DUPLICATE_ID": (
        "the id '{value}' is used twice",
        "Give each entry its own id.",
    ),
    "DUPLICATE_URL": (
        "the address of this item (slug '{slug}') is also taken by {other}",
        "Set a different slug: in one of them.",
    ),
    "URL_COLLISION": (
        "the file '{name}' would be published at {url}, where the site writes {other}",
        "Rename the file, or give its item another slug: (the site makes pages at section/page/2/, …; the theme its files in static/).",
    ),
    "DUPLICATE_TRANSLATION": (
        "a version in '{lang}' of this item already exists: {other}",
        "Each item may have one file per language; check lang: and id:.",
    ),
    "LANG_MISMATCH": (
        "lang: '{value}' contradicts the file name suffix '.{suffix}.md'",
        "Make them agree or remove lang:.",
    ),
    "LANG_UNKNOWN": (
        "the language '{value}' is not one of the site's languages ({allowed})",
        "Use one of them or add it to site.languages in config.yaml.",
    ),
    "UNKNOWN_PERSON": (
        "unknown person '{value}' in '{key}'",
        "Use an id from people: in config.yaml: {known}.",
    ),
    "UNKNOWN_DIVISION": (
        "unknown division '{value}' in '{key}'",
        "Use an id from divisions: in config.yaml: {known}.",
    ),
    "BAD_REF": (
        "ref '{value}' points to no content item",
        "Give the path under content/, e.g. press-releases/2026/remont-dorog.md.",
    ),
    "BROKEN_LINK": (
        "the link to '{target}' leads nowhere",
        "Link other items by their .md path relative to this file, attachments by file name in this item's folder.",
    ),
    "LINK_UNPUBLISHED": (
        "the link to '{target}' points to an item that is not published; it is shown as plain text",
        "Publish that item first or remove the link.",
    ),
    "UNSAFE_LINK": (
        "the link '{url}' uses the forbidden scheme '{scheme}:'",
        "Only http, https, mailto and tel links are allowed.",
    ),
    "RAW_HTML": (
        "raw HTML ({tag}) is not allowed and is shown as text",
        "Use Markdown instead of HTML tags.",
    ),
    "IMAGE_NO_ALT": (
        "an image has no alternative text",
        "Describe the picture: ![what is shown](photo.jpg).",
    ),
}
