"""A build publishes every correct item and holds back each one with an error (judge/held.py):
what it says of each item held back, and why it stops when one cannot be held back safely."""

from __future__ import annotations

_STOPPED = "the build is stopped, so that a published page cannot disappear"
_FIX = "Fix this file's errors (above); `site-builder check` lists them all."

CODES: dict[str, tuple[str, str]] = {
    "HELD_OUT": (
        "held back for its errors: this item is not published (it never went out, so no page disappears)",
        _FIX + " The next build publishes it; the rest of the site went out without it.",
    ),
    "HELD_KEPT": (
        "held back for its errors: the version that went out on {went} stays online as it was",
        _FIX + " The next build publishes the file as it is then; nothing of its present text went out.",
    ),
    "HELD_NOT_KEPT": (
        "this item has errors, and the version of it that went out cannot stay online ({why}): " + _STOPPED,
        _FIX + " Its last published version no longer passes as it is (its approval, attachments or links), "
        "or cannot be read from git history.",
    ),
    "HELD_NO_HISTORY": (
        "this item has errors, and without git history the build cannot tell whether it went out: "
        + _STOPPED,
        _FIX + " Or build from a full clone (in GitHub Actions: actions/checkout with fetch-depth: 0): "
        "then an item in error is held back and the rest goes out.",
    ),
    "HELD_UNKNOWN": (
        "this item has errors, and git history cannot show that it never went out (its file says it is approved "
        "and its date has passed, or it was committed after the build's time): " + _STOPPED,
        _FIX + " A commit dated before an earlier one, or an edit not committed, leaves history unsure.",
    ),
}
