"""`site-builder log verify OLD NEW`: does the publication log NEW extend OLD?

Each is a saved file or an address (https://…/transparency/log.jsonl).  Both must be
whole chains (every entry names the hash of the one before it and hashes to its own
`hash`); then NEW extends OLD when it begins with every entry of OLD, byte for byte.
Otherwise the first entry of OLD that NEW lacks or has otherwise is named.  Exit 0: NEW
extends OLD; 1: it does not, or a chain is broken; 2: a file cannot be read or is no log.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from site_builder.commands import console
from site_builder.commands.verify import Stop, _problem, download, is_address, read
from site_builder.errors import problem
from site_builder.i18n import word
from site_builder.judge.record import GENESIS, canonical, entry_hash

MAX_LOG = 512 << 20


class Broken(Exception):
    def __init__(self, found, code: int) -> None:
        super().__init__(found.code)
        self.problem, self.code = found, code


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    try:
        old, new = _chain(args.old), _chain(args.new)
    except Stop as exc:
        _problem(exc.problem, args.lang, sys.stderr)
        return console.EXIT_USAGE
    except Broken as exc:
        _problem(exc.problem, args.lang, sys.stderr)
        return exc.code
    for index, entry in enumerate(old):
        if index >= len(new) or canonical(new[index]) != canonical(entry):
            said = [str(entry.get(key, "?")) for key in ("time", "event", "url")]
            detail = " ".join([*said, f"v{entry.get('version', '?')}"])
            found = problem(
                args.new,
                index + 1,
                "error",
                "LOG_REWRITTEN",
                new=args.new,
                old=args.old,
                seq=index + 1,
                detail=detail,
            )
            _problem(found, args.lang, sys.stderr)
            return console.EXIT_PROBLEMS
    head = new[-1]["hash"] if new else GENESIS
    said = word("{new} extends {old}: its {kept} entries are unchanged, {added} new; head {head}", args.lang)
    console.say(said.format(new=args.new, old=args.old, kept=len(old), added=len(new) - len(old), head=head))
    return console.EXIT_OK


def _chain(where: str) -> list[dict]:
    """The entries of a log, checked to be one chain; raises Stop or Broken."""
    data = download(where, MAX_LOG)[0] if is_address(where) else read(Path(where), MAX_LOG)
    entries: list[dict] = []
    prev = GENESIS
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Broken(_not_log(where, number, str(exc)[:120]), console.EXIT_USAGE) from None
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("hash", "prev")):
            raise Broken(_not_log(where, number, "an entry has a hash and a prev"), console.EXIT_USAGE)
        seq = len(entries) + 1
        if entry["prev"] != prev:
            detail = f"prev {entry['prev'][:19]}…, the entry before hashes to {prev[:19]}…"
            raise Broken(_broken(where, number, seq, detail), console.EXIT_PROBLEMS)
        if entry_hash(entry) != entry["hash"]:
            raise Broken(
                _broken(where, number, seq, "its content does not hash to its hash"), console.EXIT_PROBLEMS
            )
        if entry.get("seq") != seq:
            raise Broken(
                _broken(where, number, seq, f"it says it is entry {entry.get('seq')}"), console.EXIT_PROBLEMS
            )
        entries.append(entry)
        prev = entry["hash"]
    return entries


def _not_log(where: str, line: int, detail: str):
    return problem(where, line, "error", "LOG_NOT_JSONL", where=where, at=line, detail=detail)


def _broken(where: str, line: int, seq: int, detail: str):
    return problem(where, line, "error", "LOG_BROKEN_CHAIN", where=where, at=line, seq=seq, detail=detail)
