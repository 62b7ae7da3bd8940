"""Agencies and the administrative procedures they handle (directory data)."""
from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal import clock
from portal.models.base import Base, UTCDateTime, enum_column
from portal.models.vocab import AgencyGroup, Sector


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    sector: Mapped[Sector] = mapped_column(enum_column(Sector, 40))
    group: Mapped[AgencyGroup] = mapped_column(enum_column(AgencyGroup))
    hotline: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    locality: Mapped[str | None] = mapped_column(sa.String(120))
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    source: Mapped[str | None] = mapped_column(sa.String(500))

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class AgencySuccession(Base):
    """From ``on_date`` the successor carries on (part of) the predecessor's work. An agency may
    have several successors (a district's communes) and several predecessors (merged departments)."""
    __tablename__ = "agency_successions"
    __table_args__ = (sa.UniqueConstraint("predecessor_id", "successor_id",
                                          name="uq_agency_successions_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    successor_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    on_date: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.String(500))

    predecessor: Mapped[Agency] = relationship(foreign_keys=[predecessor_id])
    successor: Mapped[Agency] = relationship(foreign_keys=[successor_id])


class Procedure(Base):
    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    # The plan's target: a number and its unit (working_days, days or hours).
    target_value: Mapped[int | None] = mapped_column(sa.Integer)
    target_unit: Mapped[str | None] = mapped_column(sa.String(20))
    source: Mapped[str | None] = mapped_column(sa.String(500))

    agency: Mapped[Agency] = relationship()

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


class DirectoryChange(Base):
    """One row per flush or statement that changed agencies, successions or procedures. The
    newest row's random token is the directory's revision: each worker keys its cached lists
    on it (portal/directory/form_lists.py), so a change made through any worker is seen by all."""
    __tablename__ = "directory_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @classmethod
    def new(cls) -> DirectoryChange:
        return cls(token=secrets.token_hex(16), changed_at=clock.now_utc())


_DIRECTORY = (Agency, AgencySuccession, Procedure)


@sa.event.listens_for(Session, "before_flush")
def _note_directory_flush(session: Session, _context, _instances) -> None:
    if (any(isinstance(row, _DIRECTORY) for row in session.new)
            or any(isinstance(row, _DIRECTORY) for row in session.deleted)
            or any(isinstance(row, _DIRECTORY) and session.is_modified(row)
                   for row in session.dirty)):
        session.add(DirectoryChange.new())


@sa.event.listens_for(Session, "do_orm_execute")
def _note_directory_statement(state) -> None:
    """Bulk statements (the loader's executemany inserts) change the directory too."""
    if (state.is_insert or state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in _DIRECTORY:
        state.session.add(DirectoryChange.new())
