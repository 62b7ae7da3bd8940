"""The staff audit log: who did what, when, on which report. Rows are never changed or removed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime
from portal.models.ticket import Ticket
from portal.models.user import User


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # None for the system and for command-line operators, and for failed logins of unknown names.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Dotted verb, e.g. "ticket.answered", "login.failed", "calendar.added".
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    ticket_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    # What the action was about when it is not a report: a username, a day, a token prefix.
    subject: Mapped[str | None] = mapped_column(sa.String(200))
    detail: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor: Mapped[User | None] = relationship()
    ticket: Mapped[Ticket | None] = relationship()


class ImmutableAuditError(RuntimeError):
    pass


@sa_event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise ImmutableAuditError("audit entries are immutable")


@sa_event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise ImmutableAuditError("audit entries are immutable")
