"""The report's history as each audience may see it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.i18n import _, _l
from portal.models import EventKind, Ticket, TicketEvent
from portal.tickets import redaction

ESCALATION_LABELS = {
    "escalation_officer": _l("Reminder sent to the agency: the answer is due in 2 working days."),
    "escalation_head": _l("Alert sent to the agency head: the answer is due today."),
    "escalation_coordinator": _l("Alert sent to the coordinator: 5 working days late."),
}

# The reporter sees that a report was re-routed, not the agency's internal reason.
_REASON_HIDDEN_FROM_REPORTER = {EventKind.transferred}


@dataclass(frozen=True)
class TimelineItem:
    kind: EventKind
    at: datetime
    public: bool
    body: str | None
    legal_basis: str | None
    actor_name: str | None
    agency_name: str | None


def _events(ticket: Ticket) -> list[TicketEvent]:
    return list(db.session.scalars(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
        .options(selectinload(TicketEvent.actor), selectinload(TicketEvent.agency),
                 selectinload(TicketEvent.to_agency))
        .order_by(TicketEvent.at, TicketEvent.id)))


def _agency_name(event: TicketEvent, locale: str) -> str | None:
    agency = event.to_agency or event.agency
    return agency.name(locale) if agency is not None else None


def for_reporter(ticket: Ticket, locale: str) -> list[TimelineItem]:
    """Public events only, without staff names or internal reasons; staff texts as the public
    reads them (redacted, or the moderator's copy: tickets/redaction.py)."""
    public = [e for e in _events(ticket) if e.public]
    bodies = redaction.public_bodies(public, {ticket.id: ticket})
    return [TimelineItem(e.kind, e.at, True,
                         None if e.kind in _REASON_HIDDEN_FROM_REPORTER else bodies[e.id],
                         e.legal_basis, None, _agency_name(e, locale))
            for e in public]


def _staff_body(event: TicketEvent) -> str | None:
    if event.kind == EventKind.escalated and event.body in ESCALATION_LABELS:
        return str(ESCALATION_LABELS[event.body])
    return event.body


def _actor_name(event: TicketEvent) -> str:
    if event.actor is not None:
        return event.actor.full_name
    return _("System") if event.kind == EventKind.escalated else _("Reporter")


def for_staff(ticket: Ticket, locale: str, *, with_reveals: bool) -> list[TimelineItem]:
    """Every event, with who acted; the reporter is never named here. Without
    ``with_reveals`` the inspectorate's identity reveals are left out (for agency staff)."""
    return [TimelineItem(e.kind, e.at, e.public, _staff_body(e), e.legal_basis,
                         _actor_name(e), _agency_name(e, locale))
            for e in _events(ticket) if with_reveals or e.kind != EventKind.identity_viewed]
