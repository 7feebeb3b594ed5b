"""`site-builder report --month YYYY-MM`: the press office's monthly report for leadership.

Written outside output/ (default `ROOT/reports/<YYYY-MM>.<format>`): it names overdue
requests and internal figures, which no build may publish, so a folder inside output/ is
refused, and so are content/, static/ and templates/ (what they hold goes into output/).
HTML (the default) for a person, with charts (commands/charts.py); CSV and JSON
carry the same figures (`record`), keys never renamed, new ones only added:

- CSV: one row per figure, `month, division, figure, value` (`division` an id, `total`
  for the whole office, `-` for what belongs to no division), for each of the twelve
  months; then a row per late request (`figure` `late_request`, `value` the working days
  past its deadline, and its `item, title, outlet, received, deadline, answered`).
- JSON: {"version": 1, "month", "at", "rebuttal_limit_days", "divisions": [{"id",
  "name"}], "months": [{"month", "total": {figure: value}, "divisions": {id: {…}}}],
  "late_requests": [{…}]}, months oldest first.

What each figure counts is in judge/monthly.py.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from datetime import date, datetime
from pathlib import Path

from site_builder.commands import console
from site_builder.commands.report import as_text as report_text
from site_builder.errors import problem
from site_builder.i18n import word
from site_builder.judge import monthly
from site_builder.judge.monthly import KINDS, OUTCOMES, REQUEST_STATES, Figures, Report, division_name
from site_builder.judge.plan import STATES
from site_builder.load.config import Config

VERSION = 1
FORMATS = ("html", "csv", "json")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
BAD_MONTH = "--month is a month written YYYY-MM, e.g. 2026-11, not '{value}'"
FUTURE_MONTH = "--month {value} has not begun yet (today is {today}): a report covers a month that has begun"
INSIDE_SITE = "--out {value} is inside {folder}/, which a build publishes from: write the report elsewhere"
PUBLISHED_FROM = ("output", "content", "static", "templates")  # a report in any would go out
WRITTEN = "report for {month} written to {path}"
CSV_COLUMNS = (
    "month",
    "division",
    "figure",
    "value",
    "item",
    "title",
    "outlet",
    "received",
    "deadline",
    "answered",
)


def record(figures: Figures) -> dict[str, int | float | None]:
    """One division's (or the total's) figures, flat, in a fixed order: what CSV and JSON carry."""
    out: dict[str, int | float | None] = {"publications": figures.publications}
    out |= {f"published.{kind}": figures.published[kind] for kind in KINDS}
    out |= {"review_count": len(figures.review_hours), "review_hours_median": figures.review_median}
    out |= {
        "rebuttals": len(figures.rebuttal_days),
        "rebuttals_in_limit": figures.rebuttals_in_limit,
        "rebuttals_in_limit_percent": figures.rebuttals_percent,
        "rebuttal_days_median": figures.rebuttal_median,
    }
    out |= {f"requests.{state}": figures.requests[state] for state in REQUEST_STATES}
    out["requests_on_time_percent"] = figures.requests_percent
    out |= {f"plan.{state}": figures.plan[state] for state in STATES}
    out["plan_done_percent"] = figures.plan_percent
    out |= {f"monitoring.{outcome}": figures.monitoring[outcome] for outcome in OUTCOMES}
    out |= {"questions_answered": figures.questions, "question_days_median": figures.question_median}
    return out


def _late(report: Report) -> list[dict[str, str | int | None]]:
    return [
        {
            "item": late.source,
            "title": late.title,
            "outlet": late.outlet,
            "division": late.division or None,
            "received": late.received.isoformat(),
            "deadline": late.deadline.isoformat(),
            "answered": late.answered.isoformat() if late.answered else None,
            "days_late": late.days,
        }
        for late in report.late
    ]


def as_json(report: Report, config: Config, now: datetime, lang: str) -> str:
    months = [
        {
            "month": month,
            "total": record(report.totals[month]),
            "divisions": {
                division or "-": record(figures)
                for (m, division), figures in sorted(report.by_month.items())
                if m == month
            },
        }
        for month in report.months
    ]
    document = {
        "version": VERSION,
        "month": report.month,
        "at": now.astimezone(config.tz).isoformat(timespec="seconds"),
        "rebuttal_limit_days": report.rebuttal_limit,
        "divisions": [{"id": d or "-", "name": division_name(d, config, lang)} for d in report.divisions],
        "months": months,
        "late_requests": _late(report),
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def as_csv(report: Report) -> str:
    from site_builder.outputs.opendata.layout import cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for month in report.months:
        groups = [("total", report.totals[month])]
        groups += [(d or "-", f) for (m, d), f in sorted(report.by_month.items()) if m == month]
        for division, figures in groups:
            for name, value in record(figures).items():
                writer.writerow([month, division, name, "" if value is None else value])
    for late in _late(report):
        row = [report.month, late["division"] or "-", "late_request", late["days_late"]]
        row += [late[key] or "" for key in CSV_COLUMNS[4:]]
        writer.writerow([cell(value) for value in row])  # a title may start with "="
    return buffer.getvalue()


def parse_month(text: str, today: date) -> tuple[str | None, str | None]:
    """(the month as YYYY-MM, None), or (None, the msgid of why it is not one)."""
    found = _MONTH.fullmatch(text)
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1970:
        return None, BAD_MONTH
    if text > today.strftime("%Y-%m"):
        return None, FUTURE_MONTH
    return text, None


def _target(args: argparse.Namespace, root: Path, month: str) -> Path | None:
    """Where the report goes; None (once said why) when that is a folder a build publishes
    from: output/ itself, or content/, static/ or templates/, whose files go into it."""
    folder = args.out if args.out is not None else root / "reports"
    where = folder.resolve()
    for name in PUBLISHED_FROM:
        published = (root / name).resolve()
        if where == published or published in where.parents:
            console.say(word(INSIDE_SITE, args.lang).format(value=args.out, folder=name), sys.stderr)
            return None
    return folder / f"{month}.{args.format}"


def run(args: argparse.Namespace, root: Path, now: datetime) -> int:
    from site_builder.build import check

    config = console.site_config(root, args)
    if config is None:
        return console.EXIT_PROBLEMS
    today = now.astimezone(config.tz).date()
    month, why = parse_month(args.month, today)
    if month is None:
        console.say(word(why or BAD_MONTH, args.lang).format(value=args.month, today=today), sys.stderr)
        return console.EXIT_USAGE
    path = _target(args, root, month)
    if path is None:
        return console.EXIT_USAGE
    result = check(root, now, strict=False)
    if result.config is None or result.judgement is None or result.days is None:
        console.show(result.problems, args)
        return console.EXIT_PROBLEMS
    content = monthly.Content(
        result.config,
        result.items,
        result.judgement.verdicts,
        result.requests,
        result.days,
        result.monitoring,
    )
    report = monthly.figures(content, month, now)
    if args.format == "json":
        text = as_json(report, config, now, args.lang)
    elif args.format == "csv":
        text = as_csv(report)
    else:
        from site_builder.commands import monthly_html

        text = monthly_html.render(report, config, now, args.lang)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        shown = os.fsencode(str(path)).decode("utf-8", "replace")
        refusal = problem(shown, 0, "error", "OUTPUT_UNWRITABLE", detail=exc.strerror or exc)
        console.say(report_text([refusal], args.lang), sys.stderr)
        return console.EXIT_PROBLEMS
    if not args.quiet:
        console.say(word(WRITTEN, args.lang).format(month=month, path=path))
    return console.EXIT_OK
