"""The staff audit log (models/audit.py): every staff action is written through record();
administrators read it a page at a time or export it."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, Ticket, User

SUBJECT_MAX = 200


def record(session: Session, *, actor: User | None, action: str, ticket: Ticket | None = None,
           subject: str | None = None, detail: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditEntry:
    """Add one immutable entry to ``session`` (the caller commits with the action itself, so an
    action that rolls back leaves no entry and an entry never exists without its action)."""
    entry = AuditEntry(at=at or clock.now_utc(), actor=actor, action=action[:60], ticket=ticket,
                       subject=subject[:SUBJECT_MAX] if subject else None, detail=detail or None)
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator narrows the log to; empty values match everything."""
    actor: str = ""          # username, exact
    action: str = ""         # "ticket" matches every ticket.* action; "login.failed" one action
    ticket_code: str = ""
    since: date | None = None  # local days, inclusive
    until: date | None = None


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    next_before: int | None  # keyset cursor: pass as ``before`` for the next (older) page


def _query(flt: AuditFilter) -> sa.Select:
    query = sa.select(AuditEntry).options(selectinload(AuditEntry.actor),
                                          selectinload(AuditEntry.ticket))
    if flt.actor.strip():
        query = query.join(User, AuditEntry.actor_id == User.id).where(
            User.username == flt.actor.strip().lower())
    action = flt.action.strip().lower()
    if action:
        query = query.where(sa.or_(AuditEntry.action == action,
                                   AuditEntry.action.startswith(action + ".", autoescape=True)))
    if flt.ticket_code.strip():
        query = query.join(Ticket, AuditEntry.ticket_id == Ticket.id).where(
            Ticket.code == flt.ticket_code.strip().upper())
    if flt.since is not None:
        query = query.where(AuditEntry.at >= _local_midnight(flt.since))
    if flt.until is not None:
        query = query.where(AuditEntry.at < _local_midnight(flt.until + timedelta(days=1)))
    return query


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.LOCAL_TZ).astimezone(timezone.utc)


def entries(flt: AuditFilter, *, before: int | None, size: int) -> AuditPage:
    """One page of the log, newest first."""
    query = _query(flt)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    rows = list(db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(size + 1)))
    return AuditPage(rows[:size], rows[size - 1].id if len(rows) > size else None)


CSV_HEADER = ("id", "at_utc", "actor", "action", "ticket", "subject", "detail")


def export_rows(flt: AuditFilter) -> Iterator[tuple[str, ...]]:
    """Every matching entry, oldest first, as CSV cells (streamed in batches)."""
    yield CSV_HEADER
    query = _query(flt).order_by(AuditEntry.id).execution_options(yield_per=500)
    for entry in db.session.scalars(query):
        yield (str(entry.id), entry.at.astimezone(timezone.utc).isoformat(timespec="seconds"),
               entry.actor.username if entry.actor else "", entry.action,
               entry.ticket.code if entry.ticket else "", entry.subject or "",
               json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else "")
