"""The administrator's scoring settings: component weights and the minimum counted reports."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime


class ScoringSetting(Base):
    """One row per setting: ``weight.<component>`` or ``min_n``; missing rows mean the default."""

    __tablename__ = "scoring_settings"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[float] = mapped_column(sa.Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
