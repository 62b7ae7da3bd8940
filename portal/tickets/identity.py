"""Opening a harassment reporter's hidden identity: the inspector alone, with a reason, and
never silently: each reveal is a public event on the report (the reporter sees it on /track)
and, through the event, an entry in the staff audit log."""
from __future__ import annotations

from datetime import datetime

from portal.accounts import permissions
from portal.errors import NotFound, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.i18n import _l
from portal.models import EventKind, Ticket, User
from portal.tickets import events

REASON_MAX = 500


def reveal(ticket: Ticket, reason: str, *, actor: User, now: datetime) -> None:
    """Record that ``actor`` views the reporter's identity, and why. Flushes.

    :raises NotFound: when the actor may not see the report.
    :raises PermissionDenied: when the actor may see it but not reveal who filed it.
    :raises ValidationFailed: without a reason, or with one over 500 characters.
    """
    if not permissions.can_view(actor, ticket):
        raise NotFound()
    if not permissions.can_reveal_identity(actor, ticket):
        raise PermissionDenied(_l("Only the inspectorate can reveal a reporter's identity."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([("reason", _l("Give the reason; the reporter will see it."))])
    if len(reason) > REASON_MAX:
        raise ValidationFailed([("reason", _l("The reason must be at most %(n)d characters.",
                                              n=REASON_MAX))])
    events.record(ticket, EventKind.identity_viewed, now, actor, public=True, body=reason)
    db.session.flush()
