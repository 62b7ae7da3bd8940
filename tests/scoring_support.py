"""A small scored world for the review, publication and display tests.

Reports are filed through intake in the first half of 2025 for two departments; the draft is
computed in July with a review window, and published after it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal import clock
from portal.extensions import db
from portal.models import Agency, PublishedRanking, ScoreDraft, Ticket
from portal.scoring import publish, review
from portal.scoring.periods import parse_period
from tests import factories
from tests.factories import utc

PERIOD = "2025H1"
RECEIVED = utc(2025, 3, 3, 2)          # a Monday morning in Thái Bình
DRAFT_AT = utc(2025, 7, 7, 3)
REVIEW_ENDS = date(2025, 7, 18)
AFTER_REVIEW = utc(2025, 7, 21, 3)
SXD, SKHDT = "TB-SXD", "TB-SKHDT"


@dataclass
class World:
    reports: dict[str, list[Ticket]] = field(default_factory=dict)
    harassment: Ticket | None = None

    def agency(self, code: str) -> Agency:
        return factories.agency(code)


def file_reports(config, agency_code: str, count: int, *, start=RECEIVED, category="delay",
                 **fields) -> list[Ticket]:
    return [factories.make_ticket(config, agency_code=agency_code, category=category,
                                  now=start + timedelta(days=i % 40), **fields)[0]
            for i in range(count)]


def scored_world(config) -> World:
    """12 delay reports for TB-SXD plus one harassment report, 11 for TB-SKHDT."""
    world = World()
    world.reports[SXD] = file_reports(config, SXD, 12, contact_name="Nguyễn Thị Hoa",
                                      contact_email="hoa@example.vn")
    world.reports[SKHDT] = file_reports(config, SKHDT, 11)
    world.harassment = factories.make_ticket(
        config, agency_code=SXD, category="harassment", subject="Đòi tiền bồi dưỡng",
        contact_name="Đỗ Văn Giang", now=RECEIVED)[0]
    return world


def compute_draft(analyst, *, at=DRAFT_AT, review_ends=REVIEW_ENDS,
                  period=PERIOD) -> ScoreDraft:
    clock.freeze(at)
    draft = review.compute_draft(db.session, parse_period(period), review_ends=review_ends,
                                 actor=analyst, now=at)
    db.session.commit()
    return draft


def publish_now(draft: ScoreDraft, analyst, *, at=AFTER_REVIEW) -> PublishedRanking:
    clock.freeze(at)
    ranking = publish.publish_draft(db.session, draft, actor=analyst, now=at)
    db.session.commit()
    return ranking


def figures_of(figures: dict, code: str) -> dict:
    return next(a for a in figures["agencies"] if a["code"] == code)


def publish_two_periods(config, analyst) -> tuple[PublishedRanking, PublishedRanking]:
    """2024H2 (a smaller world) and 2025H1 (``scored_world``), both published."""
    file_reports(config, SXD, 10, start=utc(2024, 9, 2, 2))
    file_reports(config, SKHDT, 14, start=utc(2024, 9, 2, 2))
    earlier = publish_now(compute_draft(analyst, period="2024H2", at=utc(2025, 1, 6, 3),
                                        review_ends=date(2025, 1, 10)),
                          analyst, at=utc(2025, 1, 13, 3))
    scored_world(config)
    return earlier, publish_now(compute_draft(analyst), analyst)
