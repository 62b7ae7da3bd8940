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
    # Columns, not entities: every form page lists the whole directory.
    name = Agency.name_en if locale == "en" else Agency.name_vi
    rows = db.session.execute(sa.select(Agency.id, name, Agency.group)
                              .order_by(Agency.group, Agency.name_vi))
    return [(id_, label, str(GROUP_LABELS[group])) for id_, label, group in rows]


def procedure_choices(locale: str) -> list[tuple[int, str]]:
    name = Procedure.name_en if locale == "en" else Procedure.name_vi
    return [tuple(row) for row in db.session.execute(
        sa.select(Procedure.id, name).order_by(Procedure.name_vi))]


def agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.upper()))
