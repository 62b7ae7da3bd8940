"""Directory look-ups shared by web, API and CLI."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Agency, AgencyGroup, AgencySuccession, Procedure, Sector
from portal.models.vocab import GROUP_LABELS


def valid_on(day: date):
    """Agencies in force on ``day``."""
    return sa.and_(Agency.valid_from <= day,
                   sa.or_(Agency.valid_to.is_(None), Agency.valid_to >= day))


def agencies(*, on: date | None = None, group: AgencyGroup | None = None) -> list[Agency]:
    """Every agency, or only those valid on ``on`` (and of ``group``)."""
    query = sa.select(Agency).order_by(Agency.group, Agency.name_vi)
    if on is not None:
        query = query.where(valid_on(on))
    if group is not None:
        query = query.where(Agency.group == group)
    return list(db.session.scalars(query))


def procedures() -> list[Procedure]:
    return list(db.session.scalars(sa.select(Procedure).order_by(Procedure.name_vi)))


def agency_choices(locale: str, *, on: date | None = None) -> list[tuple[int, str, str]]:
    """(id, name, group label) for each agency (valid on ``on`` if given), grouped for a select."""
    # Columns, not entities: every form page lists the directory.
    name = Agency.name_en if locale == "en" else Agency.name_vi
    query = sa.select(Agency.id, name, Agency.group).order_by(Agency.group, Agency.name_vi)
    if on is not None:
        query = query.where(valid_on(on))
    return [(id_, label, str(GROUP_LABELS[group])) for id_, label, group in db.session.execute(query)]


def procedure_choices(locale: str) -> list[tuple[int, str]]:
    name = Procedure.name_en if locale == "en" else Procedure.name_vi
    return [tuple(row) for row in db.session.execute(
        sa.select(Procedure.id, name).order_by(Procedure.name_vi))]


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.upper()))


def successions_from(agency: Agency) -> list[AgencySuccession]:
    return list(db.session.scalars(
        sa.select(AgencySuccession).where(AgencySuccession.predecessor_id == agency.id)
        .order_by(AgencySuccession.on_date, AgencySuccession.successor_id)))


def successions_to(agency: Agency) -> list[AgencySuccession]:
    return list(db.session.scalars(
        sa.select(AgencySuccession).where(AgencySuccession.successor_id == agency.id)
        .order_by(AgencySuccession.on_date, AgencySuccession.predecessor_id)))


def successors(agency: Agency) -> list[Agency]:
    """The agencies that directly took over this one's work (several for a district)."""
    return [s.successor for s in successions_from(agency)]


def predecessors(agency: Agency) -> list[Agency]:
    """The agencies whose work this one directly took over (several for a merged department)."""
    return [s.predecessor for s in successions_to(agency)]


def successors_of_sector(sector: Sector, *, on: date) -> list[Agency]:
    """The agencies valid on ``on`` that succeeded the sector's former agencies (planning and
    investment → finance), for a sector no agency valid then carries."""
    return current_successors_of(list(db.session.scalars(
        sa.select(Agency).where(Agency.sector == sector, Agency.valid_from <= on))), on)


def current_successors(agency: Agency, day: date) -> list[Agency]:
    """Following successions from ``agency``, the agencies valid on ``day``: itself if still valid."""
    return current_successors_of([agency], day)


def current_successors_of(agencies: list[Agency], day: date) -> list[Agency]:
    """Following successions from each of ``agencies``, the agencies valid on ``day`` (those
    still valid themselves): one query per generation of successors, whatever their number."""
    found: dict[int, Agency] = {}
    seen, frontier = {a.id for a in agencies}, agencies
    while frontier:
        ended = [item.id for item in frontier if not item.is_valid_on(day)]
        found.update((item.id, item) for item in frontier if item.is_valid_on(day))
        frontier = [] if not ended else list({a.id: a for a in db.session.scalars(
            sa.select(Agency).join(AgencySuccession, AgencySuccession.successor_id == Agency.id)
            .where(AgencySuccession.predecessor_id.in_(ended))) if a.id not in seen}.values())
        seen.update(a.id for a in frontier)
    return sorted(found.values(), key=lambda a: a.code)
