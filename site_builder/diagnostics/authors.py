"""Who wrote an item and who approved it: the author every item must name, `new` without
one, and what git's history says about the approver (rules.verify_git)."""

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
    "GIT_APPROVAL_UNHASHED": (
        "rules.verify_git is on, but the approval by {by} has no hash: nothing ties it to this text",
        "The approver runs site-builder approve again (it records the hash) and commits the change themselves.",
    ),
    "GIT_APPROVAL_RECOMMITTED": (
        "the approval by {by} was committed by {email} in commit {commit}, which is not an e-mail of {by} (an amended, rebased or cherry-picked commit)",
        "The approver commits the approval themselves: run site-builder approve again and commit it; merge branches with a merge commit. A forge's merge button may be listed in rules.trusted_merge_committers.",
    ),
    "GIT_APPROVER_EDITED": (
        "{by} approved a text they changed themselves: commit {commit} by {email} edited it since the previous approval",
        "Four-eyes: another person with an approving role must approve this text.",
    ),
}
