"""`site-builder schema`: JSON Schema of each content type's front matter and of config.yaml.

Generated from the same pydantic models the checks use, so an editor that validates
against them and `site-builder check` can never disagree about which keys exist.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from site_builder.commands import console, report
from site_builder.errors import problem
from site_builder.load.config import Config
from site_builder.load.model import MODELS, MediaRequest, MonitoringEntry

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLES = {
    "press-release": "Press release (front matter)",
    "rebuttal": "Rebuttal (front matter)",
    "announcement": "Announcement (front matter)",
    "media-plan": "Media plan (front matter)",
    "question": "Citizen's question and answer (front matter)",
}
# The registers' records: typed like the items, never published but for public media requests.
RECORDS = {
    "media-request": (MediaRequest, "Media request record (front matter)"),
    "monitoring": (MonitoringEntry, "Monitoring register entry (front matter)"),
}


def _with_yaml_booleans(schema: dict) -> dict:
    """`verdict: false` (and a monitoring entry's `tone: false`) unquoted is a YAML boolean,
    which the model accepts; so must the schema."""
    for key in ("verdict", "tone"):
        field = schema.get("properties", {}).get(key)
        if field is not None and "enum" in field:
            field["enum"] = [*field["enum"], False]
            field.pop("type", None)
    return schema


def schemas() -> dict[str, dict]:
    """File name → JSON Schema, one per content type plus config.yaml."""
    out: dict[str, dict] = {}
    for kind, model in MODELS.items():
        body = _with_yaml_booleans(model.model_json_schema(by_alias=True, mode="validation"))
        out[f"{kind}.schema.json"] = {"$schema": DIALECT, **body, "title": TITLES[kind]}
    for name, (record, title) in RECORDS.items():
        body = _with_yaml_booleans(record.model_json_schema(by_alias=True, mode="validation"))
        out[f"{name}.schema.json"] = {"$schema": DIALECT, **body, "title": title}
    body = Config.model_json_schema(by_alias=True, mode="validation")
    out["config.schema.json"] = {"$schema": DIALECT, **body, "title": "site-builder config.yaml"}
    return out


def write(folder: Path) -> list[Path]:
    """Write every schema into folder; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        temporary = folder / f".{name}.tmp"
        temporary.unlink(missing_ok=True)  # never written through a link left there
        temporary.write_text(
            json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        os.replace(temporary, path)  # a link there is replaced, never written through
        written.append(path)
    return written


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    folder = args.out or root / "schemas"
    try:
        written = write(folder)
    except OSError as exc:  # a file where the folder should be, a folder one may not write
        shown = os.fsencode(str(folder)).decode("utf-8", "replace")
        refusal = problem(shown, 0, "error", "OUTPUT_UNWRITABLE", detail=exc.strerror or exc)
        console.say(report.as_text([refusal], args.lang), sys.stderr)
        return console.EXIT_PROBLEMS
    for path in written:
        if not args.quiet:
            console.say(path.as_posix())
    return console.EXIT_OK
