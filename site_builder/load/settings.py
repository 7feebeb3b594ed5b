"""The site settings, their hash, and the record of their approval (`settings.approval.yaml`).

**What the settings hash covers.**  Everything in a site that decides who may approve
what, and everything that puts text or code on every page, which is not itself an
approved item:

- the whole of config.yaml, as the generator reads it: `people` (roles, e-mails, keys,
  heads, active windows), `divisions`, `rules` (markers, steps, signatures, verify_git …),
  and also `site` (its title, description and titles are on every page; its base URL and
  time zone decide where pages go and on which day a key is valid), `calendar` (it counts
  deadlines) and `press_centre` (published text).  It is hashed by meaning, not by
  spelling: the validated settings with the values left at their defaults left out
  (`model_dump(exclude_defaults=True)`), each value as canonical JSON.  Comments,
  quoting, key order, flow or block style, `four_eyes: true` written out or left to its
  default: none of these changes the hash.  (A new release of the generator that adds a
  setting with a default therefore changes no site's hash; one that changes a default
  changes what a site means without a new signature: the generator is pinned and
  reviewed on its own.)
- every file under `templates/` and `static/`: its name and its bytes (a link or a file
  that cannot be read counts as such, never followed).  The generator's own theme is part
  of the pinned generator, not of the site.

Not covered: content/ (each item carries its own approval) and settings.approval.yaml.

The hash is a SHA-256 over the sorted list of *parts*, each named as messages show it
(`config.yaml people[tokto-aigerim].roles`, `config.yaml rules.types.press-release`,
`templates/base.html`) with the SHA-256 of its canonical bytes.  The record keeps each
part's digest, shortened, so that `check` can say which parts changed since the
signature; the parts in the record are a guide only, never trusted: what is signed and
compared is the hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from site_builder.errors import Problem, problem
from site_builder.load import yamlsafe
from site_builder.load.config import Config
from site_builder.load.fields import AwareDateTime, Strict, Text, problems_from
from site_builder.speed.uptodate import SETTINGS_RECORD

RECORD = SETTINGS_RECORD
VERSION_LINE = "site-builder settings 1"
FOLDERS = ("templates", "static")
DEPTH = 3  # config.yaml parts: `people[id].roles`, `rules.types.press-release`, `site.title`
SHORT = 16  # hex digits of a part's digest kept in the record
MAX_RECORD_BYTES = 2_000_000


@dataclass(frozen=True)
class Settings:
    """The settings' parts: name → SHA-256 (hex) of the part's canonical bytes."""

    parts: dict[str, str]

    @property
    def digest(self) -> str:
        lines = [
            VERSION_LINE,
            *(f"{json.dumps(name, ensure_ascii=False)} {self.parts[name]}" for name in sorted(self.parts)),
        ]
        return "sha256:" + hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()

    def short(self) -> dict[str, str]:
        return {name: self.parts[name][:SHORT] for name in sorted(self.parts)}

    def changed(self, recorded: dict[str, str]) -> list[str]:
        """The parts that differ from a record's (shortened) digests: changed, new or gone."""
        names = sorted(self.parts.keys() | recorded.keys())
        return [n for n in names if not recorded.get(n) or not self.parts.get(n, "").startswith(recorded[n])]


def settings_of(root: Path, config: Config) -> Settings:
    """The settings of the site at ROOT, whose config.yaml is `config`."""
    parts: dict[str, str] = {}
    data = config.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    for key, value in data.items():
        _flatten(value, key, 1, parts)
    for folder in FOLDERS:
        for name, digest in _files(root / folder):
            parts[f"{folder}/{name}"] = digest
    return Settings(parts)


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _flatten(value: Any, name: str, depth: int, parts: dict[str, str]) -> None:
    """A config value's parts: a mapping by its keys, a list of entries with unique ids by
    id (and the list itself by the order of its ids), down to DEPTH names; below that a
    value is one part."""
    if depth < DEPTH and isinstance(value, dict) and value:
        for key, inner in value.items():
            _flatten(inner, f"{name}.{key}", depth + 1, parts)
        return
    entries = isinstance(value, list) and all(isinstance(entry, dict) for entry in value)
    ids = [entry.get("id") for entry in value] if entries else []
    if depth < DEPTH and ids and all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids):
        parts["config.yaml " + name] = hashlib.sha256(_canonical(ids)).hexdigest()
        for entry in value:
            _flatten(
                {k: v for k, v in entry.items() if k != "id"} or "",
                f"{name}[{entry['id']}]",
                depth + 1,
                parts,
            )
        return
    parts["config.yaml " + name] = hashlib.sha256(_canonical(value)).hexdigest()


def _files(folder: Path) -> list[tuple[str, str]]:
    """Every file below a folder (no link followed) as (name, SHA-256 of its bytes, or of
    what it is when it is no readable file)."""
    if os.path.islink(folder):
        return [("", hashlib.sha256(b"(link)").hexdigest())]
    if not folder.is_dir():
        return []
    out = []
    top = str(folder)
    for base, dirs, names in os.walk(top):  # links to folders are listed in `dirs`, not entered
        below = base[len(top) + 1 :].replace(os.sep, "/")
        prefix = f"{below}/" if below else ""
        linked = [d for d in dirs if os.path.islink(os.path.join(base, d))]
        dirs[:] = sorted(d for d in dirs if d not in linked)
        for name in sorted([*names, *linked]):
            out.append((prefix + name, _digest(os.path.join(base, name))))
    return out


def _digest(path: str) -> str:
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            return hashlib.sha256(b"(link)" if stat.S_ISLNK(mode) else b"(special)").hexdigest()
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return hashlib.sha256(b"(unreadable)").hexdigest()


# The record: settings.approval.yaml


class SettingsSignature(Strict):
    by: Text = Field(min_length=1, max_length=200)
    at: AwareDateTime
    signature: Text = Field(min_length=1, max_length=20_000)


class SettingsRecord(Strict):
    hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    parts: dict[str, str] = Field(default_factory=dict)
    signatures: list[SettingsSignature] = Field(default_factory=list, max_length=100)


@dataclass(frozen=True)
class Record:
    """A settings approval as settings.approval.yaml holds it, with the lines of its fields."""

    model: SettingsRecord
    lines: yamlsafe.LineMap

    def line(self, *where: str | int) -> int:
        return yamlsafe.line_for(self.lines, tuple(where), 1)


def message(by: str, at: datetime, digest: str) -> bytes:
    """What a settings administrator signs (namespace site-builder-settings)."""
    fields = (("by", by), ("at", at.isoformat(timespec="seconds")), ("hash", digest))
    return "".join([VERSION_LINE + "\n", *(f"{name}: {value}\n" for name, value in fields)]).encode()


def read_record(root: Path) -> tuple[Record | None, list[Problem]]:
    """settings.approval.yaml; (None, []) when there is none."""
    path = root / RECORD
    if not os.path.lexists(path):
        return None, []
    if os.path.islink(path) or not path.is_file():
        return None, [problem(RECORD, 0, "error", "SETTINGS_RECORD_BAD", why="not a regular file")]
    try:
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
            raw = handle.read(MAX_RECORD_BYTES + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [problem(RECORD, 0, "error", "SETTINGS_RECORD_BAD", why=str(exc)[:200])]
    if len(raw) > MAX_RECORD_BYTES:
        return None, [problem(RECORD, 0, "error", "SETTINGS_RECORD_BAD", why="larger than 2 MB")]
    data, lines, problems = yamlsafe.load(text, RECORD)
    if problems:
        return None, problems
    try:
        return Record(SettingsRecord.model_validate(data if data is not None else {}), lines), []
    except ValidationError as exc:
        return None, problems_from(exc, SettingsRecord, RECORD, lines, 1)


def record_text(settings: Settings, signatures: list[SettingsSignature]) -> str:
    """settings.approval.yaml for these settings and signatures, one line per part (so that
    the file's history shows which settings each approval covered)."""
    out = [
        "# The site settings (config.yaml, templates/, static/) approved by settings administrators.",
        "# Written by `site-builder approve --settings`; do not edit it by hand",
        "# (docs/reference.md, «Settings approval»).",
        f'hash: "{settings.digest}"',
        "parts:",
        *(f'  {json.dumps(name, ensure_ascii=False)}: "{short}"' for name, short in settings.short().items()),
        "signatures:",
    ]
    for entry in signatures:
        out += [
            f"  - by: {json.dumps(entry.by, ensure_ascii=False)}",
            f"    at: {entry.at.isoformat(timespec='seconds')}",
        ]
        out += ["    signature: |", *("      " + line for line in entry.signature.strip().split("\n"))]
    if not signatures:
        out[-1] = "signatures: []"
    return "\n".join(out) + "\n"
