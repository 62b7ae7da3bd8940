"""Demo accounts (password "demo"), loaded only in demo mode."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.accounts.users import ensure_user, hash_password
from portal.extensions import db
from portal.models import Agency, Role, User

DEMO_PASSWORD = "demo"
GLOBAL_ROLES = (Role.admin, Role.coordinator, Role.clerk, Role.inspector, Role.analyst)


def load_demo_accounts(*, now: datetime) -> int:
    """Create the demo accounts that are missing; returns how many were created. Flushes."""
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    # One hash shared by every demo account: seeding stays fast and the password is public anyway.
    shared_hash = hash_password(DEMO_PASSWORD)
    for role in GLOBAL_ROLES:
        ensure_user(role.value, role=role, full_name=f"Demo {role.value}",
                    password_hash=shared_hash, now=now, is_demo=True)
    for agency in db.session.scalars(sa.select(Agency).order_by(Agency.code)):
        for role in (Role.officer, Role.head):
            ensure_user(f"{role.value}.{agency.code.lower()}", role=role, agency=agency,
                        full_name=f"Demo {role.value} {agency.code}",
                        password_hash=shared_hash, now=now, is_demo=True)
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) - before
