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
        "the media plan entry of {date} ('{topic}') is overdue: its date has passed and nothing it links is out",
        "Publish it and set ref: to the item, mark it status: done or cancelled, or move its date.",
    ),
    "PLAN_DONE_NOT_OUT": (
        "the media plan entry of {date} ('{topic}') says status: done, but {ref} is not published",
        "Publish {ref}, or set status: planned until it is out: the plan shows the entry as planned "
        "(or overdue) until then.",
    ),
    "PLAN_DONE_NOT_HAPPENED": (
        "the media plan entry of {date} ('{topic}') says status: done, but the event of {ref} is still ahead ({when})",
        "Set status: planned: the plan shows the entry as announced until the event has taken place, then as done.",
    ),
    "PLAN_STATUS_BEHIND": (
        "the media plan entry of {date} ('{topic}') still says status: planned, but {ref} was done on {when}",
        "Set status: done (the plan already shows the entry as done).",
    ),
    "PLAN_CANCELLED_BUT_OUT": (
        "the media plan entry of {date} ('{topic}') says status: cancelled, but {ref} is published",
        "Set status: planned (or done), or remove ref: if the entry was cancelled: the plan shows what the site "
        "published.",
    ),
    "PLAN_REF_WITHDRAWN": (
        "the media plan entry of {date} ('{topic}') says status: {status}, but {ref} was withdrawn",
        "Set status: cancelled (the plan shows the entry as cancelled), or point ref: to what replaced it.",
    ),
    "PLAN_EVENT_CANCELLED": (
        "the media plan entry of {date} ('{topic}') says status: {status}, but the event of {ref} was cancelled",
        "Set status: cancelled (the plan shows the entry as cancelled), or point ref: to the new announcement.",
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
