"""Staff accounts: creation, password changes and loading for Flask-Login (signing in is
accounts/login.py)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit
from portal.accounts import passwords
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import _l
from portal.models import Agency, Role, User


def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def change_password(user: User, current: str, new: str, *, now: datetime) -> None:
    """Replace the user's password after checking the current one and the rules. Flushes.

    :raises ValidationFailed: for a wrong current password or a new one that breaks a rule.
    """
    if not check_password_hash(user.password_hash, current):
        raise ValidationFailed([("current", _l("This is not your current password."))])
    if problems := passwords.problems(new, user.username):
        raise ValidationFailed([("new", message) for message in problems])
    user.password_hash = hash_password(new)
    audit.record(db.session, actor=user, action="password.changed", subject=user.username, at=now)
    db.session.flush()


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
