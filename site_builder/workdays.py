"""Working days of the configured country: weekends, public holidays, declared transfers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays

from site_builder.config import WorkCalendar


@dataclass
class WorkingDays:
    """Answers "is this a working day?" for one country plus the config's own exceptions."""

    settings: WorkCalendar
    _years: dict[int, holidays.HolidayBase] = field(default_factory=dict, repr=False)

    def is_working(self, day: date) -> bool:
        if day in self.settings.extra_working_days:
            return True
        if day in self.settings.extra_days_off or day.weekday() >= 5:
            return False
        table = self._years.get(day.year)
        if table is None:
            table = holidays.country_holidays(self.settings.country, years=day.year)
            self._years[day.year] = table
        return day not in table

    def add(self, start: date, days: int) -> date:
        """The date that is `days` working days after `start` (start itself not counted)."""
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if self.is_working(current):
                left -= 1
        return current

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working(current):
                count += 1
        return count
