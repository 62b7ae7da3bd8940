"""Legal-clock settings the administrator edits: calendar overrides and SLA policy per category."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, enum_column
from portal.models.vocab import Category


class CalendarOverride(Base):
    """An extra day off (working=False) or a swapped working Saturday (working=True)."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    working: Mapped[bool] = mapped_column(sa.Boolean)
    note: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlaPolicy(Base):
    """Time limits in working days for one report category (defaults: DESIGN §4)."""

    __tablename__ = "sla_policies"
    __table_args__ = (
        sa.CheckConstraint("ack_days >= 0 AND transfer_days >= 0 AND answer_days >= 1 "
                           "AND extension_days >= 0", name="positive_days"),
    )

    category: Mapped[Category] = mapped_column(enum_column(Category), primary_key=True)
    ack_days: Mapped[int] = mapped_column(sa.Integer)
    transfer_days: Mapped[int] = mapped_column(sa.Integer)
    answer_days: Mapped[int] = mapped_column(sa.Integer)
    extension_days: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
