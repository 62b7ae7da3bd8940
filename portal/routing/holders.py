"""Which agencies hold each sector on a day, for the router: built once per process for each
database, local day and directory revision (portal/directory/revision.py), instead of three to
five directory queries on every filing (issue 8).

A sector no agency valid that day carries (planning and investment after 2025) is held by its
former agencies' successors valid that day (the merged department).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from portal.directory import lookup, revision
from portal.extensions import db
from portal.models import Sector

class Holder(NamedTuple):
    id: int
    code: str
    locality: str | None


def by_sector(day: date) -> dict[str, tuple[Holder, ...]]:
    """Sector value → its holders on ``day``, by code (local committees: every one). The
    caller must not change what it gets: it is shared."""
    return _built(db.engine, day, revision.current())  # the revision first (revision.py)


@lru_cache(maxsize=4)
def _built(_engine, day: date, _revision: str | None) -> dict[str, tuple[Holder, ...]]:
    valid = defaultdict(list)
    for agency in lookup.agencies(on=day):
        valid[agency.sector].append(agency)
    found = {}
    for sector in Sector:
        agencies = sorted(valid[sector], key=lambda a: a.code)
        if not agencies and sector != Sector.local_government:
            agencies = lookup.successors_of_sector(sector, on=day)
        found[sector.value] = tuple(Holder(a.id, a.code, a.locality) for a in agencies)
    return found
