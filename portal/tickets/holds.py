"""Hold segments: the periods an agency held a report, each with its own legal clock."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.deadlines.policy import ClockPolicy
from portal.deadlines.working_days import WorkCalendar, deadline, extend
from portal.extensions import db
from portal.models import Agency, HoldOutcome, HoldSegment, Ticket


def current(ticket: Ticket) -> HoldSegment | None:
    if ticket.id is None:
        return None
    return db.session.scalar(sa.select(HoldSegment).where(
        HoldSegment.ticket_id == ticket.id, HoldSegment.ended_at.is_(None)))


def open_segment(ticket: Ticket, agency: Agency, *, now: datetime, policy: ClockPolicy,
                 calendar: WorkCalendar, day_zero: datetime | None = None) -> HoldSegment:
    """The agency starts holding the report. Its due dates count from ``day_zero``: the day of
    receipt for the first agency, the day it arrived for one that received a transfer."""
    start = day_zero or now
    segment = HoldSegment(ticket=ticket, agency=agency, started_at=now,
                          ack_due=deadline(start, policy.ack_days, calendar),
                          transfer_due=deadline(start, policy.transfer_days, calendar),
                          answer_due=deadline(start, policy.answer_days, calendar))
    db.session.add(segment)
    ticket.ack_due, ticket.answer_due = segment.ack_due, segment.answer_due
    return segment


def close_segment(ticket: Ticket, outcome: HoldOutcome, *, now: datetime) -> HoldSegment | None:
    """End the open segment; on time when answered by answer_due or moved by transfer_due."""
    segment = current(ticket)
    if segment is None:
        return None
    due = segment.transfer_due if outcome == HoldOutcome.transferred else segment.answer_due
    segment.ended_at, segment.outcome, segment.on_time = now, outcome, now <= due
    return segment


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
