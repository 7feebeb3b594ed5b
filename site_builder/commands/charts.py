"""The monthly report's charts: matplotlib figures as static SVG to put inline in its HTML.

Imported only by `site-builder report --format html` (commands/monthly.py imports it when
asked): matplotlib and numpy take half a second to import, which no build should pay.  No
pyplot (its global state and GUI backends), and matplotlib's settings changed only while a
chart is drawn: a `Figure` saved as SVG, with text as text (readable, searchable, in the page's
font) and no date or random ids in it, so one report's bytes are one report's figures.
Each chart is drawn for a reader who cannot see colours apart: bars are labelled with
their values and the lines differ by marker and dash as well as colour.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

# Okabe & Ito's palette: told apart with every kind of colour blindness.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
STYLES = (("o", "-"), ("s", "--"), ("^", ":"), ("D", "-."))
RC = {
    "svg.fonttype": "none",  # text stays text
    "svg.hashsalt": "site-builder",  # the same ids every time
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # shipped with matplotlib, with Cyrillic
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _svg(figure: Any, chart_id: str, label_id: str) -> str:
    """The figure as an inline <svg> element named by the caption `label_id`."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # no XML declaration or DOCTYPE inside HTML
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\sid="([^"]+)"', lambda m: f' id="{chart_id}-{m.group(1)}"', text)
    text = re.sub(
        r'(href|clip-path)="(url\()?#([^")]+)',
        lambda m: f'{m.group(1)}="{m.group(2) or ""}#{chart_id}-{m.group(3)}',
        text,
    )
    return text.replace("<svg ", f'<svg role="img" aria-labelledby="{label_id}" ', 1)


def _figure(width: float, height: float) -> tuple[Any, Any]:
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.subplots()


def _styled(draw: Callable[..., str]) -> Callable[..., str]:
    """Draw with the report's settings (RC), leaving matplotlib's own as they were."""

    @functools.wraps(draw)
    def styled(*args: Any, **kwargs: Any) -> str:
        with matplotlib.rc_context(RC):
            return draw(*args, **kwargs)

    return styled


@_styled
def stacked_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    chart_id: str,
    label_id: str,
    horizontal: bool = False,
) -> str:
    """Bars made of the series stacked (each bar's total written at its end), as SVG."""
    height = max(2.6, 0.45 * len(labels) + 1.2) if horizontal else 3.4
    figure, axes = _figure(8, height)
    positions = list(range(len(labels)))
    base = [0] * len(labels)
    for index, (name, values) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        if horizontal:
            axes.barh(positions, values, left=base, label=name, color=colour)
        else:
            axes.bar(positions, values, bottom=base, label=name, color=colour)
        base = [b + v for b, v in zip(base, values, strict=True)]
    for position, total in zip(positions, base, strict=True):
        if total:
            where = (total, position) if horizontal else (position, total)
            align = {"ha": "left", "va": "center"} if horizontal else {"ha": "center", "va": "bottom"}
            axes.annotate(f" {total}", where, **align)
    if horizontal:
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.xaxis.get_major_locator().set_params(integer=True)
    else:
        axes.set_xticks(positions, labels)
        axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(figure, chart_id, label_id)


@_styled
def percent_lines(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], chart_id: str, label_id: str
) -> str:
    """Percentages over time, one line per series (a month without a figure left as a gap)."""
    figure, axes = _figure(8, 3.4)
    positions = list(range(len(labels)))
    for index, (name, values) in enumerate(series):
        marker, dash = STYLES[index % len(STYLES)]
        points = [float("nan") if v is None else v for v in values]
        colour = COLOURS[index % len(COLOURS)]
        axes.plot(positions, points, marker=marker, linestyle=dash, color=colour, label=name)
    axes.set_xlim(-0.5, len(labels) - 0.5)  # the first and last markers whole
    axes.set_ylim(0, 105)
    axes.set_ylabel("%")
    axes.set_xticks(positions, labels)
    axes.grid(axis="y", alpha=0.3)
    # Below the plot: its long names would take the width the twelve months need.
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    return _svg(figure, chart_id, label_id)
