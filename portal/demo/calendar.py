"""A precomputed index of working days, so millions of due dates cost a list lookup each.

It answers exactly what `portal.deadlines.working_days` answers (the tests compare them), for
days inside the range it was built for.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from portal.clock import LOCAL_TZ
from portal.deadlines.working_days import WorkCalendar, end_of_day_utc


class WorkdayIndex:
    def __init__(self, first: date, last: date, calendar: WorkCalendar) -> None:
        self.first, self.last = first, last
        self.workdays: list[date] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                self.workdays.append(day)
            day += timedelta(days=1)
        self._ordinals = [d.toordinal() for d in self.workdays]

    def is_working_day(self, day: date) -> bool:
        i = bisect_right(self._ordinals, day.toordinal()) - 1
        return i >= 0 and self._ordinals[i] == day.toordinal()

    def add(self, day: date, n: int) -> date:
        """The date ``n`` working days after ``day`` (day 0), like add_working_days."""
        if n == 0:
            return day
        return self.workdays[bisect_right(self._ordinals, day.toordinal()) + n - 1]

    def back(self, day: date, n: int) -> date:
        """The working day ``n`` working days before ``day`` (itself a working day)."""
        return self.workdays[bisect_right(self._ordinals, day.toordinal()) - 1 - n]

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``, like working_days_between."""
        if end <= start:
            return 0
        return (bisect_right(self._ordinals, end.toordinal())
                - bisect_right(self._ordinals, start.toordinal()))

    def deadline(self, day: date, n: int) -> datetime:
        return _end_of_day(self.add(day, n))


@lru_cache(maxsize=8192)
def _end_of_day(day: date) -> datetime:
    return end_of_day_utc(day)


@lru_cache(maxsize=8192)
def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


_UTC_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh, without daylight saving time since 1975


def local_day(moment: datetime) -> date:
    """The local date of a UTC moment; what working_days.local_day answers, faster."""
    return (moment + _UTC_OFFSET).date()


def at_local(day: date, minutes: int) -> datetime:
    """``minutes`` after local midnight of ``day``, in UTC (Vietnam has no DST)."""
    return local_day_start(day) + timedelta(minutes=minutes)
