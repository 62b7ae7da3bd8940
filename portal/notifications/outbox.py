"""Queue mail in the outbox, in the caller's transaction, so nothing is lost or sent early."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from portal.extensions import db
from portal.models import OutboxMessage, Ticket, User

# Public changes the reporter hears about (issue 3): received, answered, extension, closed.
REPORTER_TEMPLATES = frozenset({"received", "answered", "extended", "closed"})
QUEUED = "outbox_queued"


def take_queued_flag() -> bool:
    """Did this session queue mail since the last call? Resets the flag."""
    return bool(db.session.info.pop(QUEUED, False))


def queue(recipient: str, template: str, language: str, context: Mapping[str, Any], *,
          now: datetime, ticket: Ticket | None = None) -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, template=template, language=language,
                            context=dict(context), ticket_id=ticket.id if ticket else None,
                            created_at=now, attempts=0)
    db.session.add(message)
    db.session.info[QUEUED] = True  # tells the entry point there is mail to send after commit
    return message


def notify_reporter(ticket: Ticket, template: str, *, now: datetime,
                    extra: Mapping[str, Any] | None = None) -> OutboxMessage | None:
    """Mail the reporter about a public change; anonymous reporters and those without an
    e-mail address get nothing."""
    if template not in REPORTER_TEMPLATES:
        raise ValueError(f"not a reporter template: {template}")
    if ticket.anonymous or not ticket.contact_email:
        return None
    context = {"code": ticket.code, "subject": ticket.subject, "name": ticket.contact_name or "",
               "answer_due": ticket.answer_due.isoformat(), **(extra or {})}
    return queue(ticket.contact_email, template, ticket.language, context, now=now, ticket=ticket)


def notify_staff(users: list[User], template: str, ticket: Ticket, *, now: datetime,
                 extra: Mapping[str, Any] | None = None) -> int:
    """Mail staff (escalations); only the code and subject, never the reporter's identity."""
    sent = 0
    for user in users:
        if user.email and user.active:
            queue(user.email, template, "vi", {"code": ticket.code, "subject": ticket.subject,
                                               "answer_due": ticket.answer_due.isoformat(),
                                               **(extra or {})}, now=now, ticket=ticket)
            sent += 1
    return sent
