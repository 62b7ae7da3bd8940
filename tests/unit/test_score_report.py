"""The semi-annual report's figures, and the harassment count shown only from 5 reports."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import Category, Channel
from portal.scoring import report
from portal.scoring.periods import parse_period
from tests import factories
from tests import scoring_support as s
from tests.factories import utc


def _report(agency_code=None, now=s.AFTER_REVIEW):
    agency = factories.agency(agency_code) if agency_code else None
    return report.build_report(db.session, parse_period(s.PERIOD), agency=agency, now=now)


@pytest.mark.parametrize("count,shown", [(4, None), (5, 5)])
def test_harassment_is_counted_only_from_five(app, directory, count, shown):
    s.file_reports(app.config, s.SXD, count, category="harassment")
    s.file_reports(app.config, s.SXD, 3)
    for r in (_report(s.SXD), _report()):
        assert r.harassment == shown
        assert dict(r.by_category)[Category.harassment] == shown
        assert r.total == count + 3


def test_volumes_rates_and_overdue_list(app, directory):
    s.file_reports(app.config, s.SXD, 3, channel="hotline")
    s.file_reports(app.config, s.SKHDT, 2)
    s.file_reports(app.config, s.SXD, 1, start=utc(2025, 8, 1, 2))  # another period
    province, sxd = _report(), _report(s.SXD)
    assert province.total == 5 and sxd.total == 3
    assert dict(province.by_channel) == {Channel.hotline: 3, Channel.web: 2}
    # Nothing was acknowledged or answered: every report is late by July.
    assert (sxd.acknowledged_on_time.k, sxd.acknowledged_on_time.n) == (0, 3)
    assert (sxd.answered_on_time.k, sxd.answered_on_time.n) == (0, 3)
    assert [code for code, _due in sxd.overdue] == sorted(code for code, _d in sxd.overdue)
    assert len(sxd.overdue) == 3 and len(province.overdue) == 5
    assert sxd.satisfaction.n == 0 and sxd.satisfaction.percent is None
    assert province.ranking is None


def test_the_report_carries_the_published_ranking(app, directory, make_user):
    s.scored_world(app.config)
    s.publish_now(s.compute_draft(make_user("analyst0", "analyst")), make_user("a1", "analyst"))
    province, sxd = _report(), _report(s.SXD)
    assert province.ranking is not None
    assert {r.agency["code"] for rows in province.ranking_groups.values() for r in rows} >= {
        s.SXD, s.SKHDT}
    assert [r.agency["code"] for rows in sxd.ranking_groups.values() for r in rows] == [s.SXD]
