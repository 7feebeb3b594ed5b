"""The audit trail: public media-request records approved as items are, and the audit
export (`site-builder audit`)."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "REQUEST_APPROVAL_MISSING": (
        "the media request is public (public: true) but not approved: its details are not published",
        "Another person than its author approves it: site-builder approve {source} --by PERSON; or set public: false to count it only in the statistics.",
    ),
    "REQUEST_APPROVAL_STALE": (
        "the media request changed since {by} approved it ({at}): its details are not published",
        "Approve it again: site-builder approve {source} --by PERSON.",
    ),
    "REQUEST_APPROVAL_FUTURE": (
        "the media request's approval is dated {at}, later than now",
        "An approval is recorded when it is given: correct at:, or approve with the tool.",
    ),
}
