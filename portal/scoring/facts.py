"""The SQL behind the scores: one row of facts per counted (report, agency) pair.

Everything is computed by the database from ``tickets`` and ``hold_segments`` (whose
precomputed columns carry the working-day calendar, the answer's legal basis and rating, and
reopenings), so a period is one grouped scan whatever its size. See ``method`` for the rules.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from portal.models import Category, HoldOutcome, HoldSegment, Status, Ticket
from portal.models.base import UTCDateTime
from portal.scoring.periods import Period

Pair = tuple[int, int]  # (ticket_id, agency_id)

# Per-pair columns, in the order `flask scores inputs` prints them after the identifiers.
FACT_COLUMNS = ("harassment", "ack_n", "ack_k", "answer_n", "answer_k", "answered", "answers",
                "answers_citing", "answer_days", "ratings", "ratings_high", "reopened")


def _flag(condition) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def pair_facts(period: Period, *, as_of: datetime,
               exclude: Collection[Pair] = frozenset()) -> sa.Subquery:
    """A subquery of the counted pairs: ticket_id, agency_id and the FACT_COLUMNS."""
    s, t = HoldSegment, Ticket
    now = sa.literal(as_of, UTCDateTime)
    held_until = sa.func.coalesce(s.ended_at, now)
    answered = s.outcome == HoldOutcome.answered
    open_past_due = sa.and_(s.ended_at.is_(None), s.answer_due < now,
                            t.status != Status.needs_info)
    late_transfer = sa.and_(s.outcome == HoldOutcome.transferred, s.on_time.is_(False))
    answer_due = sa.or_(answered, open_past_due, late_transfer)
    answer_late = sa.or_(sa.and_(answered, s.on_time.is_(False)), open_past_due, late_transfer)
    ack_due = sa.or_(s.acknowledged_at.is_not(None), s.ack_due < held_until)
    ack_late = sa.or_(sa.and_(s.acknowledged_at.is_(None), s.ack_due < held_until),
                      s.acknowledged_at > s.ack_due)
    ack_n = sa.func.max(_flag(ack_due))
    answer_n = sa.func.max(_flag(answer_due))
    query = (
        sa.select(
            s.ticket_id.label("ticket_id"), s.agency_id.label("agency_id"),
            sa.func.max(_flag(t.category == Category.harassment)).label("harassment"),
            ack_n.label("ack_n"), (ack_n - sa.func.max(_flag(ack_late))).label("ack_k"),
            answer_n.label("answer_n"),
            (answer_n - sa.func.max(_flag(answer_late))).label("answer_k"),
            sa.func.max(_flag(answered)).label("answered"),
            sa.func.sum(_flag(answered)).label("answers"),
            sa.func.sum(_flag(sa.and_(answered, s.cites_legal_basis.is_(True))))
            .label("answers_citing"),
            sa.func.sum(sa.case((answered, s.answer_working_days))).label("answer_days"),
            sa.func.sum(_flag(s.rating.is_not(None))).label("ratings"),
            sa.func.sum(_flag(s.rating >= 4)).label("ratings_high"),
            sa.func.max(_flag(sa.and_(answered, s.reopened_at.is_not(None)))).label("reopened"),
        )
        .join(t, t.id == s.ticket_id)
        .where(t.received_at >= period.starts_at, t.received_at < period.ends_before,
               t.status != Status.rejected, s.started_at <= now)
        .group_by(s.ticket_id, s.agency_id)
        .having(sa.func.max(_flag(sa.or_(answered, held_until >= s.counted_from))) == 1)
    )
    if exclude:
        query = query.where(sa.tuple_(s.ticket_id, s.agency_id).not_in(sorted(exclude)))
    return query.subquery("pairs")


def agency_totals(pairs: sa.Subquery) -> sa.Select:
    """Per agency and per answer_days value (a histogram for the median): the pair count and
    the sum of every fact. Folded into agency totals by ``compute``."""
    sums = [sa.func.sum(pairs.c[name]).label(name) for name in FACT_COLUMNS
            if name != "answer_days"]
    return (sa.select(pairs.c.agency_id, pairs.c.answer_days,
                      sa.func.count().label("pairs"), *sums)
            .group_by(pairs.c.agency_id, pairs.c.answer_days))
