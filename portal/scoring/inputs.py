"""The inputs of a period's scores: one row per counted (report, agency) pair, with every field
the method uses, so anyone can recompute the ranking (``flask scores inputs PERIOD --csv``).

``agency_rankable`` is 1 when the agency may be ranked in the period (its group is ranked and
it is valid on the period's last day); whether it reaches the minimum n is for the reader.
"""
from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal import clock
from portal.models import Agency, AgencyGroup, Ticket
from portal.scoring import facts
from portal.scoring.periods import Period

IDENTITY_COLUMNS = ("period", "ticket_id", "ticket_code", "received_at", "category", "agency_id",
                    "agency_code", "agency_group", "agency_rankable")
COLUMNS = IDENTITY_COLUMNS + facts.FACT_COLUMNS


def input_rows(session: Session, period: Period,
               exclude: Collection[tuple[int, int]] = frozenset(),
               as_of: datetime | None = None) -> Iterator[dict]:
    """The counted pairs of ``period`` (see ``compute_period`` for ``exclude`` and ``as_of``),
    ordered by ticket and agency, as dicts keyed by ``COLUMNS``."""
    pairs = facts.pair_facts(period, as_of=as_of or clock.now_utc(), exclude=frozenset(exclude))
    rankable = sa.and_(Agency.group != AgencyGroup.none, Agency.valid_from <= period.end,
                       sa.or_(Agency.valid_to.is_(None), Agency.valid_to >= period.end))
    query = (sa.select(pairs.c.ticket_id, Ticket.code.label("ticket_code"), Ticket.received_at,
                       Ticket.category, pairs.c.agency_id, Agency.code.label("agency_code"),
                       Agency.group.label("agency_group"),
                       sa.case((rankable, 1), else_=0).label("agency_rankable"),
                       *[pairs.c[name] for name in facts.FACT_COLUMNS])
             .join(Ticket, Ticket.id == pairs.c.ticket_id)
             .join(Agency, Agency.id == pairs.c.agency_id)
             .order_by(pairs.c.ticket_id, pairs.c.agency_id))
    for row in session.execute(query.execution_options(yield_per=5000)).mappings():
        values = dict(row)
        for name in facts.FACT_COLUMNS:  # PostgreSQL sums integers as numeric (Decimal)
            if values[name] is not None:
                values[name] = int(values[name])
        values["period"] = period.code
        values["received_at"] = row["received_at"].isoformat()
        values["category"] = row["category"].value
        values["agency_group"] = row["agency_group"].value
        yield {name: values[name] for name in COLUMNS}
