"""Terms of office in config.yaml (`terms:`): the heads of the administration, whose ended
terms mark what was published under them (view/terms.py)."""

from __future__ import annotations

_ORDER = (
    "List every head of the administration with from: and to: (both days included), each term "
    "starting the day after the previous one ends; an acting head is a term of their own, "
    "and only the current head has no to:."
)

CODES: dict[str, tuple[str, str]] = {
    "TERM_REVERSED": (
        "the term of {name} ends ({end}) before it starts ({start})",
        "Check the term's from: and to: (both days included).",
    ),
    "TERMS_OVERLAP": (
        "the term of {name} starts on {start}, while the term of {previous} still lasts (to: {end})",
        "Two heads cannot hold office on one day: end the earlier term the day before. " + _ORDER,
    ),
    "TERMS_GAP": (
        "no head of the administration from {day} to the day before {start}: the term of {previous} ends on "
        "{end}, the term of {name} starts on {start}",
        "Correct the dates, or add the acting head for those days. " + _ORDER,
    ),
}
