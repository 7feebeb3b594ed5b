"""Open data under data/: JSON and CSV of everything published, each with a JSON Schema.

Every table has a fixed column list (the order of the CSV header and of each JSON
record), built from Site alone — so only published items appear, and media requests
only as counts plus the ones marked public.  The tables are in `tables`, their records in
`records`, their CSV and JSON text in `layout`; this module is the output kind, which
keeps the per-entry tables' records in the build cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from site_builder.outputs import Context, Files, Keyed, Planned
from site_builder.outputs.opendata.layout import csv_line, record_json, rows_json, to_csv
from site_builder.outputs.opendata.records import PER_ENTRY, rows
from site_builder.outputs.opendata.tables import TABLES, schema
from site_builder.speed import cache
from site_builder.view.site import Site


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
            out[f"data/{table.name}.json"] = (rows_json(records) + "\n").encode("utf-8")
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
    line = csv_line()

    def make(records: Callable[[], list[dict]]) -> Callable[[], list[tuple]]:
        def made() -> list[tuple]:
            out = []
            for found in records():
                text = record_json({c: found[c] for c in columns})
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
