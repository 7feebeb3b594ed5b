"""Who wrote an item: the author every item must name, and `new` without one."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "AUTHOR_MISSING": (
        "the item names no author",
        "Add `author: <id>` to the front matter, the id of the person who wrote it ({known}): four-eyes needs an author to compare the approver with.",
    ),
    "NEW_NO_AUTHOR": (
        "no author for the new item: the git e-mail '{email}' is not in anyone's emails in config.yaml; nothing was written",
        "Pass --author ID (one of: {known}), or add your git e-mail to people[].emails in config.yaml.",
    ),
}
