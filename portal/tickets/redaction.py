"""What the public reads of staff texts: names, phone numbers, e-mail addresses and tax codes
redacted, or a moderator's edited copy. The original stays on the event for staff.

"Public" is everyone outside the staff: the tracking page, the public API and Open311.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from portal import audit
from portal.accounts import permissions
from portal.errors import NotFound, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.i18n import _l
from portal.models import EventKind, PublishedText, Ticket, TicketEvent, User

MASK = "[…]"
BODY_MAX = 10_000
# Events whose text a staff member wrote for the reporter and the public.
STAFF_TEXT = frozenset({EventKind.answered, EventKind.info_requested, EventKind.rejected,
                        EventKind.extended, EventKind.identity_viewed})

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Tax codes (mã số thuế): 10 digits, or 10-3 for a branch.
_TAX_CODE = re.compile(r"(?<![\w.-])\d{10}(?:-\d{3})?(?![\w])")
# Vietnamese numbers: 0 or +84/84, then 8 to 10 more digits, spaced or dotted at will.
_PHONE = re.compile(r"(?<![\w+])(?:\+?84|0)(?:[ .-]?\d){8,10}(?!\d)")


def _names_pattern(ticket: Ticket) -> re.Pattern[str] | None:
    """The report's own contact details, however they are spaced (a greeting, a signature)."""
    values = [v.strip() for v in (ticket.contact_name, ticket.business_name, ticket.contact_email)
              if v and len(v.strip()) >= 3]
    parts = [re.escape(v) for v in sorted(values, key=len, reverse=True)]
    digits = re.sub(r"\D", "", ticket.contact_phone or "")
    if len(digits) >= 6:
        parts.append(r"[\s.()-]*".join(digits))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def redact(text: str | None, ticket: Ticket) -> str | None:
    """``text`` without the report's names and any e-mail address, tax code or phone number."""
    if not text:
        return text
    pattern = _names_pattern(ticket)
    if pattern is not None:
        text = pattern.sub(MASK, text)
    for generic in (_EMAIL, _TAX_CODE, _PHONE):
        text = generic.sub(MASK, text)
    return text


def _copies(event_ids: Iterable[int]) -> dict[int, str]:
    ids = list(event_ids)
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(PublishedText.event_id, PublishedText.body)
                                   .where(PublishedText.event_id.in_(ids))).all())


def public_bodies(events: list[TicketEvent], tickets: dict[int, Ticket]) -> dict[int, str | None]:
    """Event id → the body the public may read (staff texts redacted or moderated; the
    reporter's own words as written). ``tickets`` maps ticket ids to their reports."""
    staff = [e for e in events if e.kind in STAFF_TEXT]
    copies = _copies(e.id for e in staff)
    bodies = {e.id: e.body for e in events}
    for event in staff:
        bodies[event.id] = copies.get(event.id, redact(event.body, tickets[event.ticket_id]))
    return bodies


def public_copy(event: TicketEvent) -> str | None:
    return public_bodies([event], {event.ticket_id: event.ticket})[event.id]


def moderated_events(ticket: Ticket) -> list[TicketEvent]:
    """The report's public staff texts, oldest first (what a moderator may edit)."""
    return list(db.session.scalars(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                     TicketEvent.public.is_(True),
                                     TicketEvent.kind.in_(list(STAFF_TEXT)))
        .order_by(TicketEvent.at, TicketEvent.id)))


def moderated_event(ticket: Ticket, event_id: int, *, actor: User) -> TicketEvent:
    """The ticket's public staff text that ``actor`` may moderate.

    :raises NotFound: for another report's event, an internal or reporter's one, or a user
        who may not see the report.
    :raises PermissionDenied: for a user who may see it but not moderate.
    """
    if not permissions.can_view(actor, ticket):
        raise NotFound()
    event = db.session.get(TicketEvent, event_id)
    if event is None or event.ticket_id != ticket.id or not event.public \
            or event.kind not in STAFF_TEXT:
        raise NotFound()
    if not permissions.can_moderate(actor):
        raise PermissionDenied(_l("Only a coordinator can edit what the public reads."))
    return event


def set_public_copy(ticket: Ticket, event_id: int, body: str, *, actor: User,
                    now: datetime) -> PublishedText:
    """Replace the public copy of a staff text; audited. Flushes."""
    event = moderated_event(ticket, event_id, actor=actor)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed([("body", _l("Write the text the public will read."))])
    if len(body) > BODY_MAX:
        raise ValidationFailed([("body", _l("The text must be at most %(n)d characters.",
                                            n=BODY_MAX))])
    row = db.session.get(PublishedText, event.id) or PublishedText(event_id=event.id)
    row.body, row.edited_by_id, row.edited_at = body, actor.id, now
    db.session.add(row)
    audit.record(db.session, actor=actor, action="public_text.edited", ticket=ticket, at=now,
                 subject=str(event.id), detail={"kind": event.kind.value})
    db.session.flush()
    return row
