"""Terms of office in config.yaml (`terms:`): the heads of the administration one after
another, which the "history mode" names on what was published under them (view/terms.py)."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Literal

from pydantic import Field

from site_builder.errors import Problem, problem
from site_builder.load import yamlsafe
from site_builder.load.fields import Day, Strict, Text


class Term(Strict):
    """A head of the administration's term of office, both days included; no `to` while it lasts."""

    name: Text = Field(min_length=1, max_length=200)
    names: dict[Literal["ru", "ky", "en"], Text] = Field(default_factory=dict)
    position: Text = Field("", max_length=200)
    positions: dict[Literal["ru", "ky", "en"], Text] = Field(default_factory=dict)
    from_: Day = Field(alias="from")
    to: Day | None = None

    def name_in(self, lang: str) -> str:
        return self.names.get(lang, self.name)  # type: ignore[call-overload]

    def position_in(self, lang: str) -> str:
        return self.positions.get(lang, self.position)  # type: ignore[call-overload]


def term_problems(terms: list[Term], path: str, lines: yamlsafe.LineMap) -> list[Problem]:
    """Each term ends after it starts, and the terms, in order of their start, follow one
    another day by day: no two heads on one day, and no day without one (an acting head
    is a term of their own)."""
    out: list[Problem] = []
    for index, term in enumerate(terms):
        if term.to is not None and term.to < term.from_:
            line = lines.get(("terms", index, "to"), lines.get(("terms", index), 1))
            out.append(
                problem(path, line, "error", "TERM_REVERSED", name=term.name, start=term.from_, end=term.to)
            )
    if out:
        return out  # the order of reversed terms means nothing
    ordered = sorted(enumerate(terms), key=lambda pair: pair[1].from_)
    for (_, before), (index, after) in pairwise(ordered):
        line = lines.get(("terms", index, "from"), lines.get(("terms", index), 1))
        names = {"name": after.name, "previous": before.name, "start": after.from_}
        if before.to is None or before.to >= after.from_:
            end = "—" if before.to is None else before.to
            out.append(problem(path, line, "error", "TERMS_OVERLAP", end=end, **names))
        elif before.to + timedelta(days=1) < after.from_:
            out.append(
                problem(
                    path,
                    line,
                    "error",
                    "TERMS_GAP",
                    end=before.to,
                    day=before.to + timedelta(days=1),
                    **names,
                )
            )
    return out
