"""Read-side queries for the inbox and triage lists (keyset-paginated)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.permissions import visible_filter
from portal.extensions import db
from portal.models import Category, Status, Ticket, User
from portal.models.vocab import OPEN_STATUSES


@dataclass(frozen=True)
class InboxFilter:
    status: str = ""
    category: str = ""
    overdue: bool = False
    after: int | None = None  # keyset cursor: the last id of the previous page


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    next_after: int | None


def _page(query: sa.Select, after: int | None, size: int) -> Page:
    # Newest first by id: a stable, indexed order that needs no OFFSET scan.
    if after is not None:
        query = query.where(Ticket.id < after)
    rows = list(db.session.scalars(
        query.options(selectinload(Ticket.agency)).order_by(Ticket.id.desc()).limit(size + 1)))
    next_after = rows[size - 1].id if len(rows) > size else None
    return Page(rows[:size], next_after)


def inbox(user: User, flt: InboxFilter, *, now: datetime, size: int) -> Page:
    query = sa.select(Ticket).where(visible_filter(user))
    if flt.status in Status.__members__:
        query = query.where(Ticket.status == Status(flt.status))
    if flt.category in Category.__members__:
        query = query.where(Ticket.category == Category(flt.category))
    if flt.overdue:
        query = query.where(Ticket.status.in_(OPEN_STATUSES - {Status.needs_info}),
                            Ticket.answer_due < now)
    return _page(query, flt.after, size)


def triage(after: int | None, *, size: int) -> Page:
    """Reports waiting for a coordinator: no agency yet, or sent back by one."""
    query = sa.select(Ticket).where(Ticket.status.in_([Status.new, Status.transferred]))
    return _page(query, after, size)


def by_code(code: str) -> Ticket | None:
    return db.session.scalar(sa.select(Ticket).where(Ticket.code == code.strip().upper()))
