"""Appending to a report's history: the one way intake and the workflow record an event."""
from __future__ import annotations

from datetime import datetime

from portal import audit
from portal.extensions import db
from portal.models import Agency, EventKind, Ticket, TicketEvent, User


def record(ticket: Ticket, kind: EventKind, now: datetime, actor: User | None, *, public: bool,
           body: str | None = None, legal_basis: str | None = None,
           to_agency: Agency | None = None) -> TicketEvent:
    """Add one immutable event, charged to the agency holding the report now."""
    event = TicketEvent(ticket=ticket, kind=kind, at=now, actor=actor, public=public,
                        agency_id=ticket.agency_id, to_agency=to_agency, body=body or None,
                        legal_basis=legal_basis or None)
    db.session.add(event)
    if actor is not None:  # a staff member acted: the audit log keeps it (the reporter is no one)
        audit.record(db.session, actor=actor, action=f"ticket.{kind.value}", ticket=ticket, at=now,
                     detail={"to_agency": to_agency.code} if to_agency is not None else None)
    if ticket.updated_at != now:
        ticket.updated_at = now
    return event
