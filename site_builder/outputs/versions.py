"""Every published version of an item at its own address, `/<section>/<slug>/v<N>/`, with
what changed since the version before it, word by word.

Only an item with more than one version has version pages (its one version is its page).
A version page is an archived copy: marked so, `noindex`, linking to the current page; it
shows the version's text, never its attachments (the current page has those).  When the
item is withdrawn now, its versions show their dates and notes but not their text: a
withdrawal takes the text down, and the archive does not put it back.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from functools import partial
from html import unescape
from pathlib import Path

from markupsafe import Markup, escape

from site_builder.i18n import translations
from site_builder.load.model import Announcement, Item
from site_builder.outputs import Context, Files, Planned, lang_prefix
from site_builder.outputs.feeds import page_feeds
from site_builder.outputs.render import render as template
from site_builder.outputs.sitedata import SiteData
from site_builder.view.entries import Entry
from site_builder.view.site import Site
from site_builder.view.versions import Shown, shown

_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|blockquote|pre|table|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"\n|[^\S\n]+|[^\s]+")
_RELATIVE = re.compile(r'(href|src)="(?![a-z][a-z0-9+.-]*:|/|#)', re.IGNORECASE)


def text_of(entry: Entry) -> str:
    """What a reader reads of a version, as plain text: title, lead, the event's time, body."""
    parts = [entry.title, entry.summary]
    meta = entry.item.meta
    if isinstance(meta, Announcement):
        parts.append(f"{meta.event.starts.isoformat()} {meta.event.location or ''}".strip())
    body = _BLOCK_END.sub("\n", entry.item.html)
    parts.append(unescape(_TAG.sub("", body)))
    lines = (" ".join(line.split()) for part in parts for line in part.split("\n"))
    return "\n".join(line for line in lines if line)


def word_diff(old: str, new: str, lang: str) -> Markup:
    """`new` against `old`, word by word: removed words in <del>, added ones in <ins>, each
    also said in words for a reader who does not see the marking."""
    gettext = translations(lang, "ui").gettext
    said = {"del": gettext("removed"), "ins": gettext("added")}
    a, b = _WORD.findall(old), _WORD.findall(new)
    out: list[str] = []

    def mark(tag: str, words: list[str]) -> None:
        text = "".join(words)
        if text.strip():
            hidden = f'<span class="visually-hidden">[{escape(said[tag])}: </span>'
            out.append(f'<{tag}>{hidden}{escape(text)}<span class="visually-hidden">]</span></{tag}>')
        else:
            out.append(escape(text) if tag == "ins" else "")

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            mark("del", a[i1:i2])
        if op in ("insert", "replace"):
            mark("ins", b[j1:j2])
    return Markup("".join(out))


def version_entry(entry: Entry, version: Shown) -> Entry:
    """A version as an entry: its own text, with links resolved as the current page's and
    its page's relative links (its attachments) pointing to the current page's folder."""
    item = version.version.item
    html = _RELATIVE.sub(lambda m: f'{m.group(1)}="../', item.html)
    moved = dataclasses.replace(item, **Item.pack(html, item.lines))
    return Entry(
        moved,
        version.url,
        version.event == "withdrawn" or entry.withdrawn,
        entry.urls,
        version.went,
        entry.tags,
        entry.division,
    )


def paths(site: Site, root: Path) -> Planned:
    base = len(site.config.base_path)
    for entry in site.entries:
        for version in shown(site, entry):
            yield version.url[base:] + "index.html", entry


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    base = len(site.config.base_path)
    for entry in site.entries:
        versions = shown(site, entry)
        for index, version in enumerate(versions):
            before = versions[index - 1] if index else None
            page = partial(_page, site, ctx, entry, version, before, versions[-1])
            parts = ["version", entry.key, str(version.number), version.version.blob]
            out[version.url[base:] + "index.html"] = ctx.page(entry.lang, parts, page)
    return out


def _page(site: Site, ctx: Context, entry: Entry, version: Shown, before: Shown | None, last: Shown) -> bytes:
    lang = entry.lang
    this = version_entry(entry, version)
    withheld = entry.withdrawn  # a withdrawn item's text is not put back by its archive
    changes = None
    if before is not None and not withheld and not this.withdrawn:
        changes = word_diff(text_of(version_entry(entry, before)), text_of(this), lang)
    return template(
        ctx.env(lang),
        "version.html",
        current=entry,
        version=version,
        version_entry=this,
        before=before,
        latest=version.number == last.number,
        withheld=withheld,
        changes=changes,
        page_url=version.url,
        feeds=page_feeds(site, lang),
        base=site.config.base_path + lang_prefix(site, lang),
        prefix=lang_prefix(site, lang),
        site_data=SiteData.of(site),
    )
