"""The publication rules: review, approval, embargo, withdrawal, corrections, restricted
markers, and each type's own (rebuttals, events, media plans, the Kyrgyz version)."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "IN_REVIEW": (
        "not published: under review by the PR department",
        "After approval, run: site-builder approve PATH --by PERSON.",
    ),
    "RESTRICTED_ITEM": (
        "not published: confidentiality is restricted",
        "Restricted items never appear on the site.",
    ),
    "EMBARGOED": (
        "approved; goes out at {date}",
        "A scheduled build after that time publishes it.",
    ),
    "APPROVAL_PENDING": (
        "not published: the approval is dated in the future ({at})",
        "Check approval.at.",
    ),
    "DATE_MISSING": (
        "this approval has no final step, so the item has no publication time",
        "An item without date: goes out when the final step of its approval is given: site-builder approve PATH --by PERSON.",
    ),
    "APPROVAL_MISSING": (
        "status is '{status}' but there is no approval",
        "Ask the PR department to approve it: site-builder approve PATH --by PERSON.",
    ),
    "APPROVER_ROLE": (
        "{person} may not approve items of type {kind} (roles: {roles}; needed: {allowed})",
        "The approval must come from a person with one of the roles: {allowed}.",
    ),
    "APPROVER_IS_AUTHOR": (
        "{person} is both the author and the approver",
        "This type needs a second person to approve (four-eyes rule).",
    ),
    "APPROVER_INACTIVE": (
        "{person} could approve only from {start} to {end}, but the approval is dated {at}",
        "Have a currently authorised person approve it.",
    ),
    "APPROVAL_HASH_MISSING": (
        "the approval has no content hash",
        "Approve with the tool, which records it: site-builder approve {source} --by {by}.",
    ),
    "APPROVAL_HASH_MISMATCH": (
        "not published: the content changed after approval by {by} on {at}; the release at {date} is held until it is approved again",
        "Ask the PR department to approve the new text (site-builder approve {source} --by PERSON), or restore the approved text.",
    ),
    "APPROVAL_HASH_LIVE": (
        "the content changed after approval by {by} on {at}, and its date {date} has passed: the published text would change",
        "Published text cannot change silently: restore the approved text, or add a corrections entry (at, note) describing the change and approve again: site-builder approve {source} --by PERSON. Until then the site keeps its previous build.",
    ),
    "APPROVAL_AFTER_DATE": (
        "approved at {at}, after the publication time set in date: ({date}), an embargo the approval must precede",
        "Remove date: to publish the item when it is approved, or set a later date:; for a published item, add a corrections entry dated between the two.",
    ),
    "WITHDRAWN_MISSING": (
        "status is 'withdrawn' but there is no withdrawn: block",
        "Add withdrawn: with at: (when) and reason: (public reason).",
    ),
    "WITHDRAWN_UNPUBLISHED": (
        "not published: withdrawn before its publication date {date}",
        "It never went out, so it has no page. To publish it after all, set status: approved, remove withdrawn: and have it approved again.",
    ),
    "STATUS_TAKES_DOWN": (
        "this item is published (approved by {by} on {at}); status '{status}' would take its page down",
        "A published page is never removed silently: to take it down set status: withdrawn with withdrawn: (at, reason); to change the text keep status: approved, edit it, add a corrections entry and have it approved again.",
    ),
    "WITHDRAWN_STATUS": (
        "there is a withdrawn: block but the status is '{status}'",
        "Set status: withdrawn, or remove the block.",
    ),
    "CORRECTION_AFTER_APPROVAL": (
        "the correction «{note}» is dated {date}, after the approval of {at} that released it",
        "A correction is approved with the text it describes: date its at: at or before the approval, or approve again after it.",
    ),
    "CORRECTION_BEFORE_DATE": (
        "this correction is dated before the publication",
        "A correction follows publication; check its at:.",
    ),
    "PLACEHOLDER_TEXT": (
        "«{text}» is the skeleton's text from site-builder new, not the item's",
        "Replace it with the item's own text before the item goes for approval.",
    ),
    "PLACEHOLDER_EMPTY": (
        "{key} is still empty, as site-builder new left it",
        "Write it, or remove the line (or the empty entry) before the item goes for approval.",
    ),
    "RESTRICTED_MARKER": (
        "restricted-information marker «{marker}» in a public item",
        "Remove the restricted information, or set confidentiality: restricted so it is never published.",
    ),
    "REBUTTAL_ORIGINAL": (
        "a rebuttal needs original: (outlet, title, url, published)",
        "Describe the publication being answered.",
    ),
    "REBUTTAL_DETECTED": (
        "a rebuttal needs detected_at: (when monitoring found the publication)",
        "Add 'detected_at: 2026-05-14T09:30'.",
    ),
    "REBUTTAL_FACTS": (
        "a rebuttal needs at least one fact with both claim: and fact:",
        "List each disputed statement and the facts that answer it; if the report was accurate, set verdict: accurate.",
    ),
    "REBUTTAL_FACT_HALF": (
        "this fact has only one of claim: and fact:",
        "Give both the claim and the fact.",
    ),
    "REBUTTAL_LATE": (
        "published {delay} working days after the report was detected; the limit is {limit}",
        "False reports must be refuted as fast as possible; explain the delay to the PR department.",
    ),
    "EVENT_ENDS_BEFORE": (
        "the event ends before it starts",
        "Check event.starts and event.ends.",
    ),
    "EVENT_NO_PLACE": (
        "the event has neither location: nor online_url:",
        "Say where it happens or give the stream address.",
    ),
    "EVENT_CANCEL_REASON": (
        "a cancelled event needs cancel_reason:",
        "Give the public reason for the cancellation.",
    ),
    "PERIOD_REVERSED": (
        "the period ends before it starts",
        "Check period.from and period.to.",
    ),
    "ENTRY_OUTSIDE_PERIOD": (
        "the entry date {date} is outside the plan's period",
        "Move the entry to the right plan or correct its date.",
    ),
    "KY_TRANSLATION_MISSING": (
        "this item is published without a Kyrgyz version (id '{key}')",
        'Add a Kyrgyz version next to it, NAME.ky.md (or a file with the same id: and lang: ky), or state why there is none: translation_exception: "reason".',
    ),
}
