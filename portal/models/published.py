"""A moderator's public copy of a staff text (answer, question, rejection reason).

The history event keeps the original for staff, untouched; the public sees this copy when
there is one, otherwise the automatically redacted text (tickets/redaction.py).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime
from portal.models.event import TicketEvent
from portal.models.user import User


class PublishedText(Base):
    __tablename__ = "published_texts"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket_events.id"), primary_key=True,
                                          autoincrement=False)
    body: Mapped[str] = mapped_column(sa.Text)
    edited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[TicketEvent] = relationship()
    edited_by: Mapped[User] = relationship()
