"""The worked example of DESIGN §7, computed by hand (acceptance: several agencies, two groups,
one below the minimum n, one tie broken by the tie-breaks; two decimals on both databases).

Minimum n is set to 3 through the settings service; default weights 35/20/20/15/10; judged on
15/7/2025. Stories (see ``story.Story``; d = working days to answer, on time up to 20):

  A (department): a1 ack on, d5, basis, rated 5 · a2 ack on, d10, no basis, rated 4 ·
                  a3 harassment, ack on, d21 (late), basis, rated 2 · a4 ack late, never answered
  B (department): b1 d2 basis rated 5 · b2 d3 basis rated 5, reopened and answered again the same
                  day with a basis · b3 d4 no basis
  C (department): c1 ack late, d8, no basis, rated 3 · c2 harassment, d15, basis, rated 4 ·
                  c3 d12, no basis
  D (department): d1 d1 basis rated 5 · d2 d2 basis rated 5 — n = 2 < 3: "chưa đủ dữ liệu"
  E (central):    e1 harassment, d5, basis, rated 5 · e2, e3 d5 basis rated 5
  F (central):    f1, f2, f3 d5 basis, rated 5, 5, 2

Counts (k/n) and the department's pooled rate p̄ (A+B+C+D):

  indicator        A      B      C      D     p̄
  ack on time     3/4    3/3    2/3    2/2   10/12
  answer on time  2/4    3/3    3/3    2/2   10/12   (a4 open past due is late)
  harassment      1/4    0/3    1/3    0/2    2/12
  satisfied       2/3    2/2    1/2    2/2    7/9
  published       3/4    3/3    3/3    2/2   11/12
  legal basis     2/3    3/4    1/3    2/2    8/12   (b2 has two answers)
  reopened        0/3    1/3    0/3    0/2    1/11
  median days     10     3      12     1.5

Shrunk (k + 10·p̄)/(n + 10), then 1–10 over A, B, C (reversed when lower is better):

  ack:        A 17/21  B 34/39  C 31/39      → A 1 + 9·(4/273)/(21/273) = 19/7, B 10, C 1
  answer:     A 31/42  B 34/39  C 34/39      → A 1, B 10, C 10
  median:     A 10     B 3      C 12         → A 1 + 9·2/9 = 3, B 10, C 1
  harassment: A 4/21   B 5/39   C 8/39       → A 19/7, B 10, C 1
  satisfied:  A 88/117 B 22/27  C 79/108     → A 1 + 9·29/117 = 42/13, B 10, C 1
  published:  A 73/84  B 73/78  C 73/78      → A 1, B 10, C 10
  legal:      A 2/3    B 29/42  C 23/39      → A 1 + 9·42/55 = 433/55, B 10, C 1
  reopened:   A 10/143 B 21/143 C 10/143     → A 10, B 1, C 10

Components: time A 47/21 = 2.24, B 10, C 4; integrity A 2.71, B 10, C 1; satisfaction
A 3.23, B 10, C 1; transparency A 244/55 = 4.44, B 10, C 5.5; accountability A 10, B 1, C 10.
Composite Σw·s/10: A (1645/21 + 380/7 + 840/13 + 732/11 + 100)/10 = 36.38; B 91.00; C 36.25.

Central: E and F differ only in harassment (E 1/3, F 0/3; shrunk 8/39, 5/39 → E 1, F 10) and
satisfaction (E 3/3, F 2/3; shrunk 34/39, 31/39 → E 10, F 1); everything else is equal (5.5).
Both composites are (35·5.5 + 20·10 + 20·1 + 15·5.5 + 10·5.5)/10 = 55.00: a tie, which the
lower raw harassment rate gives to F.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from portal.extensions import db
from portal.models import AgencyGroup
from portal.scoring import settings as scoring_settings
from portal.scoring.compute import Standing, compute_period
from portal.scoring.periods import parse_period
from tests.scoring.story import Story, live, make_agency

AS_OF = datetime(2025, 7, 15, tzinfo=timezone.utc)

STORIES = {
    ("A", AgencyGroup.department): [
        Story(answer=5, rating=5), Story(answer=10, basis=False, rating=4),
        Story(category="harassment", answer=21, rating=2), Story(ack="late", answer=None)],
    ("B", AgencyGroup.department): [
        Story(answer=2, rating=5), Story(answer=3, rating=5, reopen=True),
        Story(answer=4, basis=False)],
    ("C", AgencyGroup.department): [
        Story(ack="late", answer=8, basis=False, rating=3),
        Story(category="harassment", answer=15, rating=4), Story(answer=12, basis=False)],
    ("D", AgencyGroup.department): [Story(answer=1, rating=5), Story(answer=2, rating=5)],
    ("E", AgencyGroup.central): [Story(category="harassment", rating=5), Story(rating=5),
                                 Story(rating=5)],
    ("F", AgencyGroup.central): [Story(rating=5), Story(rating=5), Story(rating=2)],
}

# code: (rank, composite, time, integrity, satisfaction, transparency, accountability)
EXPECTED = {
    "B": (1, 91.00, 10.00, 10.00, 10.00, 10.00, 1.00),
    "A": (2, 36.38, 2.24, 2.71, 3.23, 4.44, 10.00),
    "C": (3, 36.25, 4.00, 1.00, 1.00, 5.50, 10.00),
    "F": (1, 55.00, 5.50, 10.00, 1.00, 5.50, 5.50),
    "E": (2, 55.00, 5.50, 1.00, 10.00, 5.50, 5.50),
}


def build_worked_example(config) -> None:
    for (code, group), stories in STORIES.items():
        agency = make_agency(code, group)
        for story in stories:
            live(config, agency, story)
    scoring_settings.save_settings(
        db.session, scoring_settings.ScoringSettings(min_n=3), actor=None, now=AS_OF)
    db.session.commit()


@pytest.fixture
def worked_example(app, db):
    build_worked_example(app.config)


def test_worked_example_matches_the_hand_computation(worked_example):
    scores = compute_period(db.session, parse_period("2025H1"), as_of=AS_OF)
    by_code = {a.code: a for a in scores.agencies}
    for code, (rank, composite, *components) in EXPECTED.items():
        agency = by_code[code]
        assert agency.standing == Standing.ranked
        assert agency.rank == rank, code
        assert round(agency.composite, 2) == composite, code
        assert [round(v, 2) for v in agency.components.values()] == components, code
    assert by_code["D"].rank is None and by_code["D"].standing == Standing.insufficient_data
    assert by_code["D"].n == 2 and by_code["D"].composite is None
    assert by_code["D"].indicators["median_days"].raw == 1.5


def test_worked_example_indicator_figures(worked_example):
    a = {x.code: x for x in compute_period(db.session, parse_period("2025H1"),
                                           as_of=AS_OF).agencies}["A"]
    ack, median = a.indicators["ack_on_time"], a.indicators["median_days"]
    assert (ack.k, ack.n, ack.raw, round(ack.shrunk, 4), round(ack.score, 4)) == \
        (3, 4, 0.75, 0.8095, 2.7143)
    # Wilson 95% for 3/4, by hand: centre (0.75 + 3.8416/8)/(1 + 3.8416/4) = 0.6275,
    # half 1.96·sqrt(0.75·0.25/4 + 3.8416/64)/1.9604 = 0.3269.
    assert (round(ack.low, 3), round(ack.high, 3)) == (0.301, 0.954)
    assert (median.k, median.n, median.raw, median.shrunk, median.low) == (None, 3, 10, 10, None)
    harassment = a.indicators["harassment_rate"]
    assert (harassment.k, harassment.n, harassment.raw, round(harassment.shrunk, 2)) == \
        (1, 4, 25.0, 19.05)
    assert a.n == 4 and a.group == "department"
