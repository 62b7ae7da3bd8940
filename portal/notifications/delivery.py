"""Send what waits in the outbox. Safe to run from several workers at once on PostgreSQL."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.models import OutboxMessage
from portal.notifications.mail import Mail, Transport

log = logging.getLogger("portal.mail")
MAX_ATTEMPTS = 5


def deliver_pending(transport: Transport, render: Callable[[OutboxMessage], Mail], *,
                    now: datetime, limit: int = 200) -> int:
    """Render and send up to ``limit`` waiting messages; returns how many were sent. Flushes.

    A failed message keeps its error and is retried on the next run, up to MAX_ATTEMPTS.
    """
    query = (sa.select(OutboxMessage)
             .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
             .order_by(OutboxMessage.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    sent = 0
    for message in db.session.scalars(query).all():
        try:
            transport.send(render(message))
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried later
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            log.warning("mail %s to %s failed: %s", message.id, message.recipient, exc)
        else:
            message.attempts += 1
            message.sent_at = now
            sent += 1
    db.session.flush()
    return sent
