"""The method's pure parts: periods, Wilson intervals, shrinkage, rescaling, composite, median."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from portal.scoring import method
from portal.scoring.periods import parse_period


@pytest.mark.parametrize("code,start,end,previous", [
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "2024"),
    ("2025H1", date(2025, 1, 1), date(2025, 6, 30), "2024H2"),
    ("2025h2", date(2025, 7, 1), date(2025, 12, 31), "2025H1"),
    ("2025Q3", date(2025, 7, 1), date(2025, 9, 30), "2025Q2"),
    ("2025Q1", date(2025, 1, 1), date(2025, 3, 31), "2024Q4"),
    ("2024Q1", date(2024, 1, 1), date(2024, 3, 31), "2023Q4"),
])
def test_periods(code, start, end, previous):
    period = parse_period(code)
    assert (period.code, period.start, period.end) == (code.upper(), start, end)
    assert period.previous().code == previous


def test_period_bounds_are_local_days():
    period = parse_period("2025H2")
    # 00:00 in Hanoi (UTC+7) is 17:00 UTC the day before.
    assert period.starts_at == datetime(2025, 6, 30, 17, tzinfo=timezone.utc)
    assert period.ends_before == datetime(2025, 12, 31, 17, tzinfo=timezone.utc)


@pytest.mark.parametrize("code", ["", "2025H3", "2025Q0", "2025Q5", "25H1", "2025-H1", "1999",
                                  "2025S1"])
def test_bad_periods_say_what_is_accepted(code):
    with pytest.raises(ValueError, match="2025H1, 2025H2"):
        parse_period(code)


def test_wilson_interval():
    # 8 of 10, by hand: centre (0.8 + 0.19208)/1.38416 = 0.71677; half 1.96·sqrt(0.016 +
    # 0.0096040)/1.38416 = 0.22661.
    low, high = method.wilson(8, 10, z=1.96)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert method.wilson(0, 0) is None
    low, high = method.wilson(0, 5)
    assert low == 0.0 and 0 < high < 1
    low, high = method.wilson(5, 5)
    assert high == 1.0 and 0 < low < 1


def test_shrinkage_pulls_small_agencies_toward_the_pooled_rate():
    assert method.shrink(1, 1, 0.5) == pytest.approx(6 / 11)
    assert method.shrink(0, 0, 0.3) == pytest.approx(0.3)
    assert method.shrink(90, 100, 0.5) == pytest.approx(95 / 110)
    assert method.shrink(3, 4, None) is None
    assert method.pooled_rate([(1, 2), (3, 6)]) == 0.5
    assert method.pooled_rate([(0, 0)]) is None


def test_rescale_edges():
    assert method.rescale({1: 0.25, 2: 0.5, 3: 1.0}, True) == {1: 1.0, 2: 4.0, 3: 10.0}
    assert method.rescale({1: 0.25, 2: 0.5, 3: 1.0}, False) == {1: 10.0, 2: 7.0, 3: 1.0}
    assert method.rescale({1: 0.4, 2: 0.4}, True) == {1: 5.5, 2: 5.5}
    assert method.rescale({7: 3.0}, False) == {7: 5.5}
    assert method.rescale({}, True) == {}


def test_composite_and_means_leave_out_missing_values():
    weights = dict(method.DEFAULT_WEIGHTS)
    full = dict.fromkeys(method.COMPONENTS, 10.0)
    assert method.composite(full, weights) == pytest.approx(100.0)
    assert method.composite(dict.fromkeys(method.COMPONENTS, 1.0), weights) == pytest.approx(10)
    partial = {**full, "satisfaction": None, "time": 1.0}
    # (35·1 + 20·10 + 15·10 + 10·10)/80 · 10
    assert method.composite(partial, weights) == pytest.approx(485 / 8)
    assert method.composite(dict.fromkeys(method.COMPONENTS), weights) is None
    assert method.mean([1.0, None, 4.0]) == 2.5 and method.mean([None]) is None


def test_median_from_a_histogram():
    assert method.median_from_histogram({3: 1, 10: 1, 12: 1}) == 10
    assert method.median_from_histogram({1: 1, 2: 1}) == 1.5
    assert method.median_from_histogram({0: 2, 5: 1, 9: 1}) == 2.5
    assert method.median_from_histogram({}) is None


def test_the_method_is_versioned_and_complete():
    assert method.METHOD_VERSION
    assert set(method.DEFAULT_WEIGHTS) == set(method.COMPONENTS)
    assert sorted(i for names in method.COMPONENTS.values() for i in names) == \
        sorted(method.INDICATORS)
    assert (method.SHRINK_M, method.DEFAULT_MIN_N) == (10, 10)
