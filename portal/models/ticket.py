"""A report (ticket) and its attachments. The history lives in events."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.agency import Agency, Procedure
from portal.models.base import Base, UTCDateTime, enum_column
from portal.models.vocab import OPEN_STATUSES, Category, Channel, Status

SUBJECT_MAX = 200
# The triage queue (tickets/queries.py): reports with no agency yet, or sent back by one.
TRIAGE_WHERE = "status IN ('new', 'transferred')"
DESCRIPTION_MAX = 10_000


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    receipt_hash: Mapped[str] = mapped_column(sa.String(64))
    category: Mapped[Category] = mapped_column(enum_column(Category), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    status: Mapped[Status] = mapped_column(enum_column(Status), index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    procedure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("procedures.id"))
    dossier_number: Mapped[str | None] = mapped_column(sa.String(60))
    subject: Mapped[str] = mapped_column(sa.String(SUBJECT_MAX))
    description: Mapped[str] = mapped_column(sa.Text)
    locality: Mapped[str | None] = mapped_column(sa.String(120))
    anonymous: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    business_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(30))
    # For harassment reports: may the accused agency see who filed it?
    identity_consent: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    language: Mapped[str] = mapped_column(sa.String(5), default="vi")
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ack_due: Mapped[datetime] = mapped_column(UTCDateTime)
    answer_due: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # While needs_info: when the answer clock stopped (it restarts on the reporter's reply).
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Urgent or angry wording (routing.priority): shown first in the inbox.
    priority: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # The one extension a report may have.
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    agency: Mapped[Agency | None] = relationship()
    procedure: Mapped[Procedure | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="ticket", order_by="Attachment.id")

    # UPDATE ... WHERE version = :old guards against lost updates between officers.
    __mapper_args__ = {"version_id_col": version}
    # The list orders (tickets/queries.py): each page is a range of one of these indexes.
    __table_args__ = (
        sa.Index("ix_tickets_agency_order", "agency_id", "priority", "answer_due", "id"),
        sa.Index("ix_tickets_order", "priority", "answer_due", "id"),
        sa.Index("ix_tickets_triage_order", "priority", "answer_due", "id",
                 postgresql_where=sa.text(TRIAGE_WHERE), sqlite_where=sa.text(TRIAGE_WHERE)),
        sa.Index("ix_tickets_agency_newest", "agency_id", "id"),  # the JSON API's order
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.status != Status.needs_info and now > self.answer_due


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    # The file everyone downloads; for images, a re-encoded copy without metadata (EXIF, GPS).
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Images only: the file as uploaded, metadata and all, for the inspectorate.
    original_stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")


class TrackingCounter(Base):
    """One row per year; incremented atomically to number tracking codes."""

    __tablename__ = "tracking_counters"

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(sa.Integer, nullable=False)
