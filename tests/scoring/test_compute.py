"""Which reports count, directory changes, settings and tie-breaks (portal.scoring.compute)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from portal.extensions import db
from portal.models import AgencyGroup, Role
from portal.scoring.compute import Standing, compute_period
from portal.scoring.periods import parse_period
from portal.scoring.settings import ScoringSettings
from portal.tickets import workflow
from tests import factories
from tests.scoring.story import RECEIVED, WORKING_DAY, Story, at, head, live, make_agency
from tests.scoring.test_worked_example import AS_OF, build_worked_example

H1 = parse_period("2025H1")


def scores(period=H1, **kwargs):
    return {a.code: a for a in compute_period(db.session, period, as_of=AS_OF, **kwargs).agencies}


@pytest.fixture(autouse=True)
def database(db):
    return db


@pytest.fixture
def coordinator(db):
    return factories.make_user("coord", Role.coordinator)


def transfer_then_assign(ticket, from_agency, to_agency, coordinator, *, transfer_day: int):
    workflow.transfer(ticket, "Không thuộc thẩm quyền", actor=head(from_agency),
                      now=at(WORKING_DAY[transfer_day], 14), expected_version=None)
    workflow.assign(ticket, to_agency, actor=coordinator, now=at(WORKING_DAY[transfer_day], 16),
                    expected_version=None)
    db.session.commit()


def test_a_report_counts_after_one_working_day_held_or_an_answer(app, coordinator):
    a, b = make_agency("A", AgencyGroup.department), make_agency("B", AgencyGroup.department)
    quick = live(app.config, a, Story(ack=None, answer=None))  # passed on the same day
    transfer_then_assign(quick, a, b, coordinator, transfer_day=0)
    slow = live(app.config, a, Story(ack="on", answer=None))  # held until 8 working days later
    transfer_then_assign(slow, a, b, coordinator, transfer_day=8)
    live(app.config, a, Story(ack=None, answer=0))  # answered on the day of receipt
    result = scores()
    assert result["A"].n == 2
    # The late transfer (due within 5 working days) counts as a late answer; the same-day
    # answer acknowledged and answered on time.
    answer, ack = result["A"].indicators["answer_on_time"], result["A"].indicators["ack_on_time"]
    assert (answer.k, answer.n, ack.k, ack.n) == (1, 2, 2, 2)
    # B holds both since then, unanswered and past due on 15/7: late, not acknowledged.
    assert result["B"].n == 2
    assert (result["B"].indicators["answer_on_time"].k, result["B"].indicators["answer_on_time"].n) == (0, 2)
    assert result["B"].indicators["ack_on_time"].k == 0


def test_rejected_reports_and_other_periods_do_not_count(app, coordinator):
    a = make_agency("A", AgencyGroup.department)
    rejected = live(app.config, a, Story(answer=None))
    workflow.transfer(rejected, "Ngoài phạm vi", actor=head(a), now=at(WORKING_DAY[3], 9),
                      expected_version=None)
    workflow.reject(rejected, "Ngoài phạm vi", actor=coordinator, now=at(WORKING_DAY[3], 10),
                    expected_version=None)
    db.session.commit()
    live(app.config, a, Story(), received=datetime(2025, 7, 1, 9, tzinfo=RECEIVED.tzinfo))
    assert scores()["A"].n == 0
    assert scores(parse_period("2025H2"))["A"].n == 1


def test_open_reports_are_late_only_once_due(app):
    a = make_agency("A", AgencyGroup.department)
    live(app.config, a, Story(answer=None))
    before_due = compute_period(db.session, H1, as_of=at(WORKING_DAY[15], 12)).agencies[0]
    assert before_due.indicators["answer_on_time"].n == 0
    assert before_due.indicators["ack_on_time"].k == 1
    after_due = scores()["A"]
    assert (after_due.indicators["answer_on_time"].k, after_due.indicators["answer_on_time"].n) == (0, 1)
    assert after_due.indicators["published"].n == 1 and after_due.indicators["published"].k == 0


def test_a_report_waiting_on_the_reporter_is_not_late(app):
    a = make_agency("A", AgencyGroup.department)
    waiting = live(app.config, a, Story(answer=None))
    workflow.request_info(waiting, "Cần bổ sung hồ sơ", actor=head(a), now=at(WORKING_DAY[2], 9),
                          expected_version=None)
    db.session.commit()
    answer = scores()["A"].indicators["answer_on_time"]
    assert (answer.k, answer.n) == (0, 0)
    workflow.reporter_reply(waiting, "Đã bổ sung", now=at(WORKING_DAY[3], 9))
    db.session.commit()
    answer = scores()["A"].indicators["answer_on_time"]  # due again, and past due on 15/7
    assert (answer.k, answer.n) == (0, 1)


def test_minimum_n_and_weights_settings(app, db):
    build_worked_example(app.config)
    with_default_min = scores(settings=ScoringSettings())
    assert all(a.rank is None and a.standing == Standing.insufficient_data
               for a in with_default_min.values())
    # Accountability alone: A and C score 10 (100), B 1 (10); A and C tie and the lower raw
    # harassment rate (A 1/4, C 1/3) ranks A first.
    only_accountability = ScoringSettings(weights={"time": 0, "integrity": 0, "satisfaction": 0,
                                                   "transparency": 0, "accountability": 1},
                                          min_n=3)
    result = scores(settings=only_accountability)
    assert [(c, result[c].rank, round(result[c].composite, 2)) for c in "ACB"] == \
        [("A", 1, 100.0), ("C", 2, 100.0), ("B", 3, 10.0)]


def test_ties_fall_to_the_higher_on_time_answer_rate(app):
    """P and Q: no harassment, same medians; Q answers all on time (P leaves one open past
    due), P's reporters are happier. With time 30 and satisfaction 10 only:
    answer on time shrunk P (2 + 25/3)/13 < Q (3 + 25/3)/13 → time P (5.5+1+5.5)/3 = 4, Q 7;
    satisfied P 2/2, Q 1/3, p̄ 3/5 → P (2+6)/12 = 0.67 > Q (1+6)/13 = 0.54 → P 10, Q 1;
    composite P 10·(30·4 + 10·10)/40 = 55 = Q 10·(30·7 + 10·1)/40: Q first on the tie-break."""
    p, q = make_agency("P", AgencyGroup.local), make_agency("Q", AgencyGroup.local)
    for story in (Story(rating=5), Story(rating=5), Story(answer=None)):
        live(app.config, p, story)
    for story in (Story(rating=5), Story(rating=2), Story(rating=2)):
        live(app.config, q, story)
    settings = ScoringSettings(weights={"time": 30, "integrity": 0, "satisfaction": 10,
                                        "transparency": 0, "accountability": 0}, min_n=3)
    result = scores(settings=settings)
    assert round(result["P"].composite, 6) == round(result["Q"].composite, 6) == 55
    assert (result["Q"].rank, result["P"].rank) == (1, 2)


def test_exclusions_leave_pairs_out(app):
    a = make_agency("A", AgencyGroup.department)
    kept = live(app.config, a, Story())
    flagged = live(app.config, a, Story(category="harassment"))
    result = scores(exclude={(flagged.id, a.id)})["A"]
    assert result.n == 1 and result.indicators["harassment_rate"].k == 0
    computed = compute_period(db.session, H1, as_of=AS_OF, exclude={(flagged.id, a.id)})
    assert computed.input_pairs == [(kept.id, a.id)]


def test_directory_changes(app):
    """An agency that ended inside the period is listed unranked; one valid on the period's
    last day is ranked; the period says its directory changed."""
    merged = make_agency("OLD", AgencyGroup.local, valid_to=date(2025, 4, 30))
    successor = make_agency("NEW", AgencyGroup.local, valid_from=date(2025, 5, 1))
    office = make_agency("PPC", AgencyGroup.none)
    for agency in (merged, office):
        for _ in range(3):
            live(app.config, agency, Story())
    for _ in range(3):
        live(app.config, successor, Story(), received=datetime(2025, 5, 5, 9, tzinfo=RECEIVED.tzinfo))
    computed = compute_period(db.session, H1, as_of=AS_OF, settings=ScoringSettings(min_n=3))
    result = {a.code: a for a in computed.agencies}
    assert computed.directory_changed is True
    assert (result["OLD"].standing, result["OLD"].rank, result["OLD"].n) == (Standing.ended, None, 3)
    assert result["OLD"].valid_to == date(2025, 4, 30)
    assert (result["NEW"].standing, result["NEW"].rank) == (Standing.ranked, 1)
    assert (result["PPC"].standing, result["PPC"].rank) == (Standing.not_ranked_group, None)
    assert computed.to_dict()["directory_changed"] is True
    later = compute_period(db.session, parse_period("2025H2"), as_of=AS_OF)
    assert later.directory_changed is False and "OLD" not in {a.code for a in later.agencies}
