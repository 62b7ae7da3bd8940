"""When demo data may be written: never into a database that real people use."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Agency, Ticket, User


def refusal(config: Mapping[str, Any]) -> str | None:
    """The reason to refuse, or None. Demo mode allows it; otherwise only a scratch database
    (no reports, no accounts other than demo ones) may take demo data, e.g. for benchmarks."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Agency)) == 0:
        return "the directory is empty: run `flask portal seed` first"
    if config["DEMO_MODE"]:
        return None
    if db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)):
        return ("this database already holds reports and demo mode is off: demo data would mix "
                "with real reports. Use a scratch database, or set PORTAL_DEMO_MODE=true if this "
                "is a demo installation.")
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)
                         .where(User.is_demo.is_(False))):
        return ("this database has real (non-demo) accounts and demo mode is off: it looks like "
                "production. Use a scratch database, or set PORTAL_DEMO_MODE=true.")
    return None


def report_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))
