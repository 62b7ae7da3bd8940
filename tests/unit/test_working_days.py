"""The legal clock: Vietnamese working days and deadlines (DESIGN §4)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from portal.clock import LOCAL_TZ, to_local
from portal.deadlines.working_days import (add_working_days, deadline, is_working_day,
                                           remaining_working_days, working_days_between)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_five_working_days_over_the_april_may_holidays_2025():
    # Sat 26/4 is worked (swapped for Fri 2/5); 30/4, 1/5 and 2/5 are off.
    assert is_working_day(date(2025, 4, 26))
    assert not any(is_working_day(date(2025, 5, d)) for d in (1, 2))
    assert not is_working_day(date(2025, 4, 30))
    assert add_working_days(date(2025, 4, 25), 5) == date(2025, 5, 6)


def test_tet_2026_is_skipped():
    assert not any(is_working_day(date(2026, 2, d)) for d in range(16, 21))
    # Received Friday 13/2: the next working day is Monday 23/2, after Tết and the weekend.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)


def test_swapped_saturday_2026_08_22_is_a_working_day():
    assert is_working_day(date(2026, 8, 22))
    assert not is_working_day(date(2026, 8, 31))  # the day off it was swapped for
    assert not is_working_day(date(2026, 8, 29))  # an ordinary Saturday stays off
    assert add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)
    # 31/8, 1/9 and 2/9 are off: Friday 28/8 + 1 lands on Thursday 3/9.
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_day_zero_is_the_day_of_receipt():
    assert add_working_days(date(2025, 4, 25), 0) == date(2025, 4, 25)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 4, 25), -1)


def test_deadline_ends_at_local_midnight_of_the_last_working_day():
    due = deadline(local(2025, 4, 25, 9, 0), 5)
    assert due.utcoffset() == timedelta(0)
    assert to_local(due).date() == date(2025, 5, 6)
    assert to_local(due).time() == time(23, 59, 59)
    assert due == utc(2025, 5, 6, 16, 59, 59)


def test_late_evening_receipt_counts_from_the_local_day():
    # 23:30 in Hanoi is 16:30 UTC the same day: still Friday 25/4.
    assert deadline(utc(2025, 4, 25, 16, 30), 5) == utc(2025, 5, 6, 16, 59, 59)
    # 00:30 Friday in Hanoi is 17:30 UTC on Thursday: the local Friday is day 0, not Thursday.
    early = utc(2025, 4, 24, 17, 30)
    assert to_local(early).date() == date(2025, 4, 25)
    assert deadline(early, 5) == utc(2025, 5, 6, 16, 59, 59)
    # Counting from the UTC day would give 5/5; make sure the example discriminates.
    assert add_working_days(date(2025, 4, 24), 5) == date(2025, 5, 5)


def test_deadline_accepts_naive_utc_from_sqlite():
    assert deadline(datetime(2025, 4, 24, 17, 30), 5) == utc(2025, 5, 6, 16, 59, 59)


@pytest.mark.parametrize("n", [0, 1, 2, 5, 10, 20])
def test_working_days_between_inverts_add_working_days(n):
    start = date(2025, 1, 20)
    while start < date(2026, 12, 31):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n, (start, n)
        if n:  # the day before the last counted day holds one working day fewer
            assert working_days_between(start, end - timedelta(days=1)) == n - 1, (start, n)
        start += timedelta(days=3)


def test_working_days_between_is_zero_backwards():
    assert working_days_between(date(2025, 5, 6), date(2025, 4, 25)) == 0
    assert working_days_between(date(2025, 5, 6), date(2025, 5, 6)) == 0


def test_remaining_working_days_counts_down_then_goes_negative():
    due = deadline(utc(2025, 4, 25, 2, 0), 5)  # ends 6/5 23:59:59 local
    assert remaining_working_days(local(2025, 4, 25, 10, 0), due) == 5
    assert remaining_working_days(local(2025, 5, 5, 10, 0), due) == 1
    assert remaining_working_days(local(2025, 5, 6, 23, 59), due) == 0
    # One second late is already a day late.
    assert remaining_working_days(due + timedelta(seconds=1), due) == -1
    assert remaining_working_days(local(2025, 5, 7, 12, 0), due) == -1
    assert remaining_working_days(local(2025, 5, 9, 12, 0), due) == -3
    # A weekend adds no lateness: Monday 12/5 is the fourth working day late.
    assert remaining_working_days(local(2025, 5, 10, 12, 0), due) == -3
    assert remaining_working_days(local(2025, 5, 12, 12, 0), due) == -4
