"""The one place that reads the wall clock, so tests can freeze time."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_frozen: datetime | None = None


def now_utc() -> datetime:
    return _frozen if _frozen is not None else datetime.now(timezone.utc)


def freeze(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware); ``None`` unfreezes. For tests only."""
    global _frozen
    _frozen = moment


def frozen_at() -> datetime | None:
    """The moment the clock is frozen at, or None while it runs."""
    return _frozen


def to_local(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite returns naive datetimes; we store UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_TZ)
