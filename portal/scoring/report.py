"""The semi-annual report (due 15 June and 15 December): one per agency and one for the province.

Volumes by channel and category, on-time rates, the overdue list (codes and due dates only),
satisfaction, the harassment count (shown only from HARASSMENT_SHOWN_FROM up, so that a handful
of reports cannot point at their authors) and the published ranking. The CLI and the web build
the same data here and render the same template.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.clock import LOCAL_TZ
from portal.models import (Agency, Category, Channel, HoldSegment, PublishedRanking, Rating,
                           Status, Ticket)
from portal.models.vocab import OPEN_STATUSES
from portal.scoring import publish, ranking as ranking_rows
from portal.scoring.periods import Period

HARASSMENT_SHOWN_FROM = 5


def shown_count(count: int) -> int | None:
    """The harassment count as published: None ("fewer than 5") below the threshold."""
    return count if count >= HARASSMENT_SHOWN_FROM else None


@dataclass(frozen=True)
class Rate:
    k: int
    n: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.k / self.n, 1) if self.n else None


@dataclass(frozen=True)
class Report:
    period: Period
    agency: Agency | None          # None: the whole province
    generated_at: datetime
    total: int
    by_channel: list[tuple[Channel, int]]
    by_category: list[tuple[Category, int | None]]   # harassment: None below the threshold
    harassment: int | None
    acknowledged_on_time: Rate
    answered_on_time: Rate
    overdue: list[tuple[str, datetime]]
    satisfaction: Rate                                 # ratings of 4–5 among all ratings
    ranking: PublishedRanking | None
    ranking_groups: dict[str, list[ranking_rows.RankingRow]]


def build_report(session: Session, period: Period, *, agency: Agency | None,
                 now: datetime) -> Report:
    scope = _scope(period, agency)
    by_category = dict(_count_by(session, Ticket.category, scope))
    harassment = shown_count(by_category.get(Category.harassment, 0))
    ranking = publish.published(session, period.code)
    groups = {}
    if ranking is not None:
        groups = ranking_rows.rows_by_group(ranking.figures, ranking.weights)
        if agency is not None:
            groups = {g: [r for r in rows if r.agency["code"] == agency.code]
                      for g, rows in groups.items()}
            groups = {g: rows for g, rows in groups.items() if rows}
    return Report(
        period=period, agency=agency, generated_at=now, total=sum(by_category.values()),
        by_channel=[(c, n) for c, n in _count_by(session, Ticket.channel, scope)],
        by_category=[(c, harassment if c == Category.harassment else by_category.get(c, 0))
                     for c in Category],
        harassment=harassment,
        acknowledged_on_time=_acknowledged(session, scope, agency, now),
        answered_on_time=_answered(session, scope, agency, now),
        overdue=_overdue(session, scope, agency, now),
        satisfaction=_satisfaction(session, scope),
        ranking=ranking, ranking_groups=groups)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's local days as a half-open UTC interval."""
    start = datetime.combine(period.start, time.min, LOCAL_TZ).astimezone(timezone.utc)
    end = datetime.combine(period.end + timedelta(days=1), time.min, LOCAL_TZ)
    return start, end.astimezone(timezone.utc)


def _scope(period: Period, agency: Agency | None) -> sa.ColumnElement[bool]:
    """Reports received in the period, not rejected; for an agency, those it held at some point."""
    start, end = _bounds(period)
    condition = sa.and_(Ticket.received_at >= start, Ticket.received_at < end,
                        Ticket.status != Status.rejected)
    if agency is not None:
        held = sa.select(HoldSegment.ticket_id).where(HoldSegment.agency_id == agency.id)
        condition = sa.and_(condition, Ticket.id.in_(held))
    return condition


def _count_by(session, column, scope):
    return session.execute(sa.select(column, sa.func.count()).where(scope).group_by(column)
                           .order_by(sa.func.count().desc(), column)).all()


def _segments(scope, agency):
    query = sa.select(HoldSegment).join(Ticket, Ticket.id == HoldSegment.ticket_id).where(scope)
    return query.where(HoldSegment.agency_id == agency.id) if agency is not None else query


def _acknowledged(session, scope, agency, now) -> Rate:
    """Segments whose acknowledgement was due or done; on time when done by the due moment."""
    segments = _segments(scope, agency).where(sa.or_(HoldSegment.acknowledged_at.is_not(None),
                                                      HoldSegment.ack_due < now)).subquery()
    on_time = segments.c.acknowledged_at <= segments.c.ack_due
    k, n = session.execute(sa.select(sa.func.count().filter(on_time), sa.func.count())
                           .select_from(segments)).one()
    return Rate(k, n)


def _answered(session, scope, agency, now) -> Rate:
    """Segments answered (on time or not) plus those still open past their due moment (late)."""
    segments = _segments(scope, agency).where(sa.or_(
        HoldSegment.on_time.is_not(None),
        sa.and_(HoldSegment.ended_at.is_(None), HoldSegment.answer_due < now))).subquery()
    k, n = session.execute(sa.select(sa.func.count().filter(segments.c.on_time.is_(True)),
                                     sa.func.count()).select_from(segments)).one()
    return Rate(k, n)


def _overdue(session, scope, agency, now) -> list[tuple[str, datetime]]:
    query = (sa.select(Ticket.code, Ticket.answer_due)
             .where(scope, Ticket.status.in_(OPEN_STATUSES - {Status.needs_info}),
                    Ticket.answer_due < now).order_by(Ticket.answer_due, Ticket.code))
    if agency is not None:
        query = query.where(Ticket.agency_id == agency.id)
    return [(code, due) for code, due in session.execute(query)]


def _satisfaction(session, scope) -> Rate:
    k, n = session.execute(sa.select(sa.func.count().filter(Rating.score >= 4), sa.func.count())
                           .join(Ticket, Ticket.id == Rating.ticket_id).where(scope)).one()
    return Rate(k, n)
