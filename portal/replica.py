"""Read-only public pages may read from a streaming replica (docs/deployment.md).

With ``PORTAL_READ_REPLICA_URL`` set, the queries of a view marked ``@read_only`` (published
scores, the directory, Open311 and API reads of public records) run on the replica. Writes
never do: flushes and INSERT/UPDATE/DELETE statements always go to the primary, as does every
query of an unmarked view (filing, tracking and staff pages must read their own writes).
Without the setting everything uses the primary.
"""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import g, has_app_context
from flask_sqlalchemy.session import Session

BIND_KEY = "replica"


class RoutingSession(Session):
    """``db.session``: the replica's engine for reads in a read-only view, else the default."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (bind is None and not self._flushing and not isinstance(clause, sa.sql.dml.UpdateBase)
                and has_app_context() and g.get("read_replica")):
            engine = self._db.engines.get(BIND_KEY)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def read_only(view):
    """Mark a view whose queries may read a replica a few seconds behind the primary."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.read_replica = True
        return view(*args, **kwargs)
    return wrapper
