"""Directory look-ups shared by web, API and CLI."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Agency, Procedure
from portal.models.vocab import GROUP_LABELS


def agencies() -> list[Agency]:
    return list(db.session.scalars(sa.select(Agency).order_by(Agency.group, Agency.name_vi)))


def procedures() -> list[Procedure]:
    return list(db.session.scalars(sa.select(Procedure).order_by(Procedure.name_vi)))


def agency_choices(locale: str) -> list[tuple[int, str, str]]:
    """(id, name, group label) for each agency, grouped for a select list."""
    return [(a.id, a.name(locale), str(GROUP_LABELS[a.group])) for a in agencies()]


def procedure_choices(locale: str) -> list[tuple[int, str]]:
    return [(p.id, p.name(locale)) for p in procedures()]


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.upper()))
