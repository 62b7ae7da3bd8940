"""Hold segments: each period an agency held a report, so lateness is charged to the holder."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.agency import Agency
from portal.models.base import Base, UTCDateTime, enum_column
from portal.models.ticket import Ticket


class HoldOutcome(StrEnum):
    answered = "answered"
    transferred = "transferred"
    moved = "moved"  # reassigned by an administrator (e.g. to a successor agency)


# What the scores read of a repeated hold besides report_received_at (portal/scoring/facts).
REPEAT_HOLD_COLUMNS = (
    "ticket_id", "agency_id", "report_rejected", "started_at", "ended_at", "counted_from",
    "outcome", "harassment", "acknowledged_at", "ack_due", "answer_due", "paused", "on_time",
    "cites_legal_basis", "answer_working_days", "rating", "reopened_at")


class HoldSegment(Base):
    __tablename__ = "hold_segments"
    __table_args__ = (
        sa.Index("ix_hold_segments_agency_id_started_at", "agency_id", "started_at"),
        # The scores regroup the few holds of pairs held more than once (portal/scoring/facts):
        # this index reads them without visiting the rest of the table. On PostgreSQL it
        # covers every column that query reads (an index-only scan: repeated holds are spread
        # over the whole table). Its condition is written as each database's query states it,
        # so that the planner can use it.
        sa.Index("ix_hold_segments_repeat_received_at", "report_received_at",
                 postgresql_include=list(REPEAT_HOLD_COLUMNS),
                 postgresql_where=sa.text("repeat_hold"), sqlite_where=sa.text("repeat_hold = 1")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_due: Mapped[datetime] = mapped_column(UTCDateTime)
    transfer_due: Mapped[datetime] = mapped_column(UTCDateTime)
    # Moves later while the clock is paused (needs_info) or after an extension.
    answer_due: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[HoldOutcome | None] = mapped_column(enum_column(HoldOutcome))
    on_time: Mapped[bool | None] = mapped_column(sa.Boolean)
    # Escalations already sent for this segment (running the job twice sends nothing twice).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    head_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    coordinator_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Facts the scores aggregate in SQL (portal/scoring), kept here so a period over a million
    # reports is one pass without the working-day calendar or the event history.
    # Local midnight (as UTC) of the first working day after the start: a hold that lasts
    # until then has lasted one working day, so the report counts for the agency.
    counted_from: Mapped[datetime] = mapped_column(UTCDateTime)
    # For an answer: the working days from the start of this hold to the answer.
    answer_working_days: Mapped[int | None] = mapped_column(sa.Integer)
    cites_legal_basis: Mapped[bool | None] = mapped_column(sa.Boolean)
    # The reporter's rating (1-5) of the answer that ended this hold, and when the reporter
    # reopened the report after that answer.
    rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The report's own facts the scores need, so they read this table alone: when it was
    # received (which period), whether it is a harassment report, whether the coordinator
    # rejected it, and whether it waits on the reporter (needs_info) during this open hold.
    report_received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    harassment: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    report_rejected: Mapped[bool] = mapped_column(sa.Boolean, default=False,
                                                  server_default=sa.false())
    paused: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # The agency holds this report in more than one segment (reopened, or sent back to it).
    repeat_hold: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())

    ticket: Mapped[Ticket] = relationship()
    agency: Mapped[Agency] = relationship()

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
