"""Test data built through the real services. Each factory commits."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from portal import clock
from portal.directory.loader import load_directory as _load_directory
from portal.extensions import db
from portal.models import Agency, Role, Ticket, User
from portal.tickets import intake
from portal.tickets.intake import Submission

PASSWORD = "correct horse battery"


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return generate_password_hash(PASSWORD)


def load_directory():
    result = _load_directory()
    db.session.commit()
    return result


def agency(code: str) -> Agency:
    found = db.session.scalar(sa.select(Agency).where(Agency.code == code))
    assert found is not None, f"agency {code} is not in the directory"
    return found


def make_user(username: str, role: Role | str, agency_code: str | None = None) -> User:
    user = User(username=username, role=Role(role), full_name=f"Test {username}",
                agency=agency(agency_code) if agency_code else None,
                password_hash=_password_hash(), active=True, is_demo=False,
                created_at=clock.now_utc())
    db.session.add(user)
    db.session.commit()
    return user


def make_ticket(config, *, agency_code: str | None = None, category: str = "delay",
                subject: str = "Hồ sơ chậm trả kết quả", anonymous: bool = False,
                now: datetime | None = None, **fields) -> tuple[Ticket, str]:
    """File a report through intake; returns (ticket, receipt)."""
    data = Submission(category=category, subject=subject,
                      description=fields.pop("description", "Đã nộp hồ sơ 25 ngày chưa có kết quả."),
                      agency_id=agency(agency_code).id if agency_code else None,
                      anonymous=anonymous, **fields)
    filed = intake.submit_ticket(data, filed_by=None, now=now or clock.now_utc(), config=config)
    db.session.commit()
    return filed.ticket, filed.receipt


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
