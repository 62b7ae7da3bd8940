"""What anyone may read about a report through open interfaces (Open311), without identity.

This is the one place that decides the public shape of a report: code, category, status,
the agency holding it, dates, the locality and the reporter's description. Contact details,
business name, attachments, internal notes and the reporter's own replies are never part of it.
Harassment reports keep only their bare facts: the description, the locality and any staff text
could point at the reporter, so they are left out (DESIGN §6). Every other published text is
redacted (tickets/redaction.py): the reporter's name and business, any e-mail address, phone
number or tax code; staff texts may carry a moderator's edited copy instead.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import Category, EventKind, Status, Ticket, TicketEvent
from portal.models.agency import Agency
from portal.tickets import redaction

# Statuses an outside system should read as "closed": nothing more will happen unless reopened.
CLOSED_STATUSES = frozenset({Status.answered, Status.closed, Status.rejected})
# Public events worth an update; the reporter's own words (replies, ratings, reopen reasons)
# and agency-internal reasons (transfers) are not published.
UPDATE_KINDS = {
    EventKind.assigned: Status.assigned, EventKind.acknowledged: Status.acknowledged,
    EventKind.info_requested: Status.needs_info, EventKind.answered: Status.answered,
    EventKind.extended: Status.acknowledged, EventKind.transferred: Status.transferred,
    EventKind.closed: Status.closed, EventKind.rejected: Status.rejected,
    EventKind.reopened: Status.reopened,
}
# Events whose body is staff text meant for the public.
_STAFF_TEXT = frozenset({EventKind.answered, EventKind.rejected, EventKind.info_requested})
_NOTE_KINDS = (EventKind.answered, EventKind.rejected)


@dataclass(frozen=True)
class PublicRecord:
    code: str
    category: Category
    status: Status
    closed: bool
    status_notes: str | None
    agency: Agency | None
    description: str | None
    locality: str | None
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime | None


@dataclass(frozen=True)
class PublicUpdate:
    id: int
    code: str
    status: Status
    closed: bool
    at: datetime
    body: str | None


def _sensitive(ticket: Ticket) -> bool:
    return ticket.category == Category.harassment


def _notes(tickets: list[Ticket]) -> dict[int, str]:
    """The latest public answer or rejection reason of each report, as the public reads it."""
    notes: dict[int, str] = {}
    if not tickets:
        return notes
    events = list(db.session.scalars(
        sa.select(TicketEvent)
        .where(TicketEvent.ticket_id.in_([t.id for t in tickets]),
               TicketEvent.kind.in_(_NOTE_KINDS), TicketEvent.public.is_(True))
        .order_by(TicketEvent.at, TicketEvent.id)))
    bodies = redaction.public_bodies(events, {t.id: t for t in tickets})
    for event in events:
        if bodies[event.id]:
            notes[event.ticket_id] = bodies[event.id]
    return notes


def _record(ticket: Ticket, note: str | None) -> PublicRecord:
    sensitive = _sensitive(ticket)
    closed = ticket.status in CLOSED_STATUSES
    return PublicRecord(
        code=ticket.code, category=ticket.category, status=ticket.status, closed=closed,
        status_notes=None if sensitive else note, agency=ticket.agency,
        description=None if sensitive else redaction.redact(ticket.description, ticket),
        locality=None if sensitive else ticket.locality, requested_at=ticket.received_at,
        updated_at=(ticket.closed_at or ticket.updated_at) if closed else ticket.updated_at,
        expected_at=ticket.answer_due)


def records(*, codes: Collection[str] = (), categories: Collection[Category] = (),
            start: datetime | None = None, end: datetime | None = None,
            closed: bool | None = None, limit: int) -> list[PublicRecord]:
    """Public records, newest first. ``codes`` overrides every other filter."""
    query = sa.select(Ticket).options(selectinload(Ticket.agency))
    if codes:
        query = query.where(Ticket.code.in_([c.strip().upper() for c in codes]))
    else:
        if categories:
            query = query.where(Ticket.category.in_(list(categories)))
        if start is not None:
            query = query.where(Ticket.received_at >= start)
        if end is not None:
            query = query.where(Ticket.received_at <= end)
        if closed is not None:
            statuses = CLOSED_STATUSES if closed else set(Status) - CLOSED_STATUSES
            query = query.where(Ticket.status.in_(list(statuses)))
    tickets = list(db.session.scalars(
        query.order_by(Ticket.received_at.desc(), Ticket.id.desc()).limit(limit)))
    notes = _notes(tickets)
    return [_record(t, notes.get(t.id)) for t in tickets]


def record(code: str) -> PublicRecord | None:
    found = records(codes=[code], limit=1)
    return found[0] if found else None


def updates(*, start: datetime, end: datetime, limit: int) -> list[PublicUpdate]:
    """Public status changes in [start, end], oldest first (a client follows them in order)."""
    rows = db.session.execute(
        sa.select(TicketEvent, Ticket).join(Ticket)
        .where(TicketEvent.public.is_(True), TicketEvent.kind.in_(list(UPDATE_KINDS)),
               TicketEvent.at >= start, TicketEvent.at <= end)
        .order_by(TicketEvent.at, TicketEvent.id).limit(limit))
    rows = list(rows)
    bodies = redaction.public_bodies([e for e, _t in rows], {t.id: t for _e, t in rows})
    result = []
    for event, ticket in rows:
        status = UPDATE_KINDS[event.kind]
        body = bodies[event.id] if event.kind in _STAFF_TEXT and not _sensitive(ticket) else None
        result.append(PublicUpdate(id=event.id, code=ticket.code, status=status,
                                   closed=status in CLOSED_STATUSES, at=event.at, body=body))
    return result
