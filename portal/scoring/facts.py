"""The SQL behind the scores: the facts of each counted (report, agency) pair.

Everything is computed by the database from ``hold_segments`` alone, whose precomputed
columns carry the report's own facts (received when, harassment, rejected, waiting on the
reporter), the working-day calendar, the answer's legal basis and rating, and reopenings. Most pairs are a single hold; ``hold_segments.repeat_hold`` marks the holds of pairs
held more than once (reopened, or sent back to the same agency), so the agency totals are one
grouped scan over the single holds plus a small pair-level grouping over the repeated ones.
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


def _segment_facts(as_of: datetime) -> dict[str, sa.ColumnElement]:
    """Per hold segment: 0/1 flags, and the working days to answer."""
    s = HoldSegment
    now = sa.literal(as_of, UTCDateTime)
    held_until = sa.func.coalesce(s.ended_at, now)
    answered = s.outcome == HoldOutcome.answered
    open_past_due = sa.and_(s.ended_at.is_(None), s.answer_due < now, s.paused == sa.false())
    late_transfer = sa.and_(s.outcome == HoldOutcome.transferred, s.on_time.is_(False))
    return {
        "held": sa.or_(answered, held_until >= s.counted_from),  # a condition, not a flag
        "harassment": _flag(s.harassment == sa.true()),
        "ack_due": _flag(sa.or_(s.acknowledged_at.is_not(None), s.ack_due < held_until)),
        "ack_late": _flag(sa.or_(sa.and_(s.acknowledged_at.is_(None), s.ack_due < held_until),
                                 s.acknowledged_at > s.ack_due)),
        "answer_due": _flag(sa.or_(answered, open_past_due, late_transfer)),
        "answer_late": _flag(sa.or_(sa.and_(answered, s.on_time.is_(False)), open_past_due,
                                    late_transfer)),
        "answered": _flag(answered),
        "citing": _flag(sa.and_(answered, s.cites_legal_basis.is_(True))),
        "days": sa.case((answered, s.answer_working_days)),
        "rated": _flag(s.rating.is_not(None)),
        "rated_high": _flag(s.rating >= 4),
        "reopened": _flag(sa.and_(answered, s.reopened_at.is_not(None))),
    }


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
    f = _segment_facts(as_of)
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
        sa.func.sum(f["days"]).label("answer_days"),
        sa.func.sum(f["rated"]).label("ratings"),
        sa.func.sum(f["rated_high"]).label("ratings_high"),
        sa.func.max(f["reopened"]).label("reopened"),
    )
    query = _in_period(query, period, as_of, exclude)
    if repeated_only:
        query = query.where(s.repeat_hold.is_(True))
    return (query.group_by(s.ticket_id, s.agency_id)
            .having(sa.func.max(_flag(f["held"])) == 1).subquery("pairs"))


def _single_hold_totals(period: Period, as_of: datetime, exclude: Collection[Pair]) -> sa.Select:
    """Pairs held once: each hold is a pair, so one grouped scan gives the agency totals."""
    f = _segment_facts(as_of)
    s = HoldSegment
    sums = {"harassment": f["harassment"], "ack_n": f["ack_due"],
            "ack_k": f["ack_due"] - f["ack_late"], "answer_n": f["answer_due"],
            "answer_k": f["answer_due"] - f["answer_late"], "answered": f["answered"],
            "answers": f["answered"], "answers_citing": f["citing"], "ratings": f["rated"],
            "ratings_high": f["rated_high"], "reopened": f["reopened"]}
    query = sa.select(s.agency_id.label("agency_id"), f["days"].label("answer_days"),
                      sa.func.count().label("pairs"),
                      *[sa.func.sum(sums[name]).label(name) for name in SUMMED])
    query = _in_period(query, period, as_of, exclude)
    return (query.where(s.repeat_hold == sa.false(), f["held"])
            .group_by(s.agency_id, f["days"]))


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
