"""Retention: forget how to reach reporters of reports that ended long ago (issue 7).

Closed and rejected reports keep their content (subject, description, history) for the
statistics and the public record; only the contact details are cleared, along with the mail
written to the reporter (the outbox keeps the address and the name): sent mail loses them,
unsent mail is dropped. Flushes; the caller commits.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import OutboxMessage, Ticket
from portal.models.vocab import Status

CONTACT_FIELDS = ("business_name", "contact_name", "contact_email", "contact_phone")
ENDED = (Status.closed, Status.rejected)


def anonymise_ended_reports(*, days: int, now: datetime) -> int:
    """Clear the contact details of reports closed or rejected more than ``days`` days before
    ``now``; returns how many reports changed (0 when run again: idempotent)."""
    if days < 0:
        raise ValueError("days must not be negative")
    cutoff = now - timedelta(days=days)
    has_contact = sa.or_(*(getattr(Ticket, name).is_not(None) for name in CONTACT_FIELDS))
    tickets = db.session.scalars(
        sa.select(Ticket).where(Ticket.status.in_(ENDED), Ticket.closed_at.is_not(None),
                                Ticket.closed_at < cutoff, has_contact)
        .order_by(Ticket.id)).all()
    for ticket in tickets:
        _forget_mail(ticket)
        for name in CONTACT_FIELDS:
            setattr(ticket, name, None)
    db.session.flush()
    return len(tickets)


REMOVED = "[removed]"


def _forget_mail(ticket: Ticket) -> None:
    """The reporter's mail about this report: sent rows keep only that they were sent."""
    if not ticket.contact_email:
        return
    to_reporter = sa.and_(OutboxMessage.ticket_id == ticket.id,
                          OutboxMessage.recipient == ticket.contact_email)
    db.session.execute(sa.delete(OutboxMessage).where(to_reporter, OutboxMessage.sent_at.is_(None)))
    db.session.execute(sa.update(OutboxMessage).where(to_reporter)
                       .values(recipient=REMOVED, context={}))
