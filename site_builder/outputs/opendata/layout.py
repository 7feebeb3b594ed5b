"""Records as the text of a table's files: CSV cells made inert for spreadsheets, and JSON
laid out as `json.dumps(…, indent=1)` lays it out, faster."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

# A spreadsheet opening a CSV file takes a cell that starts with one of these for a
# formula (OWASP, "CSV Injection"): `=HYPERLINK(…)` in a tag would run on the reader's
# machine.  Such a cell gets a leading apostrophe, which spreadsheets read as "text".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A value as a CSV cell: None empty, a boolean `true`/`false` as in the JSON and its
    schema (not Python's `True`), text that a spreadsheet would run made inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(columns: list[str], records: list[dict]) -> bytes:
    """A table's CSV file: the header, then each record's row (each value through `cell`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([cell(record[c]) for c in columns])
    return buffer.getvalue().encode("utf-8")


def csv_line() -> Callable[[list], str]:
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


def rows_json(records: list[dict]) -> str:
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
        text = record_json(record) if isinstance(record, dict) else None
        if text is None:
            return json.dumps(records, ensure_ascii=False, indent=1)
        parts.append(text)
    return "[\n" + ",\n".join(parts) + "\n]"


def record_json(record: dict) -> str | None:
    """One flat record as `rows_json` lays it out in a list; None if it is not flat."""
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
