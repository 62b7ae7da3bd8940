"""The SQL behind the scores: the facts of each counted (report, agency) pair.

Everything is computed by the database from ``hold_segments`` alone, whose precomputed
columns carry the report's own facts (received when, harassment, rejected, waiting on the
reporter), the working-day calendar, the answer's legal basis and rating, and reopenings.
Most pairs are a single hold; ``hold_segments.repeat_hold`` marks the holds of pairs held more
than once (reopened, or sent back to the same agency), so the agency totals are one grouped
scan over the single holds plus a small pair-level grouping over the repeated ones, which a
partial index serves without a second scan (``ix_hold_segments_repeat_received_at``;
tests/scoring/test_query_plans.py checks both plans).
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from portal.models import HoldOutcome, HoldSegment
from portal.models.base import UTCDateTime
from portal.scoring.periods import Period

Pair = tuple[int, int]  # (ticket_id, agency_id)

# Per-pair columns, in the order `flask scores inputs` prints them after the identifiers.
FACT_COLUMNS = ("harassment", "ack_n", "ack_k", "answer_n", "answer_k", "answered", "answers",
                "answers_citing", "answer_days", "ratings", "ratings_high", "reopened")
SUMMED = tuple(name for name in FACT_COLUMNS if name != "answer_days")


def _flag(condition) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def _conditions(as_of: datetime) -> dict[str, sa.ColumnElement[bool]]:
    """Per hold segment: the conditions the facts count, judged at ``as_of``."""
    s = HoldSegment
    now = sa.literal(as_of, UTCDateTime)
    held_until = sa.func.coalesce(s.ended_at, now)
    answered = s.outcome == HoldOutcome.answered
    open_past_due = sa.and_(s.ended_at.is_(None), s.answer_due < now, s.paused == sa.false())
    late_transfer = sa.and_(s.outcome == HoldOutcome.transferred, s.on_time.is_(False))
    return {
        "held": sa.or_(answered, held_until >= s.counted_from),
        "harassment": s.harassment == sa.true(),
        "ack_due": sa.or_(s.acknowledged_at.is_not(None), s.ack_due < held_until),
        "ack_late": sa.or_(sa.and_(s.acknowledged_at.is_(None), s.ack_due < held_until),
                           s.acknowledged_at > s.ack_due),
        "answer_due": sa.or_(answered, open_past_due, late_transfer),
        "answer_late": sa.or_(sa.and_(answered, s.on_time.is_(False)), open_past_due,
                              late_transfer),
        "answered": answered,
        "citing": sa.and_(answered, s.cites_legal_basis.is_(True)),
        "rated": s.rating.is_not(None),
        "rated_high": s.rating >= 4,
        "reopened": sa.and_(answered, s.reopened_at.is_not(None)),
    }


def _answer_days() -> sa.ColumnElement[int | None]:
    """The working days to answer, for an answer."""
    return sa.case((HoldSegment.outcome == HoldOutcome.answered,
                    HoldSegment.answer_working_days))


def _in_period(query: sa.Select, period: Period, as_of: datetime,
               exclude: Collection[Pair]) -> sa.Select:
    s = HoldSegment
    query = query.where(s.report_received_at >= period.starts_at,
                        s.report_received_at < period.ends_before,
                        s.report_rejected == sa.false(),
                        s.started_at <= sa.literal(as_of, UTCDateTime))
    if exclude:
        query = query.where(sa.tuple_(s.ticket_id, s.agency_id).not_in(sorted(exclude)))
    return query


def pair_facts(period: Period, *, as_of: datetime, exclude: Collection[Pair] = frozenset(),
               repeated_only: bool = False) -> sa.Subquery:
    """A subquery of the counted pairs: ticket_id, agency_id and the FACT_COLUMNS. A pair's
    booleans hold when they hold for any of its holds (on time: for all of them)."""
    f = {name: _flag(condition) for name, condition in _conditions(as_of).items()}
    s = HoldSegment
    ack_n, answer_n = sa.func.max(f["ack_due"]), sa.func.max(f["answer_due"])
    query = sa.select(
        s.ticket_id.label("ticket_id"), s.agency_id.label("agency_id"),
        sa.func.max(f["harassment"]).label("harassment"),
        ack_n.label("ack_n"), (ack_n - sa.func.max(f["ack_late"])).label("ack_k"),
        answer_n.label("answer_n"), (answer_n - sa.func.max(f["answer_late"])).label("answer_k"),
        sa.func.max(f["answered"]).label("answered"),
        sa.func.sum(f["answered"]).label("answers"),
        sa.func.sum(f["citing"]).label("answers_citing"),
        sa.func.sum(_answer_days()).label("answer_days"),
        sa.func.sum(f["rated"]).label("ratings"),
        sa.func.sum(f["rated_high"]).label("ratings_high"),
        sa.func.max(f["reopened"]).label("reopened"),
    )
    query = _in_period(query, period, as_of, exclude)
    if repeated_only:
        query = query.where(s.repeat_hold)  # the partial index's own condition
    return (query.group_by(s.ticket_id, s.agency_id)
            .having(sa.func.max(f["held"]) == 1).subquery("pairs"))


def _single_hold_totals(period: Period, as_of: datetime, exclude: Collection[Pair]) -> sa.Select:
    """Pairs held once: each hold is a pair, so one grouped scan gives the agency totals.

    Each fact is ``count(*) FILTER (WHERE ...)`` on one condition: for a single hold "due and
    not late" is simply "acknowledged by the deadline" or "answered on time" (an answered hold
    is closed, with ``on_time`` set). Both databases compute an aggregate repeated under
    another name once.
    """
    s = HoldSegment
    c = _conditions(as_of)
    conditions = {
        "harassment": c["harassment"], "ack_n": c["ack_due"],
        "ack_k": s.acknowledged_at <= s.ack_due,
        "answer_n": c["answer_due"],
        "answer_k": sa.and_(c["answered"], s.on_time.is_(True)),
        "answered": c["answered"], "answers": c["answered"], "answers_citing": c["citing"],
        "ratings": c["rated"], "ratings_high": c["rated_high"], "reopened": c["reopened"],
    }
    days = _answer_days()  # one expression object: the GROUP BY must repeat its parameters
    query = sa.select(s.agency_id.label("agency_id"), days.label("answer_days"),
                      sa.func.count().label("pairs"),
                      *[sa.func.count().filter(conditions[name]).label(name) for name in SUMMED])
    query = _in_period(query, period, as_of, exclude)
    return (query.where(s.repeat_hold == sa.false(), c["held"])
            .group_by(s.agency_id, days))


def _repeated_hold_totals(period: Period, as_of: datetime,
                          exclude: Collection[Pair]) -> sa.Select:
    pairs = pair_facts(period, as_of=as_of, exclude=exclude, repeated_only=True)
    return (sa.select(pairs.c.agency_id, pairs.c.answer_days, sa.func.count().label("pairs"),
                      *[sa.func.sum(pairs.c[name]).label(name) for name in SUMMED])
            .group_by(pairs.c.agency_id, pairs.c.answer_days))


def agency_totals(period: Period, *, as_of: datetime,
                  exclude: Collection[Pair] = frozenset()) -> list[sa.Select]:
    """Queries whose rows, added up, give per agency and per answer_days value (a histogram
    for the median) the number of counted pairs and the sum of every fact."""
    return [_single_hold_totals(period, as_of, exclude),
            _repeated_hold_totals(period, as_of, exclude)]
