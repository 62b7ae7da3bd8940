"""Staff accounts: creation, password checks and loading for Flask-Login."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit
from portal.extensions import db
from portal.models import Agency, Role, User

# Compared against when the username is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def authenticate(username: str, password: str, *, allow_demo: bool) -> User | None:
    """The active user with these credentials, or None. Demo accounts need ``allow_demo``."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if not user.active or (user.is_demo and not allow_demo):
        return None
    return user


def ensure_user(username: str, *, role: Role, full_name: str, password_hash: str, now: datetime,
                agency: Agency | None = None, is_demo: bool = False,
                actor: User | None = None) -> User:
    """Create the user unless one with that username exists (idempotent), auditing a creation.
    ``actor`` is None for command-line operators and the demo loader. Flushes."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        user = User(username=username, role=role, full_name=full_name, agency=agency,
                    password_hash=password_hash, is_demo=is_demo, active=True, created_at=now)
        db.session.add(user)
        db.session.flush()
        audit.record(db.session, actor=actor, action="user.created", subject=username, at=now,
                     detail={"role": role.value, "agency": agency.code if agency else None,
                             "demo": is_demo})
    return user
