"""Ready-to-post texts of newly published items, for people or a CI step to send: a
Telegram message and a plain-text e-mail for the journalists' mailing list.  The generator
sends nothing; `build` writes these files outside output/ (write/outbox.py).

"New" is published today or on the `outbox.days` - 1 days before, in the site's time
zone: a window that turns at midnight, as the up-to-date check does, so a build that
says "up to date" leaves the right texts in place.  A sender remembers what it sent by
the item's address (`index.json`).  Only published entries are read (the view holds
nothing else); withdrawn ones and previews are left out.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default

from site_builder.i18n import translations
from site_builder.view.entries import Entry
from site_builder.view.site import Site

TELEGRAM_LIMIT = 4096  # a message's length, in UTF-16 code units as Telegram counts them
_BREAK = re.compile(r"</(?:p|li|h[1-6]|blockquote|tr|pre)>|<br\s*/?>", re.IGNORECASE)
_ITEM = re.compile(r"<li[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"\n\s*\n+")


def new_entries(site: Site) -> list[Entry]:
    """The entries first published within the window, newest first."""
    config, now = site.config, site.now
    today = now.astimezone(config.tz).date()
    first = today - timedelta(days=config.outbox.days - 1)
    return [
        e
        for e in site.entries
        if not e.withdrawn
        and e.preview is None
        and e.date <= now
        and e.date.astimezone(config.tz).date() >= first
    ]


def plain(body_html: str) -> str:
    """A body as plain text: one paragraph a line, list items with a bullet."""
    text = _ITEM.sub("• ", _BREAK.sub("\n\n", body_html))
    text = html.unescape(_TAG.sub("", text))
    lines = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return _BLANKS.sub("\n\n", lines).strip()


def units(text: str) -> int:
    """The length of a text as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, room: int) -> str:
    """The text, cut at a word to fit `room` units with an ellipsis ("" when none fits)."""
    if units(text) <= room:
        return text
    if room < 2:
        return ""
    kept = text[: room - 1]  # a code point is one unit or two
    while units(kept) > room - 1:
        kept = kept[:-1]
    if " " in kept:
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(" ,;:.—-\n") + "…"


def telegram(entry: Entry, site: Site) -> str:
    """The title, the summary, as much of the body as fits, and the link: within
    Telegram's limit, the link always whole."""
    link = site.config.origin + entry.url
    head = "\n\n".join(part for part in (entry.title, entry.summary) if part)
    room = TELEGRAM_LIMIT - units(link) - 3  # the blank line before the link, the final newline
    head = _cut(head, room)
    body = _cut(plain(entry.html), room - units(head) - 2)
    return "\n\n".join(part for part in (head, body, link) if part) + "\n"


def email(entry: Entry, site: Site) -> bytes:
    """A plain-text e-mail (RFC 5322, UTF-8) without sender or recipients: the mailing
    list's tool adds them."""
    gettext = translations(entry.lang, "ui").gettext
    config = site.config
    title = config.site.titles.get(entry.lang, config.site.title)  # type: ignore[call-overload]
    lines = [entry.title, "", entry.date.astimezone(config.tz).strftime("%Y-%m-%d %H:%M")]
    if entry.division:
        lines.append(entry.division.names.get(entry.lang, entry.division.name))  # type: ignore[call-overload]
    lines += [
        "",
        entry.summary,
        "",
        plain(entry.html),
        "",
        f"{gettext('Read on the site')}: {config.origin}{entry.url}",
    ]
    lines += ["", "-- ", title, config.press_centre.address]
    message = EmailMessage(policy=default.clone(utf8=True, linesep="\n"))
    message["Subject"] = entry.title
    message.set_content(_BLANKS.sub("\n\n", "\n".join(lines)).strip() + "\n", cte="8bit")
    message["Content-Language"] = entry.lang
    return message.as_bytes()


def render(site: Site) -> dict[str, bytes]:
    """Every file of the outbox: two texts per new entry and `index.json`, which lists them."""
    out: dict[str, bytes] = {}
    index = []
    for entry in new_entries(site):
        stem = entry.url[len(site.config.base_path) :].strip("/").replace("/", "-") or "index"
        stem = f"{entry.date.astimezone(site.config.tz):%Y-%m-%d}-{stem}"
        out[stem + ".telegram.txt"] = telegram(entry, site).encode()
        out[stem + ".eml"] = email(entry, site)
        index.append(
            {
                "url": site.config.origin + entry.url,
                "lang": entry.lang,
                "type": entry.kind,
                "title": entry.title,
                "published": entry.date.isoformat(),
                "telegram": stem + ".telegram.txt",
                "email": stem + ".eml",
            }
        )
    out["index.json"] = (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode()
    return out
