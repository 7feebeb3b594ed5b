"""Every item has an author, a person in config.yaml: four-eyes needs someone to compare with.

Without an author, "the approver is not the author" holds for anyone, so a PR-department
person could write an item and approve it alone.  Drafts need one too: `new` fills it in,
and a draft is where four-eyes starts.
"""

from __future__ import annotations

import difflib

from site_builder.errors import Problem, problem
from site_builder.load.config import Config
from site_builder.load.model import Item


def closest(value: str, known: list[str]) -> str | None:
    """The known id the editor probably meant (`petrow` → `petrov`), if one is close."""
    found = difflib.get_close_matches(value.casefold(), [k.casefold() for k in known], n=1, cutoff=0.6)
    return next((k for k in known if found and k.casefold() == found[0]), None)


def unknown_person(path: str, line: int, key: str, value: str, config: Config) -> Problem:
    """UNKNOWN_PERSON for `key: value`, with the ids there are and the closest one."""
    ids = [p.id for p in config.people]
    suggestion = closest(value, ids)
    extra = {"suggestion": suggestion} if suggestion else {}
    return problem(path, line, "error", "UNKNOWN_PERSON", key=key, value=value, known=known(config), **extra)


def known(config: Config) -> str:
    return ", ".join(sorted(p.id for p in config.people)) or "—"


def author_problems(item: Item, config: Config) -> list[Problem]:
    """A missing author, or one who is not in people: of config.yaml."""
    path, author = "content/" + item.source, item.meta.author
    if author is None:
        return [problem(path, item.line("title"), "error", "AUTHOR_MISSING", known=known(config))]
    if config.person(author) is None:
        return [unknown_person(path, item.line("author"), "author", author, config)]
    return []
