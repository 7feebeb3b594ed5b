"""The registers beside the items: the monitoring register and media requests' own fields."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "MONITORING_UNKNOWN": (
        "monitoring: '{value}' names no entry of the monitoring register",
        "Write the entry's path below content/monitoring/ without .md, e.g. 2026/slug (entries: {known}); or create it: site-builder new monitoring TITLE.",
    ),
    "MONITORING_DETECTED_DIFFERS": (
        "detected_at: {detected} differs from found: {found} of its monitoring entry {entry}",
        "Remove detected_at: (it is taken from the entry), or correct the entry's found:.",
    ),
    "MONITORING_NO_OUTCOME": (
        "a {tone} report still has no outcome: it was due by {deadline} ({days} working days ago; limit {limit})",
        "Add outcome: with kind rebuttal or comment (and ref: the item), answer (and at:), or none (and reason:).",
    ),
    "MONITORING_REF_NEEDED": (
        "an outcome of kind {kind} needs ref: the item that answers the report",
        "Add ref: with the item's path below content/ (rebuttals/2026/slug.md) or its id.",
    ),
    "MONITORING_REASON_NEEDED": (
        "an outcome of kind none needs reason: why nothing was done",
        "Add reason: with a sentence, e.g. «Информация соответствует действительности».",
    ),
    "MONITORING_ANSWER_BEFORE": (
        "the outcome's at: {at} is earlier than found: {found}",
        "Check both date-times: an answer is sent after the report is found.",
    ),
    "MONITORING_REF_UNKNOWN": (
        "the outcome's ref: '{ref}' names no item",
        "Write the item's path below content/ (rebuttals/2026/slug.md) or its id; check the spelling.",
    ),
    "MONITORING_REF_KIND": (
        "the outcome is a rebuttal, but ref: '{ref}' is a {kind}",
        "Point ref: to the rebuttal, or set the outcome's kind: comment.",
    ),
    "MONITORING_REF_UNPUBLISHED": (
        "the outcome's item '{ref}' is not published ({state})",
        "Approve and publish the item, or point ref: to the published one.",
    ),
    "REQUEST_INTERVIEW_KIND": (
        "interview: is given, but the request's kind is {kind}",
        "Set kind: interview, or remove the interview: block.",
    ),
    "REQUEST_INTERVIEW_BEFORE": (
        "the interview's date is earlier than the request's received: {received}",
        "Check both dates: an interview takes place after the request.",
    ),
    "APPROVE_MONITORING": (
        "a monitoring entry is internal: nothing of it is published, so it needs no approval",
        "Record what was done in its outcome:; a rebuttal or comment it led to is approved as an item.",
    ),
}
