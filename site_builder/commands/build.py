"""`site-builder build`: check, then render the site into output/ — or say it is up to date."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

from site_builder.commands import console, report
from site_builder.errors import Problem
from site_builder.i18n import word
from site_builder.speed import uptodate
from site_builder.speed.session import Session
from site_builder.write import outputdir


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    started = time.perf_counter()
    output = args.output or root / "output"
    refused = outputdir.refusals(root, output)  # before a byte is read or written
    if refused:
        return _stopped(refused, args)
    output = outputdir.place(output)
    session = Session.of(root, args.jobs, not args.no_cache)
    recorded = _recorded_problems(output) if session.cached else None
    aside = None
    if recorded is not None:
        session.digests = {}
        session.inputs = uptodate.inputs_key(root, session.digests)
        if uptodate.current(root, output, now, session.inputs):
            # The last build read the same files and nothing it showed changes before now:
            # say what it said, without parsing anything (nor importing the generator).
            console.show(recorded, args)
            if not args.quiet and args.format == "text":
                _say_up_to_date(args, started)
            return console.EXIT_OK
    elif session.cached:  # no output to keep: hash the inputs aside while the rest is imported
        aside = uptodate.inputs_key_aside(root)
    from site_builder.build import build
    from site_builder.commands import progress

    if aside is not None:
        session.inputs, session.digests = aside()
    with progress.bar(progress.wanted(args.quiet or args.format != "text"), args.lang) as update:
        result = build(root, now, output, progress=update, session=session)
    if not result.ok:
        return _stopped(result.problems, args)
    console.show(result.problems, args)
    if not args.quiet and args.format == "text":
        if not result.manifest:  # the build fingerprint matched: output/ was already up to date
            _say_up_to_date(args, started)
        else:
            text = word("built {count} files in {seconds:.2f} s", args.lang)
            console.say(text.format(count=result.written, seconds=time.perf_counter() - started))
    return console.EXIT_OK


def _stopped(problems: list[Problem], args: argparse.Namespace) -> int:
    """Report a build that wrote nothing."""
    console.show(problems, args)
    if args.format == "text":
        message = word("build stopped: nothing was written", args.lang)
        console.say(f"{report.summary(problems, args.lang)}; {message}", sys.stderr)
    return console.EXIT_PROBLEMS


def _say_up_to_date(args: argparse.Namespace, started: float) -> None:
    text = word("nothing changed: output/ is up to date ({seconds:.2f} s)", args.lang)
    console.say(text.format(seconds=time.perf_counter() - started))


def _recorded_problems(output: Path) -> list[Problem] | None:
    """The warnings the last build of this output reported; None when it left none readable."""
    found = uptodate.read_manifest(output.absolute()).get("problems")
    try:
        return [
            Problem(str(path), int(line), severity, str(code), tuple((str(k), str(v)) for k, v in values))
            for path, line, severity, code, values in found
        ]
    except (TypeError, ValueError):
        return None
