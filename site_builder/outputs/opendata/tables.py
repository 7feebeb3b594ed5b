"""The open-data tables: each one's name, title, columns (the CSV and JSON order) and JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.view.site import Site

STR = {"type": "string"}
OPT_STR = {"type": ["string", "null"]}
INT = {"type": "integer", "minimum": 0}
DATE = {"type": "string", "format": "date"}
OPT_DATE = {"type": ["string", "null"], "format": "date"}
TIME = {"type": "string", "format": "date-time"}
OPT_TIME = {"type": ["string", "null"], "format": "date-time"}


@dataclass(frozen=True)
class Table:
    """One table: its files are data/<name>.json, .csv and schema/<name>.schema.json."""

    name: str
    title: str
    description: str
    columns: dict[str, tuple[dict, str]]  # column → (JSON Schema type, description); order is the CSV order


TABLES = [
    Table(
        "items",
        "Publications",
        "Every published item in every language: metadata, address, approval date, corrections, "
        "the former head of the administration it was published under. "
        "A withdrawn item keeps its title, dates and the public reason, nothing else.",
        {
            "id": (STR, "stable key of the item (shared by its translations)"),
            "lang": (STR, "language code"),
            "type": (STR, "press-release, rebuttal, announcement, media-plan or question"),
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
            "former_head": (
                OPT_STR,
                "political items published under a head of the administration whose term has ended "
                "(config.yaml terms:): that head's name, as the page's banner shows it",
            ),
            "former_head_term": (OPT_STR, "that head's term of office, from/to days (ISO 8601 interval)"),
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
        "Every entry of the published media plans with its state: done, announced, planned, overdue, "
        "cancelled.",
        {
            "plan": (STR, "absolute address of the plan"),
            "lang": (STR, "language code"),
            "date": (DATE, "planned date"),
            "channel": (STR, "site, media or social"),
            "outlet": (STR, "outlet or channel"),
            "topic": (STR, "topic"),
            "format": (STR, "format, may be empty"),
            "responsible": (STR, "id of the responsible person or division"),
            "state": (
                STR,
                "done (published, or the event took place), announced (the event is ahead), planned, "
                "overdue or cancelled",
            ),
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
    Table(
        "questions",
        "Citizens' questions and answers",
        "Every published answer to a citizen's question. The asker is named only with their consent.",
        {
            "id": (STR, "stable key of the question (shared by its translations)"),
            "lang": (STR, "language code"),
            "title": (STR, "title"),
            "url": (STR, "absolute address of the page"),
            "question": (STR, "the question as asked"),
            "asker": (OPT_STR, "the asker's name, only when they agreed to have it published"),
            "asked": (STR, "when it was asked: a date, or a date and time"),
            "answered": (TIME, "when the answer was published"),
            "answered_by": (STR, "the official who answered"),
            "answered_by_position": (STR, "their position, may be empty"),
            "division": (OPT_STR, "id of the division, if any"),
            "event_url": (OPT_STR, "absolute address of the event the question was asked for"),
            "answer": (STR, "the answer as plain text"),
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


def schema(site: Site, table: Table) -> dict:
    """The JSON Schema of a table's JSON file (its records, with their columns in order)."""
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
