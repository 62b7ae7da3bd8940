"""The report's history as each audience may see it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.i18n import _
from portal.models import EventKind, Ticket, TicketEvent

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
    """Public events only, without staff names or internal reasons."""
    return [TimelineItem(e.kind, e.at, True,
                         None if e.kind in _REASON_HIDDEN_FROM_REPORTER else e.body,
                         e.legal_basis, None, _agency_name(e, locale))
            for e in _events(ticket) if e.public]


def for_staff(ticket: Ticket, locale: str) -> list[TimelineItem]:
    """Every event, with who acted; the reporter is never named here."""
    return [TimelineItem(e.kind, e.at, e.public, e.body, e.legal_basis,
                         e.actor.full_name if e.actor else _("Reporter"), _agency_name(e, locale))
            for e in _events(ticket)]
