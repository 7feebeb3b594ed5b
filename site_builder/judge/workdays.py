"""Working days of the configured country: weekends, public holidays, declared transfers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from site_builder.load.config import WorkCalendar
from site_builder.speed.cache import Cache

# A count of working days a message shows stops here ("1000+"): a date a century off (a
# typo in the year) would otherwise cost seconds of counting, and a holiday table a year.
MOST_SHOWN = 1000


def shown(count: int, most: int = MOST_SHOWN) -> str:
    """A count made with `between(..., most=most + 1)`, as a message shows it."""
    return f"{most}+" if count > most else str(count)


@dataclass
class WorkingDays:
    """Answers "is this a working day?" for one country plus the config's own exceptions.

    A year's public holidays come from the `holidays` package, or from `store` (the
    build cache, whose folder changes with the package's version) once worked out: the
    package imports every country it knows before it answers for one, ~0.2 s of every
    `check` and `build`.
    """

    settings: WorkCalendar
    store: Cache | None = field(default=None, repr=False)
    _years: dict[int, frozenset[date]] = field(default_factory=dict, repr=False)

    def is_working(self, day: date) -> bool:
        if day in self.settings.extra_working_days:
            return True
        if day in self.settings.extra_days_off or day.weekday() >= 5:
            return False
        return day not in self.holidays(day.year)

    def prepare(self, year: int) -> None:
        """Have the package ready to answer (its country table: ~0.15 s the first time),
        for a caller with that time to spare, unless the cache holds the year's holidays
        already (then it will likely not be asked); the years are worked out as asked."""
        if self._kept(year) is None:
            import holidays

            holidays.country_holidays(self.settings.country)

    def holidays(self, year: int) -> frozenset[date]:
        """The country's public holidays in a year."""
        table = self._kept(year)
        if table is None:
            import holidays

            table = frozenset(holidays.country_holidays(self.settings.country, years=year))
            if self.store:
                self.store.put("holidays", self._name(year), table)
            self._years[year] = table
        return table

    def _kept(self, year: int) -> frozenset[date] | None:
        """The year's holidays as already worked out: here, or in the cache (then kept here)."""
        table = self._years.get(year)
        if table is None and self.store:
            found = self.store.get("holidays", self._name(year))
            if isinstance(found, frozenset):
                table = self._years[year] = found
        return table

    def _name(self, year: int) -> str:
        return f"{self.settings.country}-{year}"

    def add(self, start: date, days: int) -> date:
        """The date that is `days` working days after `start` (start itself not counted)."""
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if self.is_working(current):
                left -= 1
        return current

    def between(self, start: date, end: date, most: int | None = None) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start); with
        `most`, counted no further than that (a date centuries off costs no more than that)."""
        count, current = 0, start
        while current < end and (most is None or count < most):
            current += timedelta(days=1)
            if self.is_working(current):
                count += 1
        return count
