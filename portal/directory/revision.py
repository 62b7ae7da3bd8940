"""The directory's revision: the token of the newest ``DirectoryChange`` (models/agency.py).

Caches of directory data in a process (form_lists.py, routing/holders.py) key on it, so a
change written through any worker or command is seen by every worker's next request. Read it
before reading the data it keys: a change committed in between is then cached under the older
token, which later requests no longer ask for; never the reverse.
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import DirectoryChange


def current() -> str | None:
    """The newest change's token (None before any change)."""
    return db.session.scalar(sa.select(DirectoryChange.token)
                             .order_by(DirectoryChange.id.desc()).limit(1))
