"""Entries: a published item as templates see it, with its links to other items resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from site_builder.load.config import Division
from site_builder.load.markdown import REF_PREFIX
from site_builder.load.model import SECTION_OF, Attachment, Item, once
from site_builder.load.terms import Term
from site_builder.view.preview import Preview

_REF_LINK = re.compile(
    r'<a href="' + re.escape(REF_PREFIX) + r'([^"#]*)(#[^"]*)?"([^>]*)>(.*?)</a>', re.DOTALL
)


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str


@dataclass
class Entry:
    """A published item as templates see it (what it shows of its item is worked out once)."""

    item: Item
    url: str
    withdrawn: bool
    urls: dict[str, str] = field(repr=False)  # every visible URL by source (shared): links resolve to it
    updated: datetime
    tags: list[Tag]
    division: Division | None
    translations: list[Entry] = field(default_factory=list)
    preview: Preview | None = None  # not out (draft, embargoed …): rendered only by `serve --drafts`
    key: str = ""  # hash of everything its pages show (set by Site.seal)
    # The ended term of office of the head it was published under, if political (view/terms.py;
    # set by build_site at every build: when a term ends depends on `now`).
    former: Term | None = None

    @once
    def meta(self):
        return self.item.meta

    @property
    def html(self) -> str:
        """The body (none for a withdrawn item), with links to other items resolved."""
        return "" if self.withdrawn else _resolve_refs(self.item.html, self.urls)

    @property
    def files(self) -> tuple[Attachment, ...]:
        """The attachments published next to its page: none for a withdrawn item, whose
        files are withdrawn with it (so no feed, page or data file may name them)."""
        return () if self.withdrawn else self.item.attachments

    @once
    def kind(self) -> str:
        return self.item.kind

    @once
    def section(self) -> str:
        return SECTION_OF[self.item.kind]

    @once
    def title(self) -> str:
        return self.item.meta.title

    @once
    def date(self) -> datetime:
        assert self.item.meta.date is not None
        return self.item.meta.date

    @once
    def lang(self) -> str:
        return self.item.lang

    @once
    def summary(self) -> str:
        return self.item.meta.summary

    @once
    def sort_key(self) -> tuple:
        return (-self.item.stamp, self.url)


def _resolve_refs(html: str, urls: dict[str, str]) -> str:
    """Turn links to other items' .md files into their URLs; unpublished targets become text."""
    if REF_PREFIX not in html:
        return html

    def swap(match: re.Match[str]) -> str:
        target, fragment, rest, text = match.groups()
        url = urls.get(target)
        if url is None:
            return text
        return f'<a href="{url}{fragment or ""}"{rest}>{text}</a>'

    return _REF_LINK.sub(swap, html)
