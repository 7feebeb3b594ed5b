"""Command line: parse arguments, call check/build/…, map results to exit codes."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from site_builder import __version__, report
from site_builder.errors import Problem, problem
from site_builder.i18n import word

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _now(text: str | None) -> datetime:
    """--now, else SOURCE_DATE_EPOCH, else the clock: the only place the clock is read."""
    if text:
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


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
    common.add_argument("--jobs", "-j", type=int, help="processes to use (default: all cores)")
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
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
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
    try:
        now = _now(args.now)
    except ValueError:
        print(f"--now: not an ISO date-time: {args.now!r}", file=sys.stderr)
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


def _print(problems: list[Problem], args: argparse.Namespace) -> None:
    if args.format == "json":
        print(report.as_json(problems, args.lang))
    elif args.format == "github":
        text = report.as_github(problems, args.lang)
        if text:
            print(text)
    else:
        text = report.as_text(problems, args.lang, show_info=not args.quiet)
        if text:
            print(text, file=sys.stderr if any(p.is_error for p in problems) else sys.stdout)


def _check(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.build import check_all

    result = check_all(root, now, args.jobs, not args.no_cache)
    _print(result.problems, args)
    if args.format == "text" and not args.quiet:
        stream = sys.stdout if result.ok else sys.stderr  # after the problems, on the same stream
        print(report.summary(result.problems, args.lang), file=stream)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _build(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder import uptodate

    started = time.perf_counter()
    output = args.output or root / "output"
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
    from site_builder import progress
    from site_builder.build import build

    if aside is not None:
        inputs, digests = aside()

    with progress.bar(progress.wanted(args.quiet or args.format != "text"), args.lang) as update:
        result = build(
            root,
            now,
            args.output,
            progress=update,
            jobs=args.jobs,
            use_cache=not args.no_cache,
            inputs=inputs,
            digests=digests if inputs else None,
        )
    _print(result.problems, args)
    if not result.ok:
        if args.format == "text":
            message = word("build stopped: nothing was written", args.lang)
            print(f"{report.summary(result.problems, args.lang)}; {message}", file=sys.stderr)
        return EXIT_PROBLEMS
    if not args.quiet and args.format == "text":
        if not result.manifest:  # the build fingerprint matched: output/ was already up to date
            _say_up_to_date(args, started)
        else:
            text = word("built {count} files in {seconds:.2f} s", args.lang)
            print(text.format(count=result.written, seconds=time.perf_counter() - started))
    return EXIT_OK


def _say_up_to_date(args: argparse.Namespace, started: float) -> None:
    text = word("nothing changed: output/ is up to date ({seconds:.2f} s)", args.lang)
    print(text.format(seconds=time.perf_counter() - started))


def _recorded_problems(output: Path) -> list[Problem] | None:
    """The warnings the last build of this output reported; None when it left none readable."""
    from site_builder import uptodate

    found = uptodate.read_manifest(output.absolute()).get("problems")
    try:
        return [
            Problem(str(path), int(line), severity, str(code), tuple((str(k), str(v)) for k, v in values))
            for path, line, severity, code, values in found
        ]
    except (TypeError, ValueError):
        return None


def _approve(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.approve import approve
    from site_builder.config import load_config
    from site_builder.content import read_source
    from site_builder.errors import SiteError

    try:
        config = load_config(root)
    except SiteError as exc:
        _print(exc.problems, args)
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
    try:
        at = datetime.fromisoformat(args.at) if args.at else now
    except ValueError:
        print(f"--at: not an ISO date-time: {args.at!r}", file=sys.stderr)
        return EXIT_USAGE
    if at.tzinfo is None:  # like every date an editor writes: the site's time zone
        at = at.replace(tzinfo=config.tz)
    if at > now:  # a future approval would take a live page down until that moment
        print(
            word("--at is in the future: an approval is recorded when it is given", args.lang),
            file=sys.stderr,
        )
        return EXIT_USAGE
    done, problems = approve(read_source(content_dir, rel), config, args.by, at, now)
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
        print(f"{label:>16}: {value}")
    if not args.yes:
        if not sys.stdin.isatty():
            print(word("not confirmed: pass --yes to approve without a terminal", args.lang), file=sys.stderr)
            return EXIT_PROBLEMS
        answer = input(word("Approve? [y/N] ", args.lang)).strip().lower()
        if answer not in ("y", "yes", "д", "да"):
            print(word("cancelled", args.lang))
            return EXIT_PROBLEMS
    target.write_text(done.text, encoding="utf-8")
    print(word("approved", args.lang))
    return EXIT_OK


def _serve(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.serve import serve

    fixed = args.now is not None

    def clock() -> datetime:  # a preview runs for hours: every rebuild asks the time anew
        return now if fixed else _now(None)

    return serve(root, args.host, args.port, args.drafts, args.lang, clock)


def _new(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.config import load_config
    from site_builder.errors import SiteError
    from site_builder.scaffold import create

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
        print(report.as_text(problems, args.lang), file=sys.stderr)
    elif problems:
        _print(problems, args)
    print(path.relative_to(root).as_posix())
    return EXIT_OK


def _status(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder import status
    from site_builder.build import check

    result = check(root, now)
    if result.config is None or result.judgement is None:
        args.format = "text"
        _print(result.problems, args)
        return EXIT_PROBLEMS
    rows = status.rows(result)
    if args.format == "csv":
        sys.stdout.write(status.as_csv(rows, result.config))
    else:
        print(status.as_text(rows, result.config, args.lang))
    return EXIT_OK


def _schema(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder import schema

    folder = args.out or root / "schemas"
    for path in schema.write(folder):
        if not args.quiet:
            print(path.as_posix())
    return EXIT_OK


__all__ = ["main"]
