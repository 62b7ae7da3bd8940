"""Stored responses for retried API requests that carry an ``Idempotency-Key`` header."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # SHA-256 of the canonical request (JSON fields and attachment digests).
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    # The 201 body as first sent; the receipt in it is masked under the server key.
    response: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
