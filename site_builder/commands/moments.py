"""The moments a command takes from the command line or the environment (`--now`,
`SOURCE_DATE_EPOCH`, `approve --at`, `new --date`) mean one thing: without an offset,
a time in the site's time zone (site.timezone), as every date an editor writes.  They
must lie in a span the build can compute with: a time zone, the next midnight or a
year's holidays of a moment near `datetime.min` or `datetime.max` overflow.  A press
office publishes in neither."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from site_builder.commands import console
from site_builder.i18n import word

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


class BadMoment(ValueError):
    """A moment given on the command line or in the environment that cannot be used;
    `msgid` (English, with {option} and {value}) says why."""

    def __init__(self, msgid: str, option: str, value: str):
        super().__init__(msgid)
        self.msgid, self.option, self.value = msgid, option, value

    def say(self, lang: str) -> None:
        console.say(word(self.msgid, lang).format(option=self.option, value=self.value), sys.stderr)


NOT_ISO = "{option} is not an ISO date-time: '{value}'"
OUT_OF_SPAN = "{option} must lie between 1970-01-01 and 2999-12-31 (UTC): '{value}'"
BAD_EPOCH = "{option} must be a whole number of seconds since 1970-01-01, before the year 3000: '{value}'"


def parse(text: str, option: str, tz: tzinfo = UTC) -> datetime:
    """An ISO date-time given as `option` (in `tz` when it names no offset); BadMoment
    when it is not one, or lies outside what a build can compute with."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadMoment(NOT_ISO, option, text) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=tz)
    if not in_span(moment):
        raise BadMoment(OUT_OF_SPAN, option, text)
    return moment


def now(text: str | None, zone: Callable[[], tzinfo] = lambda: UTC) -> datetime:
    """--now, else SOURCE_DATE_EPOCH, else the clock: the only place the clock is read.

    --now without an offset is read in `zone()`, the site's time zone, like every date an
    editor writes (asked for only then: the zone is read from config.yaml).  SOURCE_DATE_EPOCH
    is seconds since 1970-01-01 UTC, as its specification says.

    A SOURCE_DATE_EPOCH that is set but not a whole number of seconds is an error, as the
    specification asks (reproducible-builds.org/specs/source-date-epoch): a build that
    silently took the clock instead would not be the reproducible one it was asked for.
    """
    if text:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise BadMoment(NOT_ISO, "--now", text) from None
        return parse(text, "--now", UTC if moment.tzinfo else zone())
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        moment = from_epoch(epoch)
        if moment is None:
            raise BadMoment(BAD_EPOCH, "SOURCE_DATE_EPOCH", epoch)
        return moment
    return datetime.now(UTC).replace(microsecond=0)


def site_zone(root: Path) -> tzinfo:
    """The site's time zone, from ROOT/config.yaml alone (see load/zone.py)."""
    from site_builder.load.zone import site_zone as read

    return read(root)
