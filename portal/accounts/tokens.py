"""API tokens: issue (shown once), authenticate, list and revoke. Flush-only services."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal import audit
from portal.errors import NotFound
from portal.extensions import db
from portal.models import ApiToken, User

TOKEN_PREFIX = "pat_"


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once, never stored


def _hash(secret: str, key: str) -> str:
    return hmac.new(key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def issue(user: User, *, label: str, now: datetime, key: str, actor: User | None = None) -> Issued:
    """A new token for ``user`` (same role and agency as the user), audited. ``actor`` is None
    when an operator issues it from the command line. Flushes."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, token_hash=_hash(secret, key), prefix=secret[:12],
                     label=(label or "").strip()[:100] or "API", created_at=now)
    db.session.add(token)
    audit.record(db.session, actor=actor, action="token.created", subject=user.username, at=now,
                 detail={"prefix": token.prefix, "label": token.label})
    db.session.flush()
    return Issued(token, secret)


def authenticate(secret: str, *, now: datetime, key: str) -> User | None:
    """The active user holding this active token, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(secret, key)))
    if token is None or not token.is_active or not token.user.active:
        return None
    token.last_used_at = now
    return token.user


def for_user(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.id.desc())))


def revoke(user: User, token_id: int, *, now: datetime) -> None:
    """Revoke one of the user's own tokens. :raises NotFound: for anyone else's."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(db.session, actor=user, action="token.revoked", subject=user.username, at=now,
                     detail={"prefix": token.prefix, "label": token.label})
    db.session.flush()
