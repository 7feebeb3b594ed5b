"""Terms of office ("history mode"): the head of the administration an item was published
under, named on its page, in its JSON-LD and in open data once that term has ended.

Nothing of the item changes: it stays at its address, in listings, feeds, search and the
archive.  Only a political item carries the mark: a type's `rules.types.<type>.political`
(default: press releases and rebuttals, POLITICAL_TYPES), or the item's own `political:`.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime

from site_builder.load.config import Config
from site_builder.load.model import Item
from site_builder.load.terms import Term


def political(item: Item, config: Config) -> bool:
    """Whether the item speaks for the head of the administration: its own `political:`,
    else its type's."""
    chosen = item.meta.political
    return config.rules.political(item.kind) if chosen is None else chosen


def term_on(terms: list[Term], day: date) -> Term | None:
    """The term that holds `day` (the terms follow one another: load/config.py checks them)."""
    ordered = sorted(terms, key=lambda term: term.from_)
    found = bisect_right([term.from_ for term in ordered], day)
    if not found:
        return None  # before the first term listed: the site does not say who was head
    term = ordered[found - 1]
    return term if term.to is None or day <= term.to else None


def former_head(item: Item, config: Config, now: datetime) -> Term | None:
    """The ended term a political item was published under (by its public date, in the
    site's time zone), or None: not political, published under the present head, or
    before the first term the site lists."""
    if not config.terms or item.meta.date is None or not political(item, config):
        return None
    term = term_on(config.terms, item.meta.date.astimezone(config.tz).date())
    if term is None or term.to is None or term.to >= now.astimezone(config.tz).date():
        return None  # the term still lasts (its last day included)
    return term


def term_span(term: Term) -> str:
    """The term's days as an ISO 8601 interval, `2021-03-15/2025-09-14` (open data)."""
    return f"{term.from_.isoformat()}/{term.to.isoformat() if term.to else '..'}"
