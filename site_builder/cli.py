"""Command line: parse arguments, call check/build/…, map results to exit codes."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
import threading
import time
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import NoReturn, TextIO

from site_builder import __version__
from site_builder.commands import moments, report
from site_builder.errors import Problem, problem
from site_builder.i18n import word

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class BadMoment(ValueError):
    """A moment given on the command line or in the environment that cannot be used;
    `msgid` (English, with {option} and {value}) says why."""

    def __init__(self, msgid: str, option: str, value: str):
        super().__init__(msgid)
        self.msgid, self.option, self.value = msgid, option, value

    def say(self, lang: str) -> None:
        _say(word(self.msgid, lang).format(option=self.option, value=self.value), sys.stderr)


NOT_ISO = "{option} is not an ISO date-time: '{value}'"
OUT_OF_SPAN = "{option} must lie between 1970-01-01 and 2999-12-31 (UTC): '{value}'"
BAD_EPOCH = "{option} must be a whole number of seconds since 1970-01-01, before the year 3000: '{value}'"


def _moment(text: str, option: str, tz: tzinfo = UTC) -> datetime:
    """An ISO date-time given as `option` (in `tz` when it names no offset); BadMoment
    when it is not one, or lies outside what a build can compute with."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadMoment(NOT_ISO, option, text) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=tz)
    if not moments.in_span(moment):
        raise BadMoment(OUT_OF_SPAN, option, text)
    return moment


def _now(text: str | None) -> datetime:
    """--now, else SOURCE_DATE_EPOCH, else the clock: the only place the clock is read.

    A SOURCE_DATE_EPOCH that is set but not a whole number of seconds is an error, as the
    specification asks (reproducible-builds.org/specs/source-date-epoch): a build that
    silently took the clock instead would not be the reproducible one it was asked for.
    """
    if text:
        return _moment(text, "--now")
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        moment = moments.from_epoch(epoch)
        if moment is None:
            raise BadMoment(BAD_EPOCH, "SOURCE_DATE_EPOCH", epoch)
        return moment
    return datetime.now(UTC).replace(microsecond=0)


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

    parser = argparse.ArgumentParser(prog="site-builder", description="Official press-office site generator.")
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", parents=[common], help="validate content against the approval rules")
    build = sub.add_parser("build", parents=[common], help="check, then render the site into output/")
    build.add_argument("--output", type=Path, help="output folder (default: ROOT/output)")
    approve = sub.add_parser(
        "approve", parents=[common], help="record the PR department's approval of an item"
    )
    approve.add_argument("path", type=Path, help="the item's .md file")
    approve.add_argument("--by", required=True, help="id of the approving person (people: in config.yaml)")
    approve.add_argument("--at", help="approval time (ISO 8601; default: now)")
    approve.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    serve = sub.add_parser("serve", parents=[common], help="live preview with automatic reload")
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
        "--format", choices=("text", "csv"), default="text", help="text, or a CSV audit export"
    )
    schema = sub.add_parser("schema", parents=[base], help="write JSON Schemas for editors")
    schema.add_argument("--out", type=Path, help="folder to write into (default: ROOT/schemas)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    _escaping_streams()
    try:
        now = _now(args.now)
    except BadMoment as exc:
        exc.say(args.lang)
        return EXIT_USAGE
    root = args.root
    handler = {
        "check": _check,
        "build": _build,
        "approve": _approve,
        "serve": _serve,
        "new": _new,
        "status": _status,
        "schema": _schema,
    }[args.command]
    return handler(args, root, now)


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


def _escaping_streams() -> None:
    """Make every message printable whatever its characters: what the stream's encoding
    cannot carry (a file name that is not UTF-8, Cyrillic on an ASCII console, with
    PYTHONIOENCODING=utf-8 or without) is written as a backslash escape, never an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _say(text: str, stream: TextIO | None = None, end: str = "\n") -> None:
    """Print one message (to stdout by default).  Printing never fails a command: the
    build is done by then (output/ swapped in), and a closed or broken stream (`| head`,
    `>&-`) is the reader's choice, so the exit code says how the command went."""
    stream = stream or sys.stdout
    if stream is None:  # started with the stream closed
        return
    try:
        print(text, file=stream, end=end)
    except UnicodeEncodeError:  # a stream `_escaping_streams` could not change
        encoding = getattr(stream, "encoding", None) or "ascii"
        with contextlib.suppress(OSError, ValueError, LookupError):
            print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream, end=end)
    except (OSError, ValueError):  # a broken pipe, a closed stream
        pass


def _print(problems: list[Problem], args: argparse.Namespace) -> None:
    if args.format == "json":
        _say(report.as_json(problems, args.lang))
    elif args.format == "github":
        text = report.as_github(problems, args.lang)
        if text:
            _say(text)
    else:
        text = report.as_text(problems, args.lang, show_info=not args.quiet)
        if text:
            _say(text, sys.stderr if any(p.is_error for p in problems) else sys.stdout)


def _check(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.build import check_all

    result = check_all(root, now, args.jobs, not args.no_cache)
    _print(result.problems, args)
    if args.format == "text" and not args.quiet:
        stream = sys.stdout if result.ok else sys.stderr  # after the problems, on the same stream
        _say(report.summary(result.problems, args.lang), stream)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _build(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.speed import uptodate
    from site_builder.write import outputdir

    started = time.perf_counter()
    output = args.output or root / "output"
    refused = outputdir.refusals(root, output)  # before a byte is read or written
    if refused:
        return _stopped(refused, args)
    output = outputdir.place(output)
    recorded = _recorded_problems(output) if not args.no_cache else None
    digests: dict[str, str] = {}
    inputs, aside = None, None
    if recorded is not None:
        inputs = uptodate.inputs_key(root, digests)
        if uptodate.current(root, output, now, inputs):
            # The last build read the same files and nothing it showed changes before now:
            # say what it said, without parsing anything.
            _print(recorded, args)
            if not args.quiet and args.format == "text":
                _say_up_to_date(args, started)
            return EXIT_OK
    elif not args.no_cache:  # no output to keep: hash the inputs aside while the rest is imported
        aside = uptodate.inputs_key_aside(root)
    from site_builder.build import build
    from site_builder.commands import progress

    if aside is not None:
        inputs, digests = aside()

    with progress.bar(progress.wanted(args.quiet or args.format != "text"), args.lang) as update:
        result = build(
            root,
            now,
            output,
            progress=update,
            jobs=args.jobs,
            use_cache=not args.no_cache,
            inputs=inputs,
            digests=digests if inputs else None,
        )
    if not result.ok:
        return _stopped(result.problems, args)
    _print(result.problems, args)
    if not args.quiet and args.format == "text":
        if not result.manifest:  # the build fingerprint matched: output/ was already up to date
            _say_up_to_date(args, started)
        else:
            text = word("built {count} files in {seconds:.2f} s", args.lang)
            _say(text.format(count=result.written, seconds=time.perf_counter() - started))
    return EXIT_OK


def _stopped(problems: list[Problem], args: argparse.Namespace) -> int:
    """Report a build that wrote nothing."""
    _print(problems, args)
    if args.format == "text":
        message = word("build stopped: nothing was written", args.lang)
        _say(f"{report.summary(problems, args.lang)}; {message}", sys.stderr)
    return EXIT_PROBLEMS


def _say_up_to_date(args: argparse.Namespace, started: float) -> None:
    text = word("nothing changed: output/ is up to date ({seconds:.2f} s)", args.lang)
    _say(text.format(seconds=time.perf_counter() - started))


def _recorded_problems(output: Path) -> list[Problem] | None:
    """The warnings the last build of this output reported; None when it left none readable."""
    from site_builder.speed import uptodate

    found = uptodate.read_manifest(output.absolute()).get("problems")
    try:
        return [
            Problem(str(path), int(line), severity, str(code), tuple((str(k), str(v)) for k, v in values))
            for path, line, severity, code, values in found
        ]
    except (TypeError, ValueError):
        return None


def _approve(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.commands.approve import approve
    from site_builder.errors import SiteError
    from site_builder.load.config import load_config
    from site_builder.load.content import read_source
    from site_builder.load.links import is_link, symlink

    try:
        config = load_config(root)
    except SiteError as exc:
        _print(exc.problems, args)
        return EXIT_PROBLEMS
    if is_link(root / "content"):  # the approval would be written wherever it leads
        _print([symlink(root, root / "content")], args)
        return EXIT_PROBLEMS
    target = args.path if args.path.is_absolute() else Path.cwd() / args.path
    content_dir = (root / "content").resolve()
    try:
        rel = target.resolve().relative_to(content_dir).as_posix()
    except ValueError:
        rel = ""
    if not rel.endswith(".md") or not target.is_file() or target.is_symlink():
        _print([problem(str(args.path), 0, "error", "FILE_NOT_FOUND")], args)
        return EXIT_PROBLEMS
    try:  # without an offset, like every date an editor writes: the site's time zone
        at = _moment(args.at, "--at", config.tz) if args.at else now
    except BadMoment as exc:
        exc.say(args.lang)
        return EXIT_USAGE
    if at > now:  # a future approval would take a live page down until that moment
        _say(
            word("--at is in the future: an approval is recorded when it is given", args.lang),
            sys.stderr,
        )
        return EXIT_USAGE
    source, problems = read_source(content_dir, rel)
    done, problems = approve(source, config, args.by, at, now) if source else (None, problems)
    if done is None:
        _print(problems, args)
        return EXIT_PROBLEMS
    item = done.item
    person = config.person(args.by)
    labels = [
        word(label, args.lang)
        for label in ("Item", "Type", "Title", "Author", "Publication date", "Approver", "Content hash")
    ]
    values = (
        rel,
        item.kind,
        item.title,
        item.meta.author or "—",
        item.meta.date.astimezone(config.tz).strftime("%Y-%m-%d %H:%M") if item.meta.date else "—",
        f"{person.name if person else args.by} ({args.by}), {at.astimezone(config.tz):%Y-%m-%d %H:%M}",
        done.digest,
    )
    for label, value in zip(labels, values, strict=True):
        _say(f"{label:>16}: {value}")
    if not args.yes:
        if not sys.stdin.isatty():
            _say(word("not confirmed: pass --yes to approve without a terminal", args.lang), sys.stderr)
            return EXIT_PROBLEMS
        try:
            answer = input(word("Approve? [y/N] ", args.lang)).strip().lower()
        except EOFError:  # Ctrl+D: no answer is no
            answer = ""
        if answer not in ("y", "yes", "д", "да"):
            _say(word("cancelled", args.lang))
            return EXIT_PROBLEMS
    target.write_text(done.text, encoding="utf-8")
    _say(word("approved", args.lang))
    return EXIT_OK


def _serve(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.commands.serve import serve

    fixed = args.now is not None

    def clock() -> datetime:  # a preview runs for hours: every rebuild asks the time anew
        return now if fixed else _now(None)

    return serve(root, args.host, args.port, args.drafts, args.lang, clock)


def _new(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.commands.scaffold import create
    from site_builder.errors import SiteError
    from site_builder.load.config import load_config

    try:
        config = load_config(root)
    except SiteError as exc:
        _print(exc.problems, args)
        return EXIT_PROBLEMS
    path, problems = create(
        root,
        config,
        args.kind,
        args.title,
        now,
        author=args.author,
        division=args.division,
        date=args.date,
        slug=args.slug,
    )
    if path is None:
        _print(problems, args)
        return EXIT_PROBLEMS
    if problems and args.format == "text":  # stdout carries only the new file's path
        _say(report.as_text(problems, args.lang), sys.stderr)
    elif problems:
        _print(problems, args)
    _say(path.relative_to(root).as_posix())
    return EXIT_OK


def _status(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.build import check
    from site_builder.commands import status

    result = check(root, now)
    if result.config is None or result.judgement is None:
        args.format = "text"
        _print(result.problems, args)
        return EXIT_PROBLEMS
    rows = status.rows(result)
    if args.format == "csv":
        _say(status.as_csv(rows, result.config), end="")
    else:
        _say(status.as_text(rows, result.config, args.lang))
    return EXIT_OK


def _schema(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.commands import schema

    folder = args.out or root / "schemas"
    try:
        written = schema.write(folder)
    except OSError as exc:  # a file where the folder should be, a folder one may not write
        shown = os.fsencode(str(folder)).decode("utf-8", "replace")
        refusal = problem(shown, 0, "error", "OUTPUT_UNWRITABLE", detail=exc.strerror or exc)
        _say(report.as_text([refusal], args.lang), sys.stderr)
        return EXIT_PROBLEMS
    for path in written:
        if not args.quiet:
            _say(path.as_posix())
    return EXIT_OK


__all__ = ["main"]
