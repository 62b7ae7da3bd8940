"""Tracking codes (PA-YYYY-NNNNNN) and secret receipts.

Receipts carry 100 random bits and are stored only as an HMAC-SHA-256 under a server key: a
slow password hash would add nothing for secrets this long and would slow every filing.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Ticket, TrackingCounter

CODE_PREFIX = "PA"
_RECEIPT_BYTES = 15  # 120 bits before grouping; the shown receipt keeps 100 of them
_RECEIPT_GROUPS = 4


def next_code(year: int) -> str:
    """Reserve the next code of ``year``; the counter row is locked until commit."""
    value = db.session.execute(
        sa.update(TrackingCounter).where(TrackingCounter.year == year)
        .values(value=TrackingCounter.value + 1).returning(TrackingCounter.value)
    ).scalar()
    if value is None:
        value = _start_year(year)
    return f"{CODE_PREFIX}-{year}-{value:06d}"


def _start_year(year: int) -> int:
    try:
        with db.session.begin_nested():
            db.session.add(TrackingCounter(year=year, value=1))
        return 1
    except sa.exc.IntegrityError:  # another filing created the row first
        return db.session.execute(
            sa.update(TrackingCounter).where(TrackingCounter.year == year)
            .values(value=TrackingCounter.value + 1).returning(TrackingCounter.value)
        ).scalar_one()


def new_receipt() -> str:
    """A fresh receipt like ``K7QF2-MZ4TA-9XW3B-PLE6D`` (base32, 100 bits)."""
    raw = base64.b32encode(secrets.token_bytes(_RECEIPT_BYTES)).decode()[:5 * _RECEIPT_GROUPS]
    return "-".join(raw[i:i + 5] for i in range(0, len(raw), 5))


def normalise_receipt(receipt: str) -> str:
    return "".join(ch for ch in receipt.upper() if ch.isalnum())


def hash_receipt(receipt: str, key: str) -> str:
    return hmac.new(key.encode(), normalise_receipt(receipt).encode(), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    return code.strip().upper()


def find_for_reporter(code: str, receipt: str, key: str) -> Ticket | None:
    """The report if code and receipt match, else None — the same for either mistake."""
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.code == normalise_code(code)))
    given = hash_receipt(receipt, key)
    stored = ticket.receipt_hash if ticket is not None else "0" * 64
    matches = hmac.compare_digest(given, stored)
    return ticket if ticket is not None and matches else None


def _pad(server_key: str, salt: str) -> bytes:
    return hmac.new(server_key.encode(), salt.encode(), hashlib.sha256).digest()


def mask_receipt(receipt: str, server_key: str, salt: str) -> str:
    """XOR the receipt with a pad from the server key and ``salt``, for a short-lived replay
    copy that is no readable receipt (receipts are otherwise stored only as a hash)."""
    return bytes(a ^ b for a, b in zip(receipt.encode(), _pad(server_key, salt))).hex()


def unmask_receipt(masked: str, server_key: str, salt: str) -> str:
    return bytes(a ^ b for a, b in zip(bytes.fromhex(masked), _pad(server_key, salt))).decode()
