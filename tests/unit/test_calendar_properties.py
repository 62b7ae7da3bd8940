"""Properties of the legal clock (DESIGN §4), over 2020–2030, with and without admin overrides."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.clock import LOCAL_TZ, to_local
from portal.deadlines.working_days import (DEFAULT_CALENDAR, WorkCalendar, add_working_days,
                                           deadline, local_day, remaining_working_days,
                                           working_days_between)

# Modest and reproducible: no example database written into the repository.
CALENDAR_PROFILE = settings(max_examples=200, deadline=None, database=None)

FIRST, LAST = date(2020, 1, 1), date(2030, 12, 31)
days = st.dates(min_value=FIRST, max_value=LAST)
counts = st.integers(min_value=0, max_value=60)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31, 23, 59),
                       timezones=st.just(timezone.utc))


@st.composite
def calendars(draw, near: date | None = None) -> WorkCalendar:
    """The package calendar, or one with a few extra days off and extra working days.

    Overrides are drawn close to ``near`` (where the counting happens) so they matter."""
    if not draw(st.booleans()):
        return DEFAULT_CALENDAR
    centre = near or draw(days)
    offsets = st.integers(min_value=-5, max_value=90)
    overrides = draw(st.dictionaries(offsets.map(lambda o: centre + timedelta(days=o)),
                                     st.booleans(), max_size=6))
    return WorkCalendar(MappingProxyType(overrides))


@st.composite
def day_and_calendar(draw) -> tuple[date, WorkCalendar]:
    day = draw(days)
    return day, draw(calendars(near=day))


@CALENDAR_PROFILE
@given(day_and_calendar(), counts)
def test_add_working_days_is_strictly_monotonic_in_n(start_cal, n):
    start, calendar = start_cal
    assert add_working_days(start, n, calendar) < add_working_days(start, n + 1, calendar)
    assert add_working_days(start, n, calendar) >= start


@CALENDAR_PROFILE
@given(day_and_calendar(), st.integers(min_value=0, max_value=30), counts)
def test_add_working_days_is_monotonic_in_the_start_date(start_cal, gap, n):
    start, calendar = start_cal
    later_start = start + timedelta(days=gap)
    assert add_working_days(start, n, calendar) <= add_working_days(later_start, n, calendar)


@CALENDAR_PROFILE
@given(day_and_calendar(), counts.filter(lambda n: n >= 1))
def test_a_due_date_is_never_a_day_off(start_cal, n):
    start, calendar = start_cal
    due = add_working_days(start, n, calendar)
    assert calendar.is_working_day(due)
    # ...and it is the first working day with n working days behind it (Art. 148(5)).
    assert working_days_between(start, due - timedelta(days=1), calendar) == n - 1


@CALENDAR_PROFILE
@given(day_and_calendar(), counts)
def test_between_inverts_due(start_cal, n):
    start, calendar = start_cal
    assert working_days_between(start, add_working_days(start, n, calendar), calendar) == n


@CALENDAR_PROFILE
@given(day_and_calendar(), st.integers(min_value=0, max_value=90))
def test_due_of_between_is_the_last_working_day_up_to_the_end(start_cal, span):
    start, calendar = start_cal
    end = start + timedelta(days=span)
    k = working_days_between(start, end, calendar)
    assert add_working_days(start, k, calendar) <= end < add_working_days(start, k + 1, calendar)


@CALENDAR_PROFILE
@given(moments, counts, st.data())
def test_deadline_is_end_of_day_in_hanoi(received_at, n, data):
    calendar = data.draw(calendars(near=local_day(received_at)))
    due = deadline(received_at, n, calendar)
    assert due.utcoffset() == timedelta(0)
    local = due.astimezone(LOCAL_TZ)
    assert local.time() == time(23, 59, 59)
    assert local.date() == add_working_days(local_day(received_at), n, calendar)
    assert due > received_at
    if n:
        assert calendar.is_working_day(local.date())


@CALENDAR_PROFILE
@given(moments, counts, st.lists(st.timedeltas(min_value=timedelta(0),
                                                max_value=timedelta(days=40)),
                                   min_size=1, max_size=6), st.data())
def test_remaining_working_days_never_goes_up(received_at, n, steps, data):
    calendar = data.draw(calendars(near=local_day(received_at)))
    due = deadline(received_at, n, calendar)
    assert remaining_working_days(received_at, due, calendar) == n
    now, previous = received_at, n
    for step in steps:
        now += step
        remaining = remaining_working_days(now, due, calendar)
        assert remaining <= previous, (now, due)
        assert (remaining >= 0) == (now <= due), (now, due)
        previous = remaining


def test_a_forced_day_off_and_a_forced_working_day_change_the_count():
    # The package example, then the same with an extra day off and a worked Sunday.
    assert add_working_days(date(2025, 4, 25), 5) == date(2025, 5, 6)
    extra_off = WorkCalendar(MappingProxyType({date(2025, 5, 5): False}))
    assert add_working_days(date(2025, 4, 25), 5, extra_off) == date(2025, 5, 7)
    worked_sunday = WorkCalendar(MappingProxyType({date(2025, 5, 4): True}))
    assert add_working_days(date(2025, 4, 25), 5, worked_sunday) == date(2025, 5, 5)
    assert to_local(deadline(datetime(2025, 4, 25, 2, tzinfo=timezone.utc), 5, extra_off)) \
        == datetime(2025, 5, 7, 23, 59, 59, tzinfo=LOCAL_TZ)
