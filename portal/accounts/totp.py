"""Time-based one-time codes (RFC 6238: 30 s steps, 6 digits) as the optional second factor.

The server must know each secret to compute codes, so it cannot be hashed; it is sealed
(Fernet: AES-CBC with an HMAC) with the TOTP_KEY setting before it is stored, so a copy of the
database or a backup alone does not give anyone the codes.
"""
from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from pyotp.utils import strings_equal

from portal import audit
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import _l
from portal.models import User

ISSUER = "Cong phan anh doanh nghiep"
STEP_SECONDS = 30
_INVALID = _l("This code is not valid. Enter the current code from your app.")
SEALED = "fernet:"


def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(f"portal totp secret\0{key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str, key: str) -> str:
    return SEALED + _fernet(key).encrypt(secret.encode()).decode()


def unseal(stored: str | None, key: str) -> str:
    """The secret of a stored value; "" when there is none or this key cannot open it. A value
    stored before secrets were sealed is the secret itself (sealed at its next use)."""
    if not stored:
        return ""
    if not stored.startswith(SEALED):
        return stored
    try:
        return _fernet(key).decrypt(stored[len(SEALED):].encode()).decode()
    except InvalidToken:
        return ""


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app imports (pasted or typed; no QR image)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step ``code`` belongs to: now, or one step either side for clock drift."""
    code = "".join((code or "").split())
    if not secret or len(code) != 6 or not code.isdigit():
        return None
    generator = pyotp.TOTP(secret)
    for offset in (0, -1, 1):
        moment = now + timedelta(seconds=offset * STEP_SECONDS)
        if strings_equal(generator.at(moment), code):  # constant-time comparison
            return generator.timecode(moment)
    return None


def enable(user: User, secret: str, code: str, *, now: datetime, key: str) -> None:
    """Turn the second factor on once the user proves their app holds ``secret``. Flushes.

    :raises ValidationFailed: when the code does not match.
    """
    step = matching_step(secret, code, now)
    if step is None:
        raise ValidationFailed([("code", _INVALID)])
    user.totp_secret, user.totp_last_step = seal(secret, key), step
    audit.record(db.session, actor=user, action="totp.enabled", subject=user.username, at=now)
    db.session.flush()


def disable(user: User, code: str, *, now: datetime, key: str) -> None:
    """Turn the second factor off; needs a current code. Flushes.

    :raises ValidationFailed: when the code does not match.
    """
    if matching_step(unseal(user.totp_secret, key), code, now) is None:
        raise ValidationFailed([("code", _INVALID)])
    user.totp_secret, user.totp_last_step = None, None
    audit.record(db.session, actor=user, action="totp.disabled", subject=user.username, at=now)
    db.session.flush()
