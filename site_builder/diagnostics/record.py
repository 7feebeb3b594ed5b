"""The public record (judge/record.py): versions read from git history, and `log verify`."""

from __future__ import annotations

_LOG = "A publication log is the file /transparency/log.jsonl of a site built by site-builder: one JSON entry a line."

CODES: dict[str, tuple[str, str]] = {
    "VERSION_UNREADABLE": (
        "a version of this file in git history (blob {blob}) says it is approved but cannot be read: "
        "it is left out of the item's versions and of the publication log",
        "Nothing to do for the file as it is now, which publishes as usual. That version was never "
        "published by a build either (it did not parse then); `git show {blob}` shows it.",
    ),
    "LOG_NOT_JSONL": (
        "{where}, line {at}: not a publication log entry ({detail})",
        _LOG + " Check that the whole file was saved, not an HTML page.",
    ),
    "LOG_BROKEN_CHAIN": (
        "{where}, line {at}: entry {seq} does not chain to the entry before it ({detail})",
        "The log was altered after it was written, or was damaged when saved: no entry from here on "
        "can be trusted. Compare it with a copy saved earlier.",
    ),
    "LOG_REWRITTEN": (
        "{new} does not extend {old}: entry {seq} ({detail}) was rewritten or removed",
        "The site's history was changed after {old} was saved: the entry named above is the first one "
        "that differs. Keep both files as evidence.",
    ),
}
