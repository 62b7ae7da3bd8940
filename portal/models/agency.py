"""Agencies and the administrative procedures they handle (directory data)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column
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
