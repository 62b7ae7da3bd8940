"""Hold segments: the periods an agency held a report, each with its own legal clock."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.deadlines.policy import ClockPolicy
from portal.deadlines.working_days import (WorkCalendar, add_working_days, deadline, extend,
                                           local_day, start_of_day_utc, working_days_between)
from portal.extensions import db
from portal.models import Agency, Category, HoldOutcome, HoldSegment, Ticket


def current(ticket: Ticket) -> HoldSegment | None:
    if ticket.id is None:
        return None
    return db.session.scalar(sa.select(HoldSegment).where(
        HoldSegment.ticket_id == ticket.id, HoldSegment.ended_at.is_(None)))


def open_segment(ticket: Ticket, agency: Agency, *, now: datetime, policy: ClockPolicy,
                 calendar: WorkCalendar, day_zero: datetime | None = None,
                 first: bool = False) -> HoldSegment:
    """The agency starts holding the report. Its due dates count from ``day_zero``: the day of
    receipt for the first agency, the day it arrived for one that received a transfer.
    ``first``: the report's first hold, which cannot repeat an earlier one (no query)."""
    start = day_zero or now
    segment = HoldSegment(ticket=ticket, agency=agency, started_at=now,
                          repeat_hold=False if first else _mark_repeat_holds(ticket, agency),
                          report_received_at=ticket.received_at,
                          harassment=ticket.category == Category.harassment,
                          ack_due=deadline(start, policy.ack_days, calendar),
                          transfer_due=deadline(start, policy.transfer_days, calendar),
                          answer_due=deadline(start, policy.answer_days, calendar),
                          counted_from=start_of_day_utc(
                              add_working_days(local_day(now), 1, calendar)))
    db.session.add(segment)
    ticket.ack_due, ticket.answer_due = segment.ack_due, segment.answer_due
    return segment


def _mark_repeat_holds(ticket: Ticket, agency: Agency) -> bool:
    """Mark the agency's earlier holds of the report, if any: the scores then group its holds
    into one (report, agency) pair. True when there were some."""
    if ticket.id is None or agency.id is None:
        return False
    result = db.session.execute(
        sa.update(HoldSegment).where(HoldSegment.ticket_id == ticket.id,
                                     HoldSegment.agency_id == agency.id)
        .values(repeat_hold=True).execution_options(synchronize_session="fetch"))
    return result.rowcount > 0


def close_segment(ticket: Ticket, outcome: HoldOutcome, *, now: datetime) -> HoldSegment | None:
    """End the open segment; on time when answered by answer_due or moved by transfer_due."""
    segment = current(ticket)
    if segment is None:
        return None
    due = segment.transfer_due if outcome == HoldOutcome.transferred else segment.answer_due
    segment.ended_at, segment.outcome, segment.on_time = now, outcome, now <= due
    return segment


def pause(ticket: Ticket) -> None:
    """The report waits on the reporter: its open hold is not late meanwhile."""
    segment = current(ticket)
    if segment is not None:
        segment.paused = True


def resume(ticket: Ticket) -> None:
    segment = current(ticket)
    if segment is not None:
        segment.paused = False


def record_rejection(ticket: Ticket) -> None:
    """The coordinator rejected the report: it counts for none of the agencies that held it."""
    db.session.execute(sa.update(HoldSegment).where(HoldSegment.ticket_id == ticket.id)
                       .values(report_rejected=True)
                       .execution_options(synchronize_session="fetch"))


def record_answer(segment: HoldSegment, *, legal_basis: str, calendar: WorkCalendar) -> None:
    """Keep what the scores need of the answer that ended ``segment``."""
    segment.answer_working_days = working_days_between(
        local_day(segment.started_at), local_day(segment.ended_at), calendar)
    segment.cites_legal_basis = bool(legal_basis)


def _last_answered(ticket: Ticket) -> HoldSegment | None:
    return db.session.scalar(sa.select(HoldSegment).where(
        HoldSegment.ticket_id == ticket.id, HoldSegment.outcome == HoldOutcome.answered)
        .order_by(HoldSegment.ended_at.desc(), HoldSegment.id.desc()).limit(1))


def record_rating(ticket: Ticket, score: int) -> None:
    """The reporter rated the latest answer: keep the score on the hold it ended."""
    segment = _last_answered(ticket)
    if segment is not None:
        segment.rating = score


def record_reopening(ticket: Ticket, *, now: datetime) -> None:
    """The reporter reopened the report: the latest answer did not resolve it."""
    segment = _last_answered(ticket)
    if segment is not None and segment.reopened_at is None:
        segment.reopened_at = now


def acknowledge(ticket: Ticket, *, now: datetime) -> None:
    segment = current(ticket)
    if segment is not None and segment.acknowledged_at is None:
        segment.acknowledged_at = now


def push_answer_due(ticket: Ticket, working_days: int, calendar: WorkCalendar) -> None:
    """Move the answer deadline later (clock paused, or the one extension)."""
    if working_days <= 0:
        return
    ticket.answer_due = extend(ticket.answer_due, working_days, calendar)
    segment = current(ticket)
    if segment is not None:
        segment.answer_due = ticket.answer_due
        # Reminders count from the new date; the coordinator's lateness alert stays sent.
        segment.reminded_at = segment.head_alerted_at = None


def for_ticket(ticket: Ticket) -> list[HoldSegment]:
    return list(db.session.scalars(sa.select(HoldSegment).where(HoldSegment.ticket_id == ticket.id)
                                   .order_by(HoldSegment.started_at, HoldSegment.id)))
