"""The moments a command takes from the command line or the environment (`--now`,
`SOURCE_DATE_EPOCH`, `approve --at`, `new --date`) must lie in a span the build can
compute with: a time zone, the next midnight or a year's holidays of a moment near
`datetime.min` or `datetime.max` overflow.  A press office publishes in neither."""

from __future__ import annotations

import re
from datetime import UTC, datetime

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # SOURCE_DATE_EPOCH 0
LATEST = datetime(3000, 1, 1, tzinfo=UTC)  # not included: as content dates (fields.LATEST)
_SECONDS = re.compile(r"[0-9]+")  # SOURCE_DATE_EPOCH: ASCII digits only (int() takes others)


def in_span(moment: datetime) -> bool:
    """Whether an aware moment lies in the span (compared without converting it)."""
    return EARLIEST <= moment < LATEST


def from_epoch(text: str) -> datetime | None:
    """SOURCE_DATE_EPOCH as a moment; None when it is not a whole number of seconds in the span."""
    digits = text.lstrip("0") or "0"
    if not _SECONDS.fullmatch(text) or len(digits) > 12 or int(digits) >= LATEST.timestamp():
        return None  # (12 digits: int() refuses a string of thousands)
    return datetime.fromtimestamp(int(digits), UTC)
