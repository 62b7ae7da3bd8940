"""Working days from the `holidays` Vietnam calendar (with its swapped Saturdays) plus the
administrator's overrides: extra days off and extra working days announced year by year.

Day 0 is the day of receipt in Asia/Ho_Chi_Minh; counting starts the next working day and a
deadline ends at 23:59:59 local time of its last working day (Civil Code 2015, Art. 147–148).
Every function takes an optional ``calendar``; without one only the package's calendar applies.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from types import MappingProxyType

import holidays

from portal.clock import LOCAL_TZ, to_local

_END_OF_DAY = time(23, 59, 59)


@lru_cache(maxsize=64)
def _package_calendar(year: int) -> holidays.HolidayBase:
    return holidays.VN(years=year)


@dataclass(frozen=True)
class WorkCalendar:
    """The package calendar with overrides: ``{day: True}`` works, ``{day: False}`` is off."""
    overrides: Mapping[date, bool] = field(default_factory=lambda: MappingProxyType({}))

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _package_calendar(day.year).is_working_day(day)


DEFAULT_CALENDAR = WorkCalendar()


def is_working_day(day: date, calendar: WorkCalendar = DEFAULT_CALENDAR) -> bool:
    return calendar.is_working_day(day)


def add_working_days(received: date, n: int, calendar: WorkCalendar = DEFAULT_CALENDAR) -> date:
    """The date ``n`` working days after ``received`` (which is day 0)."""
    if n < 0:
        raise ValueError("n must be non-negative")
    day = received
    while n:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date, calendar: WorkCalendar = DEFAULT_CALENDAR) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def local_day(moment: datetime) -> date:
    return to_local(moment).date()


def end_of_day_utc(day: date) -> datetime:
    """23:59:59 Asia/Ho_Chi_Minh on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, _END_OF_DAY, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def start_of_day_utc(day: date) -> datetime:
    """00:00 Asia/Ho_Chi_Minh on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def deadline(received_at: datetime, working_days: int,
             calendar: WorkCalendar = DEFAULT_CALENDAR) -> datetime:
    """The end (UTC) of the last working day of a period starting at ``received_at``."""
    return end_of_day_utc(add_working_days(local_day(received_at), working_days, calendar))


def extend(due: datetime, working_days: int, calendar: WorkCalendar = DEFAULT_CALENDAR) -> datetime:
    """A deadline moved ``working_days`` working days later (for pauses and extensions)."""
    return end_of_day_utc(add_working_days(local_day(due), working_days, calendar))


def remaining_working_days(now: datetime, due: datetime,
                           calendar: WorkCalendar = DEFAULT_CALENDAR) -> int:
    """Working days left until ``due``; negative when late (counted in working days)."""
    today, due_day = local_day(now), local_day(due)
    if now <= due:
        return working_days_between(today, due_day, calendar)
    return -max(1, working_days_between(due_day, today, calendar))
