"""Signing in: password, lockout with exponential back-off, optional TOTP, all audited.

The failure count and the lock live on the user row and are updated with one UPDATE, so
several workers (or several attackers) share one count. Flush-only; the caller commits even
on failure, so that the count and the audit entry are kept.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit
from portal.accounts import totp
from portal.extensions import db
from portal.models import User

# Checked when the username is unknown, so both paths cost one hash of the same kind.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class Outcome(StrEnum):
    ok = "ok"
    needs_code = "needs_code"  # password right; the TOTP code comes next
    wrong = "wrong"
    locked = "locked"


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    user: User | None = None
    locked_until: datetime | None = None


def sign_in(username: str, password: str, *, allow_demo: bool, now: datetime,
            config: Mapping[str, Any]) -> Attempt:
    """Check a username and password. Never says whether the username exists."""
    name = username.strip().lower()
    user = db.session.scalar(sa.select(User).where(User.username == name))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        audit.record(db.session, actor=None, action="login.failed",
                     subject=unknown_name_fingerprint(name, config["RECEIPT_KEY"]), at=now,
                     detail={"reason": "unknown user"})
        return Attempt(Outcome.wrong)
    # Hash first, whatever the state of the account: every refusal costs the same time.
    password_ok = check_password_hash(user.password_hash, password)
    if _is_locked(user, now):
        audit.record(db.session, actor=user, action="login.refused", subject=name, at=now,
                     detail={"reason": "locked"})
        return Attempt(Outcome.locked, locked_until=user.locked_until)
    if not password_ok or not user.active or (user.is_demo and not allow_demo):
        reason = "password" if not password_ok else "inactive" if not user.active else "demo"
        return _fail(user, reason, now, config)
    if user.totp_secret:
        return Attempt(Outcome.needs_code, user)
    return _succeed(user, now, factor="password")


def unknown_name_fingerprint(name: str, key: str) -> str:
    """What the audit log keeps of a name that is no account: people type their password into
    the username field, so the text itself is never stored. The same name gives the same
    fingerprint, so repeated guesses at one name can still be told apart."""
    digest = hmac.new(key.encode(), name.encode(), hashlib.sha256).hexdigest()
    return f"unknown:{digest[:16]}"


def second_factor(user: User, code: str, *, now: datetime, config: Mapping[str, Any]) -> Attempt:
    """Check the TOTP code of a user whose password was right a moment ago."""
    if _is_locked(user, now):
        audit.record(db.session, actor=user, action="login.refused", subject=user.username,
                     at=now, detail={"reason": "locked"})
        return Attempt(Outcome.locked, locked_until=user.locked_until)
    secret = totp.unseal(user.totp_secret, config["TOTP_KEY"])
    step = totp.matching_step(secret, code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return _fail(user, "code", now, config)
    user.totp_last_step = step
    if not user.totp_secret.startswith(totp.SEALED):  # stored before secrets were sealed
        user.totp_secret = totp.seal(secret, config["TOTP_KEY"])
    return _succeed(user, now, factor="password+totp")


def _is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def lock_delay(failures: int, config: Mapping[str, Any]) -> timedelta | None:
    """How long the account stays locked after ``failures`` consecutive failures."""
    over = failures - config["LOGIN_LOCK_THRESHOLD"]
    if over < 0:
        return None
    seconds = config["LOGIN_LOCK_SECONDS"] * 2 ** min(over, 20)
    return timedelta(seconds=min(seconds, config["LOGIN_LOCK_MAX_SECONDS"]))


def _fail(user: User, reason: str, now: datetime, config: Mapping[str, Any]) -> Attempt:
    db.session.execute(sa.update(User).where(User.id == user.id)
                       .values(failed_logins=User.failed_logins + 1))
    db.session.refresh(user, ["failed_logins"])  # the count after every worker's increments
    audit.record(db.session, actor=user, action="login.failed", subject=user.username, at=now,
                 detail={"reason": reason, "failures": user.failed_logins})
    delay = lock_delay(user.failed_logins, config)
    if delay is None:
        return Attempt(Outcome.wrong)
    user.locked_until = now + delay
    audit.record(db.session, actor=user, action="login.locked", subject=user.username, at=now,
                 detail={"seconds": int(delay.total_seconds()), "failures": user.failed_logins})
    db.session.flush()
    return Attempt(Outcome.locked, locked_until=user.locked_until)


def _succeed(user: User, now: datetime, *, factor: str) -> Attempt:
    user.failed_logins, user.locked_until = 0, None
    audit.record(db.session, actor=user, action="login.succeeded", subject=user.username, at=now,
                 detail={"factor": factor})
    db.session.flush()
    return Attempt(Outcome.ok, user)


def reset_sign_in(user: User, *, second_factor: bool, now: datetime,
                  reason: str) -> list[str]:
    """An administrator's reset for a locked-out staff member: lifts the lock and clears the
    failure count and, when ``second_factor``, removes the authenticator (a lost phone) so
    that the password alone signs in until the user sets a new one. Audited. Flushes.

    Returns what was reset ("lock", "totp").
    """
    done = []
    if user.locked_until is not None or user.failed_logins:
        user.failed_logins, user.locked_until = 0, None
        done.append("lock")
    if second_factor and user.totp_secret is not None:
        user.totp_secret, user.totp_last_step = None, None
        done.append("totp")
    audit.record(db.session, actor=None, action="login.reset", subject=user.username, at=now,
                 detail={"reset": done, "reason": reason})
    db.session.flush()
    return done
