"""Citizens' questions (type `question`) and the proof that items and plan entries went out."""

from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    "QUESTION_EVENT_REF": (
        "event '{value}' is not an announcement of this site",
        "Write the announcement's id: or its path (content/announcements/2026/name.md).",
    ),
    "QUESTION_EMAIL": (
        "the question's {key} holds what looks like an e-mail address ('{value}'): contact data must not be published",
        "Remove it from the public text; the asker's contacts stay in the office's own register.",
    ),
    "QUESTION_PHONE": (
        "the question's {key} holds what looks like a phone number ('{value}'): contact data must not be published",
        "Remove it from the public text; the asker's contacts stay in the office's own register.",
    ),
    "PLAN_SOCIAL_NO_PROOF": (
        "the media plan entry of {date} ('{topic}') for social networks says status: done, but has no posted: proof",
        "Add posted: [{{channel: telegram, url: https://…, at: 2026-11-20T10:00}}] with the post's address; "
        "until then the plan shows the entry as not done.",
    ),
    "PLAN_SOCIAL_OVERDUE": (
        "the media plan entry of {date} ('{topic}') for social networks is past, but has no posted: proof that it went out",
        "Add posted: [{{channel: telegram, url: https://…, at: 2026-11-20T10:00}}] with the post's address, "
        "or set status: cancelled if it was not posted.",
    ),
    "OUTBOX_UNWRITABLE": (
        "the ready-to-post texts cannot be written to {folder}: {why}",
        "Check outbox.folder in config.yaml: a folder outside output/ and the sources that you may write.",
    ),
    "OUTBOX_OVERLAPS": (
        "the ready-to-post texts would be written to {folder}, which overlaps {what}",
        "Set outbox.folder in config.yaml to a folder of its own outside output/ and the sources "
        "(default: outbox, beside output/).",
    ),
    "OUTBOX_FOREIGN": (
        "the ready-to-post texts would replace {folder}, which holds files the generator did not write",
        "Set outbox.folder in config.yaml to a new folder, or empty this one: "
        "every build replaces the outbox as a whole.",
    ),
}
