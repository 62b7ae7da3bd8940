"""Escalation of reports nearing or past their answer deadline (DESIGN §4).

Reminder to the agency's officers 2 working days before the answer is due, alert to the head
on the due day, alert to the coordinators 5 working days after. Each step is recorded on the
hold segment and as an internal event, so running the job again sends nothing twice.

A report waiting in triage (no agency yet, or sent back by one) has no hold segment: the
coordinators are alerted once it has waited the category's transfer limit in working days, and
once more each time it comes back to triage. The internal event is the marker.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.deadlines import settings
from portal.deadlines.working_days import (WorkCalendar, local_day, remaining_working_days,
                                           working_days_between)
from portal.extensions import db
from portal.models import (Category, EventKind, HoldSegment, Role, Status, Ticket, TicketEvent,
                           User)
from portal.notifications import outbox

REMIND_DAYS_BEFORE = 2
COORDINATOR_DAYS_LATE = 5
TRIAGE_STEP = "escalation_triage"
# Events that put a report (back) into triage.
_INTO_TRIAGE = (EventKind.filed, EventKind.transferred)
_TRIAGE = (Status.new, Status.transferred)


@dataclass(frozen=True)
class Step:
    name: str  # also the e-mail template
    marker: str  # the HoldSegment column that records it
    due_when_remaining: int  # fires once remaining working days <= this


STEPS = (
    Step("escalation_officer", "reminded_at", REMIND_DAYS_BEFORE),
    Step("escalation_head", "head_alerted_at", 0),
    Step("escalation_coordinator", "coordinator_alerted_at", -COORDINATOR_DAYS_LATE),
)


def _recipients(step: Step, ticket: Ticket) -> list[User]:
    if step.name == "escalation_coordinator":
        query = sa.select(User).where(User.role == Role.coordinator)
    else:
        # Harassment reports are the head's alone: officers may be the accused.
        officer_step = step.name == "escalation_officer" and ticket.category != Category.harassment
        roles = [Role.officer, Role.head] if officer_step else [Role.head]
        query = sa.select(User).where(User.agency_id == ticket.agency_id, User.role.in_(roles))
    return list(db.session.scalars(query.where(User.active.is_(True))))


def _candidates(now: datetime) -> list[HoldSegment]:
    # Nothing can be due within 2 working days if it is due more than ~2 weeks away; a
    # segment every step has fired for is done, however long it stays open.
    horizon = now + timedelta(days=14)
    pending = sa.or_(*(getattr(HoldSegment, step.marker).is_(None) for step in STEPS))
    query = (sa.select(HoldSegment).join(Ticket, Ticket.id == HoldSegment.ticket_id)
             .where(HoldSegment.ended_at.is_(None), HoldSegment.answer_due <= horizon,
                    pending, Ticket.status != Status.needs_info)
             .options(selectinload(HoldSegment.ticket)).order_by(HoldSegment.id))
    if db.session.get_bind().dialect.name == "postgresql":
        # Two runs at once (cron and the worker) never escalate the same segment twice.
        query = query.with_for_update(of=HoldSegment, skip_locked=True)
    return list(db.session.scalars(query))


def escalate(*, now: datetime, calendar: WorkCalendar) -> int:
    """Send every escalation that is due and not yet sent; returns how many steps fired."""
    fired = 0
    for segment in _candidates(now):
        remaining = remaining_working_days(now, segment.answer_due, calendar)
        for step in STEPS:
            if getattr(segment, step.marker) is None and remaining <= step.due_when_remaining:
                _fire(step, segment, now)
                fired += 1
    fired += _escalate_triage(now, calendar)
    db.session.flush()
    return fired


def _escalate_triage(now: datetime, calendar: WorkCalendar) -> int:
    entered = (sa.select(sa.func.max(TicketEvent.at))
               .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind.in_(_INTO_TRIAGE))
               .correlate(Ticket).scalar_subquery())
    alerted = (sa.select(TicketEvent.id)
               .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == EventKind.escalated,
                      TicketEvent.body == TRIAGE_STEP, TicketEvent.at >= entered)
               .correlate(Ticket))
    query = (sa.select(Ticket, entered.label("entered"))
             .where(Ticket.status.in_(_TRIAGE), ~sa.exists(alerted)).order_by(Ticket.id))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Ticket, skip_locked=True)
    coordinators = None
    fired = 0
    for ticket, since in db.session.execute(query):
        waited = working_days_between(local_day(since), local_day(now), calendar)
        if waited < settings.policy_for(ticket.category).transfer_days:
            continue
        if coordinators is None:
            coordinators = list(db.session.scalars(
                sa.select(User).where(User.role == Role.coordinator, User.active.is_(True))))
        outbox.notify_staff(coordinators, TRIAGE_STEP, ticket, now=now, extra={"days": waited})
        db.session.add(TicketEvent(ticket_id=ticket.id, kind=EventKind.escalated, at=now,
                                   public=False, body=TRIAGE_STEP))
        fired += 1
    return fired


def _fire(step: Step, segment: HoldSegment, now: datetime) -> None:
    ticket = segment.ticket
    setattr(segment, step.marker, now)
    recipients = _recipients(step, ticket)
    outbox.notify_staff(recipients, step.name, ticket, now=now)
    db.session.add(TicketEvent(ticket_id=ticket.id, kind=EventKind.escalated, at=now, public=False,
                               agency_id=segment.agency_id, body=step.name))
