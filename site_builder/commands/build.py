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
    recorded = session.up_to_date(root, output, now)
    held = recorded is not None and any(p.is_error for p in recorded)  # (by a build that held items back)
    if recorded is not None and not (held and args.strict):  # say what the last build said, parsing nothing
        console.show(recorded, args)
        if not args.quiet and args.format == "text":
            _say_up_to_date(args, output, started)
            _say_held(recorded, args)
        return console.EXIT_HELD if held else console.EXIT_OK
    from site_builder.build import build  # (imported while the inputs are hashed aside)
    from site_builder.commands import progress

    if refused := _outbox_refused(root, output):  # before a byte is written
        return _stopped(refused, args)
    with progress.bar(progress.wanted(args.quiet or args.format != "text"), args.lang) as update:
        session.progress = update
        result = build(root, now, output, session=session, strict=args.strict)
    if not result.publishable:
        return _stopped(result.problems, args)
    result.problems += _outbox(root, output, result)
    if any(p.code.startswith("OUTBOX_") for p in result.problems):
        return _stopped(result.problems, args)
    console.show(result.problems, args)
    if not args.quiet and args.format == "text":
        if not result.manifest:  # the build fingerprint matched: output/ was already up to date
            _say_up_to_date(args, output, started)
        else:
            text = word("built {count} files ({pages} pages) into {output} in {seconds:.2f} s", args.lang)
            pages = sum(1 for name in result.manifest if name.endswith(".html"))
            shown, seconds = _shown(output), time.perf_counter() - started
            console.say(text.format(count=result.written, pages=pages, output=shown, seconds=seconds))
        _say_held(result.problems, args)
    return console.EXIT_OK if result.ok else console.EXIT_HELD


def _outbox_refused(root: Path, output: Path) -> list[Problem]:
    """Why the outbox (outbox.folder of config.yaml) may not be written."""
    from site_builder.load.zone import outbox_folder
    from site_builder.write import outbox as outbox_folder_writer

    return outbox_folder_writer.refused(root, outbox_folder(root), output)


def _outbox(root: Path, output: Path, result) -> list[Problem]:
    """Write the ready-to-post texts of the items just published (outputs/outbox.py) to the
    outbox folder outside output/; nothing is sent."""
    if result.site is None or result.config is None:
        return []
    from site_builder.outputs import outbox
    from site_builder.write import outbox as outbox_folder

    return outbox_folder.write(root, result.config.outbox.folder, output, outbox.render(result.site))


def _say_held(problems: list[Problem], args: argparse.Namespace) -> None:
    """After a build that held items back: how many, and that the exit code says so."""
    held = len({p.path for p in problems if p.code in ("HELD_OUT", "HELD_KEPT")})
    if held:
        text = word("published; {held} items held back for their errors (exit code 3)", args.lang)
        console.say(f"{report.summary(problems, args.lang)}; {text.format(held=held)}", sys.stderr)


def _stopped(problems: list[Problem], args: argparse.Namespace) -> int:
    """Report a build that wrote nothing."""
    console.show(problems, args)
    if args.format == "text":
        message = word("build stopped: nothing was written", args.lang)
        console.say(f"{report.summary(problems, args.lang)}; {message}", sys.stderr)
    return console.EXIT_PROBLEMS


def _say_up_to_date(args: argparse.Namespace, output: Path, started: float) -> None:
    text = word("nothing changed: {output} is up to date ({seconds:.2f} s)", args.lang)
    console.say(text.format(output=_shown(output), seconds=time.perf_counter() - started))


def _shown(output: Path) -> str:
    """The output folder as the person at the terminal finds it: from the current folder
    when it lies below it, else in full; a folder's name ends with /."""
    here = Path.cwd()
    shown = output.relative_to(here) if output.is_relative_to(here) else output
    return f"{shown.as_posix().rstrip('/')}/"
