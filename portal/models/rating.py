"""The reporter's rating of an answer (SIPAS-style satisfaction)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime
from portal.models.ticket import Ticket


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    # One rating per answer: the answer event it judges.
    answer_event_id: Mapped[int] = mapped_column(sa.ForeignKey("ticket_events.id"), unique=True)
    score: Mapped[int] = mapped_column(sa.Integer)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship()
