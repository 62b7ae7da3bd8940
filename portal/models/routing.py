"""What the router suggested for a report, and the coordinators' corrections it learns from."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime


class RoutingSuggestion(Base):
    __tablename__ = "routing_suggestions"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    sector: Mapped[str] = mapped_column(sa.String(40))
    category: Mapped[str] = mapped_column(sa.String(20))
    confidence: Mapped[float] = mapped_column(sa.Float)
    # Top three: [{"sector", "probability", "agencies": [code, ...]}, ...]
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    auto_assigned: Mapped[bool] = mapped_column(sa.Boolean)
    model_version: Mapped[str] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RoutingCorrection(Base):
    """A coordinator sent a routed report to another sector than the router suggested."""

    __tablename__ = "routing_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    sector: Mapped[str] = mapped_column(sa.String(40))
    category: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
