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
from site_builder.commands import arguments, console, moments
from site_builder.commands.console import EXIT_USAGE
from site_builder.i18n import word

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
    "init": "init",
    "report": "monthly",
    "log": "log",
}


def _globals(parser: argparse.ArgumentParser, lang: str, given: bool, root: bool = True) -> None:
    """The options every command takes, before or after its name (`site-builder --lang en
    check` and `site-builder check --lang en`).  On the top parser they have their
    defaults; on each command's (`given`) they are set only when given there, so a value
    given before the command is not overwritten by the command's default."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if given else value

    if root:  # (not for `init`, which makes the site folder it is given)
        parser.add_argument(
            "--root",
            type=Path,
            default=default(None),
            help=word("site folder (with config.yaml); default: the nearest folder up that has one", lang),
        )
    parser.add_argument(
        "--lang",
        choices=arguments.LANGUAGES,
        default=default(os.environ.get(arguments.LANG_ENV, "ru")),
        help=word("language of messages (default ru; or SITE_BUILDER_LANG)", lang),
    )
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        default=default(False),
        help=word("print errors and warnings only", lang),
    )
    parser.add_argument(
        "--now",
        default=default(None),
        help=word(
            "the time to run as, ISO 8601, e.g. 2026-12-20T10:00: without an offset, in the site's time"
            " zone (site.timezone), like every date in the content, --date and --at; default:"
            " SOURCE_DATE_EPOCH (seconds, UTC) or the clock",
            lang,
        ),
    )


def _parser(lang: str) -> argparse.ArgumentParser:
    def port(text: str) -> int:
        """A TCP port number (argparse reports anything else as wrong usage)."""
        if not text.isascii() or not text.isdigit() or int(text) > 65535:
            message = word("a port is a number from 0 to 65535, not {value}", lang)
            raise argparse.ArgumentTypeError(message.format(value=repr(text)))
        return int(text)

    def jobs(text: str) -> int:
        """A number of processes (argparse reports anything else as wrong usage)."""
        from site_builder.speed.parallel import MAX_JOBS

        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_JOBS:
            message = word("a number of processes is from 1 to {most}, not {value}", lang)
            raise argparse.ArgumentTypeError(message.format(most=MAX_JOBS, value=repr(text)))
        return int(text)

    base = argparse.ArgumentParser(add_help=False)
    _globals(base, lang, given=True)
    talk = argparse.ArgumentParser(add_help=False)  # what `init` takes of them
    _globals(talk, lang, given=True, root=False)
    # Problems as text, JSON or CI annotations (not for `new` and `approve`: see their defaults).
    shown = argparse.ArgumentParser(add_help=False)
    shown.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help=word("how to print problems: text, json or github (CI annotations)", lang),
    )
    common = argparse.ArgumentParser(add_help=False, parents=[base, shown])
    common.add_argument(
        "--jobs", "-j", type=jobs, help=word("processes to use, 1 to 64 (default: all cores)", lang)
    )
    common.add_argument(
        "--no-cache", action="store_true", help=word("neither read nor write ROOT/.site-cache", lang)
    )

    # The settings administrators' keys, from outside the repository (see load/admins.py).
    outside = argparse.ArgumentParser(add_help=False)
    outside.add_argument(
        "--settings-keys",
        type=Path,
        help=word(
            "allowed_signers file of the settings administrators (or SITE_BUILDER_SETTINGS_KEYS)", lang
        ),
    )
    gated = argparse.ArgumentParser(add_help=False, parents=[outside])
    gated.add_argument(
        "--require-signed-settings",
        action="store_true",
        help=word(
            "fail unless the settings are signed by an administrator (or SITE_BUILDER_REQUIRE_SETTINGS=1)",
            lang,
        ),
    )

    def command(name: str, parents: list[argparse.ArgumentParser], about: str) -> argparse.ArgumentParser:
        found = sub.add_parser(
            name,
            lang=lang,
            parents=parents,
            help=about,
            description=about,
            epilog=arguments.epilog(name, lang),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        return found

    parser = arguments.Parser(
        prog="site-builder",
        lang=lang,
        description=word("Official press-office site generator.", lang),
        epilog=word("{command} --help: the options and examples of one command", lang).format(
            command="site-builder COMMAND"
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"site-builder {__version__}",
        help=word("show the version and exit", lang),
    )
    _globals(parser, lang, given=False)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar=word("COMMAND", lang), title=word("commands", lang)
    )
    command("check", [common, gated], word("validate content against the approval rules", lang))
    build = command("build", [common, gated], word("check, then render the site into output/", lang))
    build.add_argument("--output", type=Path, help=word("output folder (default: ROOT/output)", lang))
    build.add_argument(
        "--strict",
        action="store_true",
        help=word(
            "any error stops the build (exit 1); without it, items in error are held back and the rest"
            " is published (exit 3)",
            lang,
        ),
    )
    approve = command(
        "approve", [base, outside], word("record the PR department's approval of an item", lang)
    )
    approve.set_defaults(format="text")
    approve.add_argument("path", type=Path, nargs="?", help=word("the item's .md file", lang))
    approve.add_argument(
        "--by",
        help=word(
            "id of the approving person (people: in config.yaml); with --settings, the administrator", lang
        ),
    )
    approve.add_argument(
        "--settings",
        action="store_true",
        help=word("sign the site settings as a settings administrator", lang),
    )
    approve.add_argument(
        "--at",
        help=word(
            "approval time, ISO 8601 (without an offset: site time zone; default: now);"
            " in the past needs --reason",
            lang,
        ),
    )
    approve.add_argument(
        "--reason", help=word("why the approval is recorded after the fact (with a past --at)", lang)
    )
    approve.add_argument(
        "--step", help=word("the step approved (default: the next one; refused if it is not)", lang)
    )
    approve.add_argument(
        "--key",
        type=Path,
        help=word("sign with this SSH key (default: the approver's key in ssh-agent, if any)", lang),
    )
    approve.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help=word("do not ask for confirmation (or answer y on standard input)", lang),
    )
    serve = command("serve", [common, gated], word("live preview with automatic reload", lang))
    serve.add_argument(
        "--host", default="127.0.0.1", help=word("address to listen on (default 127.0.0.1)", lang)
    )
    serve.add_argument(
        "--port", type=port, default=8000, help=word("port (default 8000; 0 picks a free one)", lang)
    )
    serve.add_argument(
        "--drafts",
        action="store_true",
        help=word(
            "also show drafts, items under review, embargoed and restricted items, each with a banner", lang
        ),
    )
    serve.add_argument(
        "--at",
        help=word(
            "show the site as it will be at this moment (ISO 8601, in the site's time zone"
            " unless an offset is given), e.g. 2026-12-20T10:00",
            lang,
        ),
    )
    new = command("new", [base], word("create a new item from a skeleton", lang))
    new.set_defaults(format="text")
    new.add_argument(
        "kind",
        choices=(
            "press-release",
            "rebuttal",
            "announcement",
            "media-plan",
            "question",
            "media-request",
            "monitoring",
        ),
        help=word(
            "press-release, rebuttal, announcement, media-plan, question, media-request or monitoring", lang
        ),
    )
    new.add_argument("title", help=word("the title, in quotes", lang))
    new.add_argument(
        "--author", help=word("author id (default: the person whose emails has your git e-mail)", lang)
    )
    new.add_argument("--division", help=word("division id (default: the author's)", lang))
    new.add_argument(
        "--date",
        help=word("publication date-time, ISO 8601 (without an offset: site time zone; default: now)", lang),
    )
    new.add_argument("--slug", help=word("Latin file name without .md (default: from the title)", lang))
    status = command("status", [base], word("list items by state and what blocks them", lang))
    status.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help=word("text, or a table: CSV or JSON", lang),
    )
    audit = command("audit", [base], word("every approval event, from the files and their git history", lang))
    audit.add_argument(
        "--format", choices=("csv", "json"), default="csv", help=word("CSV (default) or JSON", lang)
    )
    audit.add_argument(
        "--output", type=Path, help=word("write to this file (default: standard output)", lang)
    )
    schema = command("schema", [base], word("write JSON Schemas for editors", lang))
    schema.add_argument("--out", type=Path, help=word("folder to write into (default: ROOT/schemas)", lang))
    verify = command(
        "verify",
        [base],
        word(
            "check a built site (signatures, links, HTML, accessibility) or a published page's signed"
            " approvals; exit 0 passed, 1 a problem found, 2 no site",
            lang,
        ),
    )
    verify.add_argument(
        "target",
        nargs="?",
        help=word(
            "a page's address (https://…), a saved page (.html), a folder of pages, or a built site"
            " (default: ROOT/output): its signatures, links, HTML and accessibility",
            lang,
        ),
    )
    verify.add_argument(
        "--require-all",
        action="store_true",
        help=word("fail when a check is skipped because its tool is not installed (for CI)", lang),
    )
    verify.add_argument(
        "--keys",
        help=word("the site's keys/allowed_signers (address or file; default: the page's own site's)", lang),
    )
    report = command(
        "report", [base], word("the press office's monthly report for leadership (HTML, CSV or JSON)", lang)
    )
    report.add_argument(
        "--month", required=True, help=word("the month, YYYY-MM (this month or one before it)", lang)
    )
    report.add_argument(
        "--format",
        choices=("html", "csv", "json"),
        default="html",
        help=word("html (default), csv or json", lang),
    )
    report.add_argument(
        "--out",
        type=Path,
        help=word("folder to write YYYY-MM.FORMAT into (default: ROOT/reports; never inside output/)", lang),
    )
    log = command(
        "log",
        [talk],
        word(
            "publication log: verify OLD NEW proves that NEW extends OLD, or names the first entry rewritten;"
            " exit 0 it does, 1 it does not, 2 not a log",
            lang,
        ),
    )
    log.add_argument("action", choices=("verify",), help=word("what to do with the log", lang))
    log.add_argument("old", help=word("the log saved earlier: a file or an address (https://…)", lang))
    log.add_argument(
        "new", help=word("the log now: a file or an address (https://…/transparency/log.jsonl)", lang)
    )
    log.set_defaults(root=Path("."), format="text")
    init = command(
        "init", [talk], word("create a new site in an empty folder: config.yaml, examples, CI", lang)
    )
    init.add_argument(
        "dir", type=Path, help=word("the new site's folder (created; must be empty if it exists)", lang)
    )
    init.add_argument(
        "--name", help=word("the site's title (default: asked at a terminal, else a generic one)", lang)
    )
    init.add_argument("--base-url", help=word("the address the site is published at, https://…/", lang))
    init.add_argument("--timezone", help=word("the site's time zone (default Asia/Bishkek)", lang))
    init.set_defaults(root=Path("."), format="text")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    lang = arguments.language(argv)
    try:
        with arguments.speaking(lang):
            args = _parser(lang).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    console.escaping_streams()
    root = args.root if args.root is not None else arguments.find_root(Path("."))
    args.root = root
    try:
        now = moments.now(args.now, lambda: moments.site_zone(root))
    except moments.BadMoment as exc:
        exc.say(args.lang)
        return EXIT_USAGE
    # Each command's module is imported only when it runs: `build` with nothing to do
    # answers before the generator is imported at all (see commands/build.py).
    command = importlib.import_module(f"site_builder.commands.{COMMANDS[args.command]}")
    with _outside(args):
        return command.run(args, root, now)


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
