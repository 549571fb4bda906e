"""Working-day calendar with 调休 and working hours, in China Standard Time.

Sources, in order: overrides sent by the server (a centre's own closures or the next year's
holiday notice before the package knows it), then `chinesecalendar`, then plain weekdays for
years the package does not cover yet (it ships one year ahead at most).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar

# China has had no daylight saving since 1991, so a fixed offset is exact and needs no tzdata.
CHINA_TZ = timezone(timedelta(hours=8), "CST")

DEFAULT_WORKING_PERIODS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(14, 0), time(17, 30)),
)
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class CalendarOverride:
    day: date
    workday: bool
    note: str = ""


@dataclass
class WorkingCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)
    periods: tuple[tuple[time, time], ...] = DEFAULT_WORKING_PERIODS
    _workdays: dict[date, bool] = field(default_factory=dict, init=False, repr=False,
                                        compare=False)

    @classmethod
    def from_overrides(cls, overrides: Iterable[CalendarOverride]) -> WorkingCalendar:
        return cls(overrides={o.day: o.workday for o in overrides})

    @property
    def working_minutes_per_day(self) -> int:
        """The length of a working day (7 h with the default periods): countdowns in working
        days divide by it."""
        return sum((datetime.combine(date.min, end) - datetime.combine(date.min, begin))
                   // timedelta(minutes=1) for begin, end in self.periods)

    def is_workday(self, day: date) -> bool:
        # Remembered per day: the queue works out the time left of every row on screen at
        # each repaint, and a long-overdue ticket spans hundreds of days.
        known = self._workdays.get(day)
        if known is None:
            known = self._workdays[day] = self._look_up_workday(day)
        return known

    def _look_up_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        """The first working day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """End of the `days`-th working day after the day of `start` (the start day never counts,
        as a ticket registered late on a working day still gets full days to be handled)."""
        if days < 1:
            raise ValueError("days must be at least 1")
        day = _local(start).date()
        for _ in range(days):
            day = self.next_workday(day)
        return datetime.combine(day, END_OF_DAY, CHINA_TZ)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The instant when `hours` of working time have passed since `start`."""
        if hours <= 0:
            raise ValueError("hours must be positive")
        remaining = timedelta(hours=hours)
        moment = _local(start)
        day = moment.date()
        while True:
            if self.is_workday(day):
                for begin, end in self.periods:
                    period_start = datetime.combine(day, begin, CHINA_TZ)
                    period_end = datetime.combine(day, end, CHINA_TZ)
                    if moment >= period_end:
                        continue
                    moment = max(moment, period_start)
                    available = period_end - moment
                    if remaining <= available:
                        return moment + remaining
                    remaining -= available
                    moment = period_end
            day += timedelta(days=1)
            moment = datetime.combine(day, time(0), CHINA_TZ)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end`; negative when `end` is earlier (overdue)."""
        if end < start:
            return -self.working_time_between(end, start)
        total = timedelta()
        start, end = _local(start), _local(end)
        first, last = start.date(), end.date()
        for day in {first, last}:  # the partial days at either end
            if self.is_workday(day):
                for begin, finish in self.periods:
                    lo = max(start, datetime.combine(day, begin, CHINA_TZ))
                    hi = min(end, datetime.combine(day, finish, CHINA_TZ))
                    if hi > lo:
                        total += hi - lo
        # Whole days between: a working day counts its full length (no datetime per period;
        # a ticket overdue for months is repainted every half minute).
        whole_days = sum(1 for n in range(1, (last - first).days)
                         if self.is_workday(first + timedelta(days=n)))
        return total + whole_days * timedelta(minutes=self.working_minutes_per_day)


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
    return moment.astimezone(CHINA_TZ)
