"""`site-builder check`: the pipeline up to the rules, then a trial render of every template."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from site_builder.build import Result, check, lasting, view
from site_builder.commands import console, report
from site_builder.outputs import trial
from site_builder.outputs.keys import page_keys
from site_builder.speed import uptodate
from site_builder.speed.session import Session


def check_all(root: Path, now: datetime, jobs: int | None = None, use_cache: bool = True) -> Result:
    """`check`, then the templates, each compiled and each page template rendered once per
    language with this site (see trial.py), unless the last trial found no error with the
    same inputs at a time that makes the same pages.  A build renders every page anyway,
    and stops on the first template error it meets."""
    session = Session.of(root, jobs, use_cache)
    digests: dict[str, str] = {}
    inputs = uptodate.inputs_key(root, digests) if use_cache else ""
    session.digests = digests if inputs else None
    result = check(root, now, session)
    config, store = result.config, session.store
    if config is None or result.judgement is None or trial.passed(store, inputs, now):
        return result
    site = result.site or view(result, now, session)[0]  # (check made none: it found errors)
    site.seal()
    keys = page_keys(site, root) if use_cache else {}
    found = trial.run(root, site, store, keys, lasting(result, now, inputs))
    result.problems = sorted(result.problems + found, key=lambda p: (p.path, p.line, p.code))
    return result


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    result = check_all(root, now, args.jobs, not args.no_cache)
    console.show(result.problems, args)
    if args.format == "text" and not args.quiet:
        stream = sys.stdout if result.ok else sys.stderr  # after the problems, on the same stream
        console.say(report.summary(result.problems, args.lang), stream)
    return console.EXIT_OK if result.ok else console.EXIT_PROBLEMS
