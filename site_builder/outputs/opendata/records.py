"""The records of each open-data table, from Site alone: only published items appear, and
media requests only as counts plus the ones marked public."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from site_builder.load import urls
from site_builder.load.model import Announcement, MediaPlan, Question
from site_builder.view.entries import Entry
from site_builder.view.site import Site, plan_rows
from site_builder.view.terms import term_span


def _item_record(site: Site, e: Entry) -> dict:
    origin = site.config.origin
    return {
        "id": e.item.key,
        "lang": e.lang,
        "type": e.kind,
        "title": e.title,
        "summary": e.summary,
        "url": origin + e.url,
        "published": e.date.isoformat(),
        "updated": e.updated.isoformat(),
        "approved": e.meta.approval.at.isoformat() if e.meta.approval else None,
        "division": e.division.id if e.division else None,
        "tags": "; ".join(t.name for t in e.tags),
        "corrections": len(e.meta.corrections),
        "withdrawn": e.withdrawn,
        "withdrawn_at": e.meta.withdrawn.at.isoformat() if e.withdrawn and e.meta.withdrawn else None,
        "withdrawn_reason": e.meta.withdrawn.reason if e.withdrawn and e.meta.withdrawn else None,
        "former_head": e.former.name_in(e.lang) if e.former else None,
        "former_head_term": term_span(e.former) if e.former else None,
    }


def _event_record(site: Site, e: Entry) -> dict:
    origin = site.config.origin
    assert isinstance(e.meta, Announcement)
    ev = e.meta.event
    acc = ev.accreditation
    deadline = None if acc is None or isinstance(acc, str) or acc.deadline is None else acc.deadline
    return {
        "id": e.item.key,
        "lang": e.lang,
        "title": e.title,
        "url": origin + e.url,
        "kind": ev.kind,
        "starts": ev.starts.isoformat(),
        "ends": ev.ends.isoformat() if ev.ends else None,
        "location": ev.location,
        "online_url": urls.uri(ev.online_url) if ev.online_url else None,
        "status": "cancelled" if e.withdrawn else ev.status,
        "cancel_reason": ev.cancel_reason,
        "changes": len(ev.changes),
        "accreditation_deadline": deadline.isoformat() if deadline else None,
        "calendar": origin + e.url + "event.ics",
    }


def _plan_records(site: Site, e: Entry, found: list[dict] | None = None) -> list[dict]:
    """A published plan's rows (`found`: its `plan_rows`, when worked out already)."""
    origin = site.config.origin
    out = []
    for row in plan_rows(e, site) if found is None else found:
        entry, target = row["entry"], row["target"]
        out.append(
            {
                "plan": origin + e.url,
                "lang": e.lang,
                "date": entry.date.isoformat(),
                "channel": entry.channel,
                "outlet": entry.outlet,
                "topic": entry.topic,
                "format": entry.format,
                "responsible": entry.responsible,
                "state": row["state"],
                "result_url": origin + target.url if target is not None else None,
            }
        )
    return out


def _plan_state(site: Site, e: Entry) -> tuple[str, Callable[[], list[dict]]]:
    """What a plan's rows show besides the plan itself (each row's state and the address
    of what was published), and how to make them."""
    found = plan_rows(e, site)
    state = "|".join(f"{r['state']}:{r['target'].url if r['target'] else ''}" for r in found)
    return state, lambda: _plan_records(site, e, found)


_TAG = re.compile(r"<[^>]+>")


def _question_state(site: Site, e: Entry) -> tuple[str, Callable[[], list[dict]]]:
    """A question's record, which shows besides the question the address of its event."""
    meta = e.meta
    assert isinstance(meta, Question)
    event = site.question_event(e)
    official = site.config.person(meta.answered_by)

    def record() -> list[dict]:
        return [
            {
                "id": e.item.key,
                "lang": e.lang,
                "title": e.title,
                "url": site.config.origin + e.url,
                "question": meta.question,
                "asker": meta.asker.name if meta.asker.public else None,
                "asked": meta.asked.isoformat(),
                "answered": e.date.isoformat(),
                "answered_by": official.name if official else meta.answered_by,
                "answered_by_position": official.position if official else "",
                "division": e.division.id if e.division else None,
                "event_url": site.config.origin + event.url if event else None,
                "answer": " ".join(html.unescape(_TAG.sub(" ", e.html)).split()),
            }
        ]

    return (event.url if event else ""), record


def _alone(
    record: Callable[[Site, Entry], dict],
) -> Callable[[Site, Entry], tuple[str, Callable[[], list[dict]]]]:
    """A table with one record per entry, which depends on the entry alone."""
    return lambda site, e: ("", lambda: [record(site, e)])


# The tables made entry by entry: (which entries, their records with what decides them
# besides the entry's key, the order of the records).
PER_ENTRY: dict[str, tuple[Callable[[Entry], bool], Callable, Callable[[dict], tuple] | None]] = {
    "items": (lambda e: True, _alone(_item_record), None),
    "events": (
        lambda e: isinstance(e.meta, Announcement),
        _alone(_event_record),
        lambda r: (r["starts"], r["url"]),
    ),
    "media-plan": (lambda e: isinstance(e.meta, MediaPlan) and not e.withdrawn, _plan_state, None),
    "questions": (lambda e: isinstance(e.meta, Question) and not e.withdrawn, _question_state, None),
}


def rows(site: Site, name: str) -> list[dict]:
    """Every record of the table `name`, in its order (each with more keys than its columns)."""
    if name in PER_ENTRY:
        wanted, keyed, order = PER_ENTRY[name]
        found = [r for e in site.entries if wanted(e) for r in keyed(site, e)[1]()]
        return sorted(found, key=order) if order else found
    register = site.media_requests
    empty = {k: None for k in ("received_on", "deadline", "answered_on", "outlet", "topic", "answer_summary")}
    out = [
        {
            "row_type": kind,
            "month": t.label,
            "received": t.received,
            "on_time": t.on_time,
            "late": t.late,
            "open": t.open,
            "overdue": t.overdue,
            **empty,
        }
        for kind, t in [*(("month", m) for m in register.months), ("total", register.total)]
    ]
    for r in register.public:
        out.append(
            {
                "row_type": "request",
                "month": r.received.strftime("%Y-%m"),
                "received": 1,
                "on_time": int(r.state == "on_time"),
                "late": int(r.state == "late"),
                "open": int(r.state in ("open", "overdue")),
                "overdue": int(r.state == "overdue"),
                "received_on": r.received.isoformat(),
                "deadline": r.deadline.isoformat(),
                "answered_on": r.answered.isoformat() if r.answered else None,
                "outlet": r.outlet,
                "topic": r.topic,
                "answer_summary": r.answer_summary,
            }
        )
    return out
