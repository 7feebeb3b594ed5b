"""Open data under data/: JSON and CSV of everything published, each with a JSON Schema.

Every table has a fixed column list (the order of the CSV header and of each JSON
record), built from Site alone — so only published items appear, and media requests
only as counts plus the ones marked public.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from site_builder.load import urls
from site_builder.load.model import Announcement, MediaPlan
from site_builder.outputs import Context, Files, Keyed, Planned
from site_builder.speed import cache
from site_builder.view.entries import Entry
from site_builder.view.site import Site, plan_rows

STR = {"type": "string"}
OPT_STR = {"type": ["string", "null"]}
INT = {"type": "integer", "minimum": 0}
DATE = {"type": "string", "format": "date"}
OPT_DATE = {"type": ["string", "null"], "format": "date"}
TIME = {"type": "string", "format": "date-time"}
OPT_TIME = {"type": ["string", "null"], "format": "date-time"}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: dict[str, tuple[dict, str]]  # column → (JSON Schema type, description); order is the CSV order


TABLES = [
    Table(
        "items",
        "Publications",
        "Every published item in every language: metadata, address, approval date, corrections. "
        "A withdrawn item keeps its title, dates and the public reason, nothing else.",
        {
            "id": (STR, "stable key of the item (shared by its translations)"),
            "lang": (STR, "language code"),
            "type": (STR, "press-release, rebuttal, announcement or media-plan"),
            "title": (STR, "title"),
            "summary": (STR, "summary, may be empty"),
            "url": (STR, "absolute address of the page"),
            "published": (TIME, "publication time"),
            "updated": (TIME, "time of the latest public change"),
            "approved": (TIME, "approval time"),
            "division": (OPT_STR, "id of the division, if any"),
            "tags": (STR, "tags separated by '; '"),
            "corrections": (INT, "number of published corrections"),
            "withdrawn": ({"type": "boolean"}, "true when the item was withdrawn"),
            "withdrawn_at": (OPT_TIME, "time of the withdrawal"),
            "withdrawn_reason": (OPT_STR, "public reason for the withdrawal"),
        },
    ),
    Table(
        "events",
        "Events",
        "Every announced event: time, place, status and accreditation deadline.",
        {
            "id": (STR, "stable key of the announcement"),
            "lang": (STR, "language code"),
            "title": (STR, "title"),
            "url": (STR, "absolute address of the announcement"),
            "kind": (STR, "press_conference, briefing, round_table, live_stream or interview"),
            "starts": (TIME, "start time"),
            "ends": (OPT_TIME, "end time"),
            "location": (OPT_STR, "place"),
            "online_url": (OPT_STR, "stream address"),
            "status": (STR, "scheduled or cancelled"),
            "cancel_reason": (OPT_STR, "public reason of a cancellation"),
            "changes": (INT, "number of public changes of time or place"),
            "accreditation_deadline": (OPT_TIME, "last moment to apply for accreditation"),
            "calendar": (STR, "absolute address of the event's .ics file"),
        },
    ),
    Table(
        "media-plan",
        "Media plan",
        "Every entry of the published media plans with its state: done, planned, overdue, cancelled.",
        {
            "plan": (STR, "absolute address of the plan"),
            "lang": (STR, "language code"),
            "date": (DATE, "planned date"),
            "channel": (STR, "site, media or social"),
            "outlet": (STR, "outlet or channel"),
            "topic": (STR, "topic"),
            "format": (STR, "format, may be empty"),
            "responsible": (STR, "id of the responsible person or division"),
            "state": (STR, "done, planned, overdue or cancelled"),
            "result_url": (OPT_STR, "absolute address of what was published"),
        },
    ),
    Table(
        "media-requests",
        "Media requests",
        "Requests from the media by month of receipt (all requests, counted), then the public ones "
        "(row_type 'request').",
        {
            "row_type": (STR, "'month', 'total' or 'request'"),
            "month": (STR, "YYYY-MM of receipt ('total' for the total row)"),
            "received": (INT, "requests received (1 for a request row)"),
            "on_time": (INT, "answered within the deadline"),
            "late": (INT, "answered after the deadline"),
            "open": (INT, "not answered yet"),
            "overdue": (INT, "not answered and past the deadline"),
            "received_on": (OPT_DATE, "request rows: date of receipt"),
            "deadline": (OPT_DATE, "request rows: last day to answer"),
            "answered_on": (OPT_DATE, "request rows: date of the answer"),
            "outlet": (OPT_STR, "request rows: outlet"),
            "topic": (OPT_STR, "request rows: topic"),
            "answer_summary": (OPT_STR, "request rows: public summary of the answer"),
        },
    ),
]


def data_links(site: Site) -> list[dict]:
    """Every data file with its title, for the open-data and subscribe pages."""
    base = site.config.base_path + "data/"
    return [
        {
            "name": t.name,
            "title": t.title,
            "description": t.description,
            "json": f"{base}{t.name}.json",
            "csv": f"{base}{t.name}.csv",
            "schema": f"{base}schema/{t.name}.schema.json",
        }
        for t in TABLES
    ]


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
}


def rows(site: Site, name: str) -> list[dict]:
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


def schema(site: Site, table: Table) -> dict:
    base = site.config.origin + site.config.base_path + "data/"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}schema/{table.name}.schema.json",
        "title": table.title,
        "description": table.description + " The CSV file has the same columns in the same order.",
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": list(table.columns),
            "properties": {
                name: {**kind, "description": text} for name, (kind, text) in table.columns.items()
            },
        },
    }


# A spreadsheet opening a CSV file takes a cell that starts with one of these for a
# formula (OWASP, "CSV Injection"): `=HYPERLINK(…)` in a tag would run on the reader's
# machine.  Such a cell gets a leading apostrophe, which spreadsheets read as "text".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A value as a CSV cell: None empty, text that a spreadsheet would run made inert."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(columns: list[str], records: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([cell(record[c]) for c in columns])
    return buffer.getvalue().encode("utf-8")


def paths(site: Site, root: Path) -> Planned:
    for table in TABLES:
        yield f"data/{table.name}.json", None
        yield f"data/{table.name}.csv", None
        yield f"data/schema/{table.name}.schema.json", None


def render(site: Site, ctx: Context) -> Files:
    out: Files = {}
    for table in TABLES:
        columns = list(table.columns)
        if table.name in PER_ENTRY:
            json_data, csv_data = _per_entry(site, ctx, table.name, columns)
            out[f"data/{table.name}.json"] = json_data
            out[f"data/{table.name}.csv"] = csv_data
        else:
            records = [{c: r[c] for c in columns} for r in rows(site, table.name)]
            out[f"data/{table.name}.json"] = (_rows_json(records) + "\n").encode("utf-8")
            out[f"data/{table.name}.csv"] = to_csv(columns, records)
        text = json.dumps(schema(site, table), ensure_ascii=False, indent=1) + "\n"
        out[f"data/schema/{table.name}.schema.json"] = text.encode("utf-8")
    return out


def _per_entry(
    site: Site, ctx: Context, name: str, columns: list[str]
) -> tuple[Keyed | bytes, Keyed | bytes]:
    """A per-entry table's JSON and CSV files, from each record's JSON and CSV line (as
    UTF-8, the most compact), which the build cache keeps by the entry's key and what else
    decides them: an edit lays out one entry's records, not thousands.  The two files are
    keyed by those keys, so when none changed they are not laid out at all."""
    wanted, keyed, order = PER_ENTRY[name]
    # Each entry's records by the entry's key (a hash of all it shows) and what else decides them.
    records: dict[str, Callable[[], list[dict]]] = {}
    for entry in site.entries:
        if wanted(entry):
            state, make = keyed(site, entry)
            records[f"{entry.key}|{entry.url}|{state}"] = make
    made: list[tuple[bytes, bytes]] = []

    def both() -> tuple[bytes, bytes]:
        if not made:
            made.append(_lay_out(site, ctx, name, columns, records, order))
        return made[0]

    lang = site.config.site.language
    shown = cache.key(*records)
    return (
        ctx.page(lang, [f"data-{name}.json", shown], lambda: both()[0]),
        ctx.page(lang, [f"data-{name}.csv", shown], lambda: both()[1]),
    )


def _lay_out(
    site: Site,
    ctx: Context,
    name: str,
    columns: list[str],
    records: dict[str, Callable[[], list[dict]]],
    order: Callable[[dict], tuple] | None,
) -> tuple[bytes, bytes]:
    line = _csv_line()

    def make(records: Callable[[], list[dict]]) -> Callable[[], list[tuple]]:
        def made() -> list[tuple]:
            out = []
            for found in records():
                text = _record_json({c: found[c] for c in columns})
                row = line([found[c] for c in columns]).encode("utf-8")
                out.append(
                    (None if text is None else text.encode("utf-8"), row, order(found) if order else ())
                )
            return out

        return made

    wanted_parts = {key: make(entry_records) for key, entry_records in records.items()}
    made = ctx.fragments(f"data-{name}", site.config.site.language, wanted_parts)
    parts = [part for key in wanted_parts for part in made[key]]
    del made
    if order:
        parts.sort(key=lambda part: part[2])
    if any(part[0] is None for part in parts):  # not a flat record: the standard library lays it out
        records = [{c: r[c] for c in columns} for r in rows(site, name)]
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
        return text.encode("utf-8"), to_csv(columns, records)
    data = b"[\n" + b",\n".join(part[0] for part in parts) + b"\n]\n" if parts else b"[]\n"
    return data, line(columns).encode("utf-8") + b"".join(part[1] for part in parts)


def _csv_line() -> Callable[[list], str]:
    """One CSV row as `to_csv` writes it (each value through `cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: list) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([cell(value) for value in values])
        return buffer.getvalue()

    return line


_SCALAR_JSON = {True: "true", False: "false", None: "null"}


def _rows_json(records: list[dict]) -> str:
    """`json.dumps(records, ensure_ascii=False, indent=1)`, with the C encoder.

    With an indent the standard library encodes in pure Python, several times slower; a
    table is a list of flat records, so each value is encoded alone and laid out the way
    `indent=1` lays it out.  Anything but a flat record of strings, integers, booleans and
    nulls goes to `json.dumps` as it is.
    """
    if not records:
        return "[]"
    parts = []
    for record in records:
        text = _record_json(record) if isinstance(record, dict) else None
        if text is None:
            return json.dumps(records, ensure_ascii=False, indent=1)
        parts.append(text)
    return "[\n" + ",\n".join(parts) + "\n]"


def _record_json(record: dict) -> str | None:
    """One flat record as `_rows_json` lays it out in a list; None if it is not flat."""
    if not record:
        return None
    string = json.encoder.encode_basestring  # type: ignore[attr-defined]
    fields = []
    for key, value in record.items():
        if not isinstance(key, str):
            return None
        if isinstance(value, str):
            text = string(value)
        elif value is None or isinstance(value, bool):
            text = _SCALAR_JSON[value]
        elif type(value) is int:
            text = int.__repr__(value)
        else:
            return None
        fields.append(f"  {string(key)}: {text}")
    return " {\n" + ",\n".join(fields) + "\n }"
