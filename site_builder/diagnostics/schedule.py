"""The press office's schedule: an event changed after its announcement, media-plan entries
and media requests due."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "EVENT_CHANGE_NOTE": (
        "the event was re-approved at {at}, after its publication date {date}, without a public change note",
        "If the event's time or place changed, add event.changes: [{{at: …, note: …}}] dated between the two; "
        "otherwise approve before the date.",
    ),
    "PLAN_ENTRY_OVERDUE": (
        "the media plan entry of {date} ('{topic}') is overdue: its date has passed and nothing is linked",
        "Publish it and set ref: to the item, mark it status: done or cancelled, or move its date.",
    ),
    "REQUEST_DUE": (
        "the media request must be answered by {deadline} ({days} working days left)",
        "Answer the outlet and fill in answered: with the date of the answer.",
    ),
    "REQUEST_OVERDUE": (
        "the media request is overdue: the deadline was {deadline} ({days} working days ago)",
        "Answer the outlet now and fill in answered: with the date of the answer.",
    ),
    "REQUEST_ANSWER_BEFORE": (
        "answered: is earlier than received:",
        "Check both dates (YYYY-MM-DD).",
    ),
}
