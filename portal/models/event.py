"""The immutable history of a report: one row per action, never updated or deleted."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.agency import Agency
from portal.models.base import Base, UTCDateTime, enum_column
from portal.models.ticket import Ticket
from portal.models.user import User


class EventKind(StrEnum):
    filed = "filed"
    assigned = "assigned"
    acknowledged = "acknowledged"
    info_requested = "info_requested"
    reporter_replied = "reporter_replied"
    answered = "answered"
    note = "note"
    transferred = "transferred"
    closed = "closed"
    rejected = "rejected"
    rated = "rated"
    reopened = "reopened"
    extended = "extended"
    escalated = "escalated"
    moved = "moved"  # the holding agency was dissolved; its successor took the report over
    # The inspector opened a harassment reporter's identity, with a reason the reporter sees.
    identity_viewed = "identity_viewed"


class TicketEvent(Base):
    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # None when the reporter or the system acted.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The agency holding the report when the event happened.
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    # For an assignment: the agency it went to.
    to_agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    # Public events are shown to the reporter; notes are internal.
    public: Mapped[bool] = mapped_column(sa.Boolean)
    body: Mapped[str | None] = mapped_column(sa.Text)
    legal_basis: Mapped[str | None] = mapped_column(sa.String(500))

    ticket: Mapped[Ticket] = relationship()
    actor: Mapped[User | None] = relationship()
    agency: Mapped[Agency | None] = relationship(foreign_keys=[agency_id])
    to_agency: Mapped[Agency | None] = relationship(foreign_keys=[to_agency_id])


class ImmutableEventError(RuntimeError):
    pass


@sa_event.listens_for(TicketEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise ImmutableEventError("ticket events are immutable")


@sa_event.listens_for(TicketEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise ImmutableEventError("ticket events are immutable")
