"""The directory lists a filing form offers (agencies valid on a day, procedures, communes),
built once per process for each database, locale, local day and directory revision.

Every form page used to list the directory (three queries, 250 rows) and every worker would
otherwise hold its own copy forever. The revision (revision.py) changes with every write to
the directory from any worker, so a cached list is never older than the last change committed
before the request read the revision.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from portal.directory import addresses, lookup, revision
from portal.extensions import db

@dataclass(frozen=True, eq=False)  # hashed by identity: the web layer caches per instance
class FormLists:
    agencies: tuple[tuple[int, str, str], ...]   # (id, name, group label)
    procedures: tuple[tuple[int, str], ...]      # (id, name)
    communes: tuple[tuple[int, str, str], ...]   # (committee id, commune, province)


def form_lists(locale: str, day: date) -> FormLists:
    """The lists for ``locale`` (the active one: group labels are translated) on ``day``."""
    return _built(db.engine, locale, day, revision.current())  # the revision first (revision.py)


@lru_cache(maxsize=8)  # a few (locale, day) pairs at a time; older revisions simply fall out
def _built(_engine, locale: str, day: date, _revision: str | None) -> FormLists:
    return FormLists(tuple(lookup.agency_choices(locale, on=day)),
                     tuple(lookup.procedure_choices(locale)),
                     tuple(addresses.commune_choices(day)))

