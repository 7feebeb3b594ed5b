"""Command line: parse arguments, call check/build/…, map results to exit codes."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

from site_builder import __version__
from site_builder.commands import console, moments
from site_builder.commands.console import EXIT_USAGE

# command → its module in site_builder/commands/, which has `run(args, root, now) -> exit code`
COMMANDS = {
    "check": "check",
    "build": "build",
    "approve": "approve",
    "serve": "serve",
    "new": "scaffold",
    "status": "status",
    "audit": "audit",
    "schema": "schema",
    "verify": "verify",
}


def _port(text: str) -> int:
    """A TCP port number (argparse reports anything else as wrong usage)."""
    if not text.isascii() or not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, not {text!r}")
    return int(text)


def _jobs(text: str) -> int:
    """A number of processes (argparse reports anything else as wrong usage)."""
    from site_builder.speed.parallel import MAX_JOBS

    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"a number of processes is from 1 to {MAX_JOBS}, not {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    base = argparse.ArgumentParser(add_help=False)
    base.add_argument(
        "--root", type=Path, default=Path("."), help="site folder (with config.yaml); default: ."
    )
    base.add_argument(
        "--lang",
        choices=("ru", "en"),
        default=os.environ.get("SITE_BUILDER_LANG", "ru"),
        help="language of messages (default ru; or SITE_BUILDER_LANG)",
    )
    base.add_argument("--quiet", "-q", action="store_true", help="print errors and warnings only")
    base.add_argument(
        "--now", help="the time to build as (ISO 8601); default: SOURCE_DATE_EPOCH or the clock"
    )
    common = argparse.ArgumentParser(add_help=False, parents=[base])
    common.add_argument(
        "--format", choices=("text", "json", "github"), default="text", help="how to print problems"
    )
    common.add_argument("--jobs", "-j", type=_jobs, help="processes to use, 1 to 64 (default: all cores)")
    common.add_argument("--no-cache", action="store_true", help="neither read nor write ROOT/.site-cache")

    # The settings administrators' keys, from outside the repository (see load/admins.py).
    outside = argparse.ArgumentParser(add_help=False)
    outside.add_argument(
        "--settings-keys",
        type=Path,
        help="allowed_signers file of the settings administrators (or SITE_BUILDER_SETTINGS_KEYS)",
    )
    gated = argparse.ArgumentParser(add_help=False, parents=[outside])
    gated.add_argument(
        "--require-signed-settings",
        action="store_true",
        help="fail unless the settings are signed by an administrator (or SITE_BUILDER_REQUIRE_SETTINGS=1)",
    )

    parser = argparse.ArgumentParser(prog="site-builder", description="Official press-office site generator.")
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", parents=[common, gated], help="validate content against the approval rules")
    build = sub.add_parser("build", parents=[common, gated], help="check, then render the site into output/")
    build.add_argument("--output", type=Path, help="output folder (default: ROOT/output)")
    build.add_argument(
        "--strict",
        action="store_true",
        help="any error stops the build (exit 1); without it, items in error are held back and the rest "
        "is published (exit 3)",
    )
    approve = sub.add_parser(
        "approve", parents=[common, outside], help="record the PR department's approval of an item"
    )
    approve.add_argument("path", type=Path, nargs="?", help="the item's .md file")
    approve.add_argument(
        "--by", help="id of the approving person (people: in config.yaml); with --settings, the administrator"
    )
    approve.add_argument(
        "--settings", action="store_true", help="sign the site settings as a settings administrator"
    )
    approve.add_argument("--at", help="approval time (ISO 8601; default: now); in the past needs --reason")
    approve.add_argument("--reason", help="why the approval is recorded after the fact (with a past --at)")
    approve.add_argument("--step", help="the step approved (default: the next one; refused if it is not)")
    approve.add_argument(
        "--key", type=Path, help="sign with this SSH key (default: the approver's key in ssh-agent, if any)"
    )
    approve.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    serve = sub.add_parser("serve", parents=[common, gated], help="live preview with automatic reload")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument(
        "--drafts", action="store_true", help="also show drafts and items under review, with a banner"
    )
    new = sub.add_parser("new", parents=[common], help="create a new item from a skeleton")
    new.add_argument("kind", choices=("press-release", "rebuttal", "announcement", "media-plan"))
    new.add_argument("title", help="the title, in quotes")
    new.add_argument("--author", help="author id (default: the person whose emails has your git e-mail)")
    new.add_argument("--division", help="division id (default: the author's)")
    new.add_argument("--date", help="publication date-time, ISO 8601 (default: now, site time zone)")
    new.add_argument("--slug", help="Latin file name without .md (default: from the title)")
    status = sub.add_parser("status", parents=[base], help="list items by state and what blocks them")
    status.add_argument(
        "--format", choices=("text", "csv", "json"), default="text", help="text, or a table: CSV or JSON"
    )
    audit = sub.add_parser(
        "audit", parents=[base], help="every approval event, from the files and their git history"
    )
    audit.add_argument("--format", choices=("csv", "json"), default="csv", help="CSV (default) or JSON")
    audit.add_argument("--output", type=Path, help="write to this file (default: standard output)")
    schema = sub.add_parser("schema", parents=[base], help="write JSON Schemas for editors")
    schema.add_argument("--out", type=Path, help="folder to write into (default: ROOT/schemas)")
    verify = sub.add_parser(
        "verify",
        parents=[base],
        help="check a published page's signed approvals (exit 0 valid, 1 not valid or unsigned)",
    )
    verify.add_argument(
        "target", help="a page's address (https://…), a saved page (.html) or a folder of output/"
    )
    verify.add_argument(
        "--keys", help="the site's keys/allowed_signers (address or file; default: the page's own site's)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    console.escaping_streams()
    try:
        now = moments.now(args.now)
    except moments.BadMoment as exc:
        exc.say(args.lang)
        return EXIT_USAGE
    # Each command's module is imported only when it runs: `build` with nothing to do
    # answers before the generator is imported at all (see commands/build.py).
    command = importlib.import_module(f"site_builder.commands.{COMMANDS[args.command]}")
    with _outside(args):
        return command.run(args, args.root, now)


@contextlib.contextmanager
def _outside(args: argparse.Namespace) -> Iterator[None]:
    """The settings options as the environment variables they stand for, while the command
    runs (every stage, and the up-to-date check, reads them there; see load/admins.py)."""
    from site_builder.speed.uptodate import OUTSIDE

    wanted = {}
    if getattr(args, "settings_keys", None) is not None:
        wanted[OUTSIDE[0]] = str(args.settings_keys.absolute())
    if getattr(args, "require_signed_settings", False):
        wanted[OUTSIDE[1]] = "1"
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run() -> NoReturn:
    """The `site-builder` command (and `python -m site_builder`): `main`, then exit at once.

    A build leaves a large heap behind (every item, entry and index word), and Python's
    shutdown frees it object by object: a third of a second after a 5,000-item build,
    for memory the system takes back anyway.  So after `main` returns, the exit handlers
    run and the output streams are flushed here, and the process ends without that —
    unless a profiler or tracer is on (`python -m cProfile` writes its report after this
    returns) or another thread is still at work.
    """
    code = main()
    if _watched() or _working_threads():
        sys.exit(code)  # a profiler writes its report, a thread still at work is waited for, as usual
    atexit._run_exitfuncs()  # what a normal exit runs first (multiprocessing's clean-up …)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # None: started with the stream closed (`>&-`)
            with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`), a closed stream
                stream.flush()
    os._exit(code)


def _watched() -> bool:
    """Whether a profiler, tracer or debugger is on (from Python 3.12 cProfile and
    debuggers may use `sys.monitoring` instead of the profile and trace functions)."""
    if sys.getprofile() or sys.gettrace():
        return True
    monitoring = getattr(sys, "monitoring", None)
    return monitoring is not None and any(
        monitoring.get_tool(tool) for tool in (monitoring.PROFILER_ID, monitoring.DEBUGGER_ID)
    )


def _working_threads() -> bool:
    """Whether a thread besides this one is still at work (none is after a build)."""
    main_thread = threading.main_thread()
    return any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not main_thread)


__all__ = ["main"]
