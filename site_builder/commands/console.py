"""What a command prints: messages that never fail a command, problems as text, JSON or annotations."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from site_builder.commands import report
from site_builder.errors import Problem
from site_builder.i18n import word

if TYPE_CHECKING:
    from site_builder.load.config import Config

# 3: `build` published the site, but held back items with errors (judge/held.py)
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_HELD = 0, 1, 2, 3


def escaping_streams() -> None:
    """Make every message printable whatever its characters: what the stream's encoding
    cannot carry (a file name that is not UTF-8, Cyrillic on an ASCII console, with
    PYTHONIOENCODING=utf-8 or without) is written as a backslash escape, never an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def say(text: str, stream: TextIO | None = None, end: str = "\n") -> None:
    """Print one message (to stdout by default).  Printing never fails a command: the
    build is done by then (output/ swapped in), and a closed or broken stream (`| head`,
    `>&-`) is the reader's choice, so the exit code says how the command went."""
    stream = stream or sys.stdout
    if stream is None:  # started with the stream closed
        return
    try:
        print(text, file=stream, end=end)
    except UnicodeEncodeError:  # a stream `escaping_streams` could not change
        encoding = getattr(stream, "encoding", None) or "ascii"
        with contextlib.suppress(OSError, ValueError, LookupError):
            print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream, end=end)
    except (OSError, ValueError):  # a broken pipe, a closed stream
        pass


def show(problems: list[Problem], args: argparse.Namespace) -> None:
    """Problems as the command's --format asks (errors in text go to stderr)."""
    if args.format == "json":
        say(report.as_json(problems, args.lang))
    elif args.format == "github":
        text = report.as_github(problems, args.lang)
        if text:
            say(text)
    else:
        text = report.as_text(problems, args.lang, show_info=not args.quiet)
        if text:
            say(text, sys.stderr if any(p.is_error for p in problems) else sys.stdout)


def confirmed(args: argparse.Namespace) -> bool:
    """Whether the person answers yes (`approve` asks before it writes): at the terminal,
    or piped on standard input (`echo y | site-builder approve …`).  No input at all (CI,
    `< /dev/null`) is no, with a word on --yes."""
    if sys.stdin is None:  # started with standard input closed
        say(word("not confirmed: pass --yes to approve without a terminal", args.lang), sys.stderr)
        return False
    prompt = word("Approve? [y/N] ", args.lang)
    if sys.stdin.isatty():
        try:
            answer = input(prompt)
        except EOFError:  # Ctrl+D: no answer is no
            answer = ""
    else:
        say(prompt, end="")
        try:
            answer = sys.stdin.readline()
        except (OSError, ValueError, UnicodeDecodeError):
            answer = ""
        say(answer.strip())  # what was read, as a terminal would have shown it
        if not answer:
            say(word("not confirmed: pass --yes to approve without a terminal", args.lang), sys.stderr)
            return False
    if answer.strip().lower() not in ("y", "yes", "д", "да"):
        say(word("cancelled", args.lang))
        return False
    return True


def site_config(root: Path, args: argparse.Namespace) -> Config | None:
    """The site's config.yaml, or None once its problems are shown (the command then exits
    EXIT_PROBLEMS).  Imported only when asked: `build` with nothing to do never loads it."""
    from site_builder.errors import SiteError
    from site_builder.load.config import load_config

    try:
        return load_config(root)
    except SiteError as exc:
        show(exc.problems, args)
        return None
