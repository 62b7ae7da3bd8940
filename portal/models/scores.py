"""Scores under review (drafts and agencies' flags) and published rankings (immutable snapshots)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.agency import Agency
from portal.models.base import Base, UTCDateTime, enum_column
from portal.models.ticket import Ticket
from portal.models.user import User


class FlagKind(StrEnum):
    misrouted = "misrouted"
    duplicate = "duplicate"


class FlagDecision(StrEnum):
    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


class ScoreDraft(Base):
    """An analyst's computation of a period, shown to each agency until the review window ends."""

    __tablename__ = "score_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(10), index=True)
    method_version: Mapped[str] = mapped_column(sa.String(20))
    weights: Mapped[dict[str, float]] = mapped_column(sa.JSON)
    min_n: Mapped[int] = mapped_column(sa.Integer)
    # PeriodScores.to_dict() and the counted (ticket_id, agency_id) pairs.
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    input_pairs: Mapped[list[list[int]]] = mapped_column(sa.JSON)
    # Last local day on which agencies may flag reports (inclusive).
    review_ends: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship()
    flags: Mapped[list[ReviewFlag]] = relationship(back_populates="draft",
                                                   order_by="ReviewFlag.id")


class ReviewFlag(Base):
    """An agency's claim that a report counted against it is misrouted or a duplicate."""

    __tablename__ = "review_flags"
    __table_args__ = (sa.UniqueConstraint("draft_id", "ticket_id", "agency_id",
                                          name="uq_review_flags_draft_ticket_agency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("score_drafts.id"), index=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    kind: Mapped[FlagKind] = mapped_column(enum_column(FlagKind))
    reason: Mapped[str] = mapped_column(sa.Text)
    flagged_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decision: Mapped[FlagDecision] = mapped_column(enum_column(FlagDecision))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)

    draft: Mapped[ScoreDraft] = relationship(back_populates="flags")
    ticket: Mapped[Ticket] = relationship()
    agency: Mapped[Agency] = relationship()
    flagged_by: Mapped[User] = relationship(foreign_keys=[flagged_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class PublishedRanking(Base):
    """What the public sees: a period's figures frozen with everything needed to recompute them."""

    __tablename__ = "published_rankings"
    __table_args__ = (sa.UniqueConstraint("period", "version",
                                          name="uq_published_rankings_period_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(10), index=True)
    # A correction of a period is a new version; earlier versions stay readable.
    version: Mapped[int] = mapped_column(sa.Integer)
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    method_version: Mapped[str] = mapped_column(sa.String(20))
    weights: Mapped[dict[str, float]] = mapped_column(sa.JSON)
    min_n: Mapped[int] = mapped_column(sa.Integer)
    figures: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    input_pairs: Mapped[list[list[int]]] = mapped_column(sa.JSON)
    # The method fields of every counted pair (inputs.input_rows), ids only: no reporter data.
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    excluded_pairs: Mapped[list[list[int]]] = mapped_column(sa.JSON)
    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("score_drafts.id"), unique=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    published_by: Mapped[User] = relationship()


class ImmutableSnapshotError(RuntimeError):
    pass


@sa_event.listens_for(PublishedRanking, "before_update")
def _refuse_update(mapper, connection, target):
    raise ImmutableSnapshotError("published rankings are immutable")


@sa_event.listens_for(PublishedRanking, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise ImmutableSnapshotError("published rankings are immutable")
