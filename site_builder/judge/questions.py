"""Citizens' questions: which announcement a question's `event:` names, and when the question
may be shown on that announcement's page (once the event took place)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from site_builder.errors import Problem, problem
from site_builder.load.config import Config
from site_builder.load.model import Announcement, Item, Question


def event_key(ref: str) -> str:
    """An `event:` as the announcement's translation key: its `id:`, or its path without
    `content/`, the language suffix and `.md` ("announcements/2026/pryamoi-efir-mera")."""
    ref = ref.strip().removeprefix("content/").removesuffix(".md")
    for lang in (".ru", ".ky", ".en"):
        ref = ref.removesuffix(lang)
    return ref


def announcements(items: Iterable[Item]) -> set[str]:
    """The translation keys of every announcement (the names an `event:` may use)."""
    return {item.key for item in items if isinstance(item.meta, Announcement)}


def took_place(event: Announcement, now: datetime) -> bool:
    """Whether an announcement's event is over at `now`: its end (else its start) has passed,
    and it was not cancelled.  The moment is a date of the announcement's own file, so the
    up-to-date check (speed/uptodate.py `next_change`) already stops at it."""
    moment = event.event.ends or event.event.starts
    return event.event.status != "cancelled" and moment < now


def problems(item: Item, config: Config, events: set[str]) -> list[Problem]:
    """A question's answering official who is no person of config.yaml, and an `event:`
    that names no announcement."""
    meta, path = item.meta, "content/" + item.source
    assert isinstance(meta, Question)
    out: list[Problem] = []
    people = {p.id for p in config.people}
    if meta.answered_by not in people:
        out.append(
            problem(
                path,
                item.line("answered_by"),
                "error",
                "UNKNOWN_PERSON",
                key="answered_by",
                value=meta.answered_by,
                known=", ".join(sorted(people)),
            )
        )
    if meta.event is not None and event_key(meta.event) not in events:
        out.append(problem(path, item.line("event"), "error", "QUESTION_EVENT_REF", value=meta.event[:120]))
    return out
