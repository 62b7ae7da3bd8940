"""Scores for 2025H1 (Thái Bình's directory as it stood on 30/6/2025) and 2026H1 (Hưng Yên's)
computed side by side: each period ranks the agencies valid at its end (issue #9)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal.clock import LOCAL_TZ
from portal.extensions import db
from portal.scoring.compute import compute_period
from portal.scoring.method import DEFAULT_MIN_N
from portal.scoring.periods import parse_period
from portal.tickets import workflow

PERIODS = {"2025H1": (datetime(2025, 3, 3, 9, tzinfo=LOCAL_TZ), ("TB-SXD", "TB-SCT")),
           "2026H1": (datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ), ("HY-SXD", "HY-SCT"))}


@pytest.fixture
def answered(directory, make_user, make_ticket):
    for start, codes in PERIODS.values():
        for code in codes:
            officer = make_user(f"officer.{code.lower()}", "officer", code)
            for i in range(DEFAULT_MIN_N):
                filed = start + timedelta(days=i)
                ticket, _ = make_ticket(agency_code=code, now=filed)
                workflow.answer(ticket, "Đã giải quyết.", "", actor=officer,
                                now=filed + timedelta(days=7), expected_version=None)
    db.session.commit()


def test_scores_before_and_after_the_merger_side_by_side(answered):
    before = compute_period(db.session, parse_period("2025H1"))
    after = compute_period(db.session, parse_period("2026H1"))
    ranked = {p: {a.code for a in s.agencies if a.rank is not None}
              for p, s in (("2025H1", before), ("2026H1", after))}
    assert ranked == {"2025H1": {"TB-SXD", "TB-SCT"}, "2026H1": {"HY-SXD", "HY-SCT"}}
    assert not any(a.code.startswith("HY-") and a.n for a in before.agencies)
    assert not any(a.code.startswith("TB-") for a in after.agencies)
    for scores in (before, after):
        assert all(a.n == DEFAULT_MIN_N for a in scores.agencies if a.rank is not None)
