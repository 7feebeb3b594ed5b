"""The monthly report as one HTML file a head of a press office can hand on: tables, and
charts as inline SVG (commands/charts.py), each chart captioned and followed by the table
of its figures, so it reads without JavaScript, without images and with a screen reader."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from babel.dates import format_date
from babel.numbers import format_decimal

from site_builder.commands import charts
from site_builder.i18n import words
from site_builder.judge.monthly import KINDS, NONE, OUTCOMES, Figures, Report, division_name
from site_builder.load.config import Config

LABELS = {  # English msgids, translated through the site_builder catalog
    "title": "Press office report: {month}",
    "as_of": "Figures as of {now}. Prepared by site-builder from the site's content repository.",
    "key": "Key figures",
    "publications": "Publications",
    "review": "Review to approval, median (hours)",
    "rebuttals": "Rebuttals within the limit of {limit} working days",
    "rebuttals_nolimit": "Rebuttals published",
    "requests": "Media requests answered on time",
    "plan": "Media plan entries done",
    "monitoring": "Monitoring entries with an outcome",
    "questions": "Citizens' questions answered",
    "by_type": "Publications by division and type",
    "by_type_caption": "Publications in {month}, by division and type",
    "timeliness": "Timeliness by division",
    "division": "Division",
    "total": "Total",
    "review_n": "Review to approval, median hours (items)",
    "rebuttal_days": "Rebuttals: in limit / published (median working days)",
    "requests_col": "Media requests on time: % (on time / late / overdue / open)",
    "plan_col": "Media plan: % done (done / of)",
    "outcomes": "Monitoring outcomes and citizens' questions by division",
    "question_col": "Questions answered (median days)",
    "late": "Media requests not answered on time",
    "late_none": "Every media request received this month was answered on time or is not yet due.",
    "request": "Request",
    "outlet": "Outlet",
    "received": "Received",
    "deadline": "Deadline",
    "answered": "Answered",
    "days_late": "Working days late",
    "open": "not answered",
    "trend": "Trend over the last 12 months",
    "trend_publications": "Publications per month, by type",
    "trend_percent": "Timeliness per month, per cent",
    "month": "Month",
    "notes": "How the figures are counted",
    "note_review": "Review to approval: from the first approval step to the final one, for items approved in"
    " more than one step; one-step approvals record no start and are not counted.",
    "note_rebuttal": "Rebuttal latency: working days from the moment the false report was detected to the"
    " rebuttal's publication.",
    "note_requests": "Media requests: by the month received; on time when answered within {days} working"
    " days; open requests not yet due are left out of the percentage.",
    "note_plan": "Media plan: entries dated in the month; done when the linked item is out (and its event"
    " took place); cancelled entries are left out of the percentage.",
    "no_figure": "—",
    "press-release": "Press releases",
    "rebuttal": "Rebuttals",
    "announcement": "Announcements",
    "media-plan": "Media plans",
    "question": "Answers to questions",
    "outcome.rebuttal": "rebuttal",
    "outcome.comment": "comment",
    "outcome.answer": "answer sent",
    "outcome.none": "no action",
    "outcome.pending": "no outcome yet",
}
STYLE = """
body{font:16px/1.45 "DejaVu Sans",Arial,sans-serif;color:#1a1a1a;max-width:70rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #0072B2}
.site{color:#444;margin:0}.muted{color:#444;font-size:.9rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #b8b8b8;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}thead th{background:#eef3f8}
tr.total th,tr.total td{font-weight:bold;background:#f6f6f6}
.key{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.6rem;margin:0;padding:0}
.key div{border:1px solid #b8b8b8;border-radius:4px;padding:.5rem .7rem}
.key dt{font-size:.85rem;color:#333}.key dd{margin:0;font-size:1.5rem;font-weight:bold}
figure{margin:1rem 0}figcaption{font-weight:bold;margin-bottom:.3rem}svg{max-width:100%;height:auto}
.wide{overflow-x:auto}@media print{h2{break-after:avoid}figure,table{break-inside:avoid}}
"""


class _Page:
    """The report's words and number formats in one language."""

    def __init__(self, report: Report, config: Config, lang: str):
        self.report, self.config, self.lang = report, config, lang
        self.t = words(LABELS, lang)

    def num(self, value: float | int | None, suffix: str = "") -> str:
        if value is None:
            return self.t["no_figure"]
        return format_decimal(value, format="#,##0.#", locale=self.lang) + suffix

    def month(self, month: str, form: str = "LLLL yyyy") -> str:
        return format_date(date(int(month[:4]), int(month[5:]), 1), form, locale=self.lang)

    def division(self, division: str) -> str:
        return division_name(division, self.config, self.lang)

    def rows(self) -> list[tuple[str, Figures, bool]]:
        """(name, figures, is the total) of each division of the month, then the total."""
        found = [(self.division(d), self.report.of(d), False) for d in self.report.divisions]
        return [*found, (self.t["total"], self.report.total, True)]


def _table(head: Sequence[str], body: Sequence[tuple[Sequence[str], bool]], numeric_from: int = 1) -> str:
    """A table whose first column heads each row; the other columns hold numbers."""
    cells = "".join(
        f'<th scope="col"{" class=n" if i >= numeric_from else ""}>{escape(h)}</th>'
        for i, h in enumerate(head)
    )
    lines = [f'<div class="wide"><table><thead><tr>{cells}</tr></thead><tbody>']
    for row, total in body:
        first, rest = row[0], row[1:]
        tds = "".join(
            f"<td{' class=n' if i + 1 >= numeric_from else ''}>{escape(c)}</td>" for i, c in enumerate(rest)
        )
        lines.append(f'<tr{" class=total" if total else ""}><th scope="row">{escape(first)}</th>{tds}</tr>')
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def _figure(chart_id: str, caption: str, svg: str, table: str = "") -> str:
    """A chart captioned, the caption naming the SVG; the table of its figures after it."""
    caption = f'<figcaption id="{chart_id}-caption">{escape(caption)}</figcaption>'
    return f"<figure>{caption}\n{svg}\n{table}</figure>\n"


def _key(page: _Page) -> str:
    t, total, limit = page.t, page.report.total, page.report.rebuttal_limit
    rebuttals = f"{total.rebuttals_in_limit} / {len(total.rebuttal_days)}"
    watched = sum(total.monitoring.values())
    figures = [
        (t["publications"], page.num(total.publications)),
        (t["review"], page.num(total.review_median)),
        (t["rebuttals"].format(limit=limit) if limit is not None else t["rebuttals_nolimit"], rebuttals),
        (t["requests"], page.num(total.requests_percent, " %")),
        (t["plan"], page.num(total.plan_percent, " %")),
        (t["monitoring"], f"{watched - total.monitoring['pending']} / {watched}"),
        (t["questions"], page.num(total.questions)),
    ]
    items = "".join(f"<div><dt>{escape(name)}</dt><dd>{escape(value)}</dd></div>" for name, value in figures)
    return f'<h2 id="key">{escape(t["key"])}</h2>\n<dl class="key">{items}</dl>'


def _by_type(page: _Page) -> str:
    t = page.t
    rows = page.rows()
    kinds = [k for k in KINDS if page.report.total.published[k]] or list(KINDS[:1])
    caption = t["by_type_caption"].format(month=page.month(page.report.month))
    series = [(t[k], [f.published[k] for _, f, total in rows if not total]) for k in kinds]
    svg = charts.stacked_bars(
        [name for name, _, total in rows if not total], series, "c1", "c1-caption", True
    )
    table = _table(
        [t["division"], *(t[k] for k in kinds), t["publications"]],
        [
            ([name, *(page.num(f.published[k]) for k in kinds), page.num(f.publications)], total)
            for name, f, total in rows
        ],
    )
    return f'<h2 id="by-type">{escape(t["by_type"])}</h2>\n' + _figure("c1", caption, svg, table)


def _timeliness(page: _Page) -> str:
    t = page.t
    body = []
    for name, f, total in page.rows():
        requests, planned = f.requests, sum(f.plan.values()) - f.plan["cancelled"]
        body.append(
            (
                [
                    name,
                    f"{page.num(f.review_median)} ({len(f.review_hours)})",
                    f"{f.rebuttals_in_limit} / {len(f.rebuttal_days)} ({page.num(f.rebuttal_median)})",
                    f"{page.num(f.requests_percent, ' %')} ({requests['on_time']} / {requests['late']}"
                    f" / {requests['overdue']} / {requests['open']})",
                    f"{page.num(f.plan_percent, ' %')} ({f.plan['done']} / {planned})",
                ],
                total,
            )
        )
    head = [t["division"], t["review_n"], t["rebuttal_days"], t["requests_col"], t["plan_col"]]
    return f'<h2 id="timeliness">{escape(t["timeliness"])}</h2>\n{_table(head, body)}'


def _outcomes(page: _Page) -> str:
    t = page.t
    head = [t["division"], *(t[f"outcome.{o}"] for o in OUTCOMES), t["question_col"]]
    body = [
        (
            [
                name,
                *(page.num(f.monitoring[o]) for o in OUTCOMES),
                f"{f.questions} ({page.num(f.question_median)})",
            ],
            total,
        )
        for name, f, total in page.rows()
    ]
    return f'<h2 id="outcomes">{escape(t["outcomes"])}</h2>\n{_table(head, body)}'


def _late(page: _Page) -> str:
    t = page.t
    heading = f'<h2 id="late">{escape(t["late"])}</h2>\n'
    if not page.report.late:
        return heading + f"<p>{escape(t['late_none'])}</p>"
    head = [
        t["request"],
        t["outlet"],
        t["division"],
        t["received"],
        t["deadline"],
        t["answered"],
        t["days_late"],
    ]
    body = [
        (
            [
                f"{late.title} ({late.source})",
                late.outlet,
                page.division(late.division) if late.division != NONE else t["no_figure"],
                late.received.isoformat(),
                late.deadline.isoformat(),
                late.answered.isoformat() if late.answered else t["open"],
                str(late.days),
            ],
            False,
        )
        for late in page.report.late
    ]
    return heading + _table(head, body, numeric_from=6)


def _trend(page: _Page) -> str:
    t, report = page.t, page.report
    labels = [f"{page.month(m, 'LLL')}\n{m[:4]}" for m in report.months]  # two lines: twelve fit
    totals = [report.totals[m] for m in report.months]
    kinds = [k for k in KINDS if any(f.published[k] for f in totals)] or list(KINDS[:1])
    bars = charts.stacked_bars(
        labels, [(t[k], [f.published[k] for f in totals]) for k in kinds], "c2", "c2-caption"
    )
    lines = [
        (t["requests"], [f.requests_percent for f in totals]),
        (
            t["rebuttals_nolimit"]
            if report.rebuttal_limit is None
            else t["rebuttals"].format(limit=report.rebuttal_limit),
            [f.rebuttals_percent for f in totals],
        ),
        (t["plan"], [f.plan_percent for f in totals]),
    ]
    percents = charts.percent_lines(labels, lines, "c3", "c3-caption")
    months = [page.month(m) for m in report.months]
    counts = _table(
        [t["month"], *(t[k] for k in kinds), t["publications"]],
        [
            ([name, *(page.num(f.published[k]) for k in kinds), page.num(f.publications)], False)
            for name, f in zip(months, totals, strict=True)
        ],
    )
    shares = _table(
        [t["month"], *(name for name, _ in lines)],
        [
            ([name, *(page.num(values[i], " %") for _, values in lines)], False)
            for i, name in enumerate(months)
        ],
    )
    return (
        f'<h2 id="trend">{escape(t["trend"])}</h2>\n'
        + _figure("c2", t["trend_publications"], bars, counts)
        + _figure("c3", t["trend_percent"], percents, shares)
    )


def _notes(page: _Page) -> str:
    t = page.t
    days = page.config.calendar.media_request_days
    notes = [t["note_review"], t["note_rebuttal"], t["note_requests"].format(days=days), t["note_plan"]]
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return f'<h2 id="notes">{escape(t["notes"])}</h2>\n<ul class="muted">{items}</ul>'


def render(report: Report, config: Config, now: datetime, lang: str) -> str:
    """The whole report as an HTML document."""
    page = _Page(report, config, lang)
    t = page.t
    site = (
        config.site.titles.get(lang, config.site.title) if lang != config.site.language else config.site.title
    )
    title = t["title"].format(month=page.month(report.month))
    moment = now.astimezone(config.tz)
    stamp = format_date(moment.date(), "long", locale=lang) + moment.strftime(" %H:%M")
    parts = [
        _key(page),
        _by_type(page),
        _timeliness(page),
        _outcomes(page),
        _late(page),
        _trend(page),
        _notes(page),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} — {escape(site)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f'<p class="site">{escape(site)}</p>\n<h1>{escape(title)}</h1>\n'
        f'<p class="muted">{escape(t["as_of"].format(now=stamp))}</p>\n'
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )
