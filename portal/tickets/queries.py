"""Read-side queries for the inbox and triage lists, keyset-paginated (no OFFSET scans).

The pages list priority reports first, then by answer deadline, then by id (a unique
tie-break). Since ``priority`` has two values, a page is read segment by segment (priority, then
the rest), each an index range on (…, priority, answer_due, id): a deep page costs what the
first page costs. The JSON API lists newest first by id (its documented integer cursor).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.permissions import visible_filter
from portal.extensions import db
from portal.models import Category, Status, Ticket, User
from portal.models.vocab import OPEN_STATUSES

TRIAGE_STATUSES = (Status.new, Status.transferred)
_PRIORITY_FIRST = (True, False)
_STAMP = "%Y%m%dT%H%M%S%f"


@dataclass(frozen=True)
class InboxFilter:
    status: str = ""
    category: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class Cursor:
    """A position in the list order: the sort key of one report."""
    priority: bool
    answer_due: datetime
    id: int

    @classmethod
    def of(cls, ticket: Ticket) -> Cursor:
        return cls(bool(ticket.priority), ticket.answer_due, ticket.id)

    def token(self) -> str:
        """For links: ``1.20250312T165959999999.42``."""
        stamp = self.answer_due.astimezone(timezone.utc).strftime(_STAMP)
        return f"{int(self.priority)}.{stamp}.{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor of a token, or None when it is missing or malformed."""
        parts = (token or "").split(".")
        if len(parts) != 3 or parts[0] not in ("0", "1") or not parts[2].isdigit() \
                or len(parts[2]) > 18:
            return None
        try:
            due = datetime.strptime(parts[1], _STAMP).replace(tzinfo=timezone.utc)
        except ValueError:
            return None
        return cls(parts[0] == "1", due, int(parts[2]))


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    next: Cursor | None  # pass as ``after`` for the next page
    previous: Cursor | None  # pass as ``before`` for the previous page


@dataclass(frozen=True)
class IdPage:
    items: list[Ticket]
    next_after: int | None


def _fetch(query: sa.Select, cursor: Cursor | None, limit: int, *, backwards: bool) -> list[Ticket]:
    """Up to ``limit`` reports strictly after (or before) the cursor, in walking order."""
    segments = _PRIORITY_FIRST[::-1] if backwards else _PRIORITY_FIRST
    if cursor is not None:
        segments = segments[segments.index(cursor.priority):]
    key = sa.tuple_(Ticket.answer_due, Ticket.id)
    order = (Ticket.answer_due.desc(), Ticket.id.desc()) if backwards else (Ticket.answer_due,
                                                                           Ticket.id)
    rows: list[Ticket] = []
    for priority in segments:
        segment = query.where(Ticket.priority == priority)
        if cursor is not None and priority == cursor.priority:
            bound = sa.tuple_(sa.bindparam(None, cursor.answer_due, type_=Ticket.answer_due.type),
                              sa.bindparam(None, cursor.id, type_=sa.Integer))
            segment = segment.where(key < bound if backwards else key > bound)
        rows += db.session.scalars(segment.options(selectinload(Ticket.agency))
                                   .order_by(*order).limit(limit - len(rows)))
        if len(rows) >= limit:
            break
    return rows


def _page(query: sa.Select, size: int, after: Cursor | None, before: Cursor | None) -> Page:
    if before is not None:
        rows = _fetch(query, before, size + 1, backwards=True)
        if len(rows) <= size:  # reached the start: show a full first page
            return _page(query, size, None, None)
        rows = rows[:size][::-1]
        return Page(rows, Cursor.of(rows[-1]), Cursor.of(rows[0]))
    rows = _fetch(query, after, size + 1, backwards=False)
    more, rows = len(rows) > size, rows[:size]
    previous = (Cursor.of(rows[0]) if rows else after) if after is not None else None
    return Page(rows, Cursor.of(rows[-1]) if more else None, previous)


def inbox_query(user: User, flt: InboxFilter, now: datetime) -> sa.Select:
    query = sa.select(Ticket).where(visible_filter(user))
    if flt.status in Status.__members__:
        query = query.where(Ticket.status == Status(flt.status))
    if flt.category in Category.__members__:
        query = query.where(Ticket.category == Category(flt.category))
    if flt.overdue:
        query = query.where(Ticket.status.in_(OPEN_STATUSES - {Status.needs_info}),
                            Ticket.answer_due < now)
    return query


def inbox(user: User, flt: InboxFilter, *, now: datetime, size: int,
          after: Cursor | None = None, before: Cursor | None = None) -> Page:
    """The reports ``user`` may see, priority first, then by answer deadline."""
    return _page(inbox_query(user, flt, now), size, after, before)


def inbox_newest_first(user: User, flt: InboxFilter, *, now: datetime, size: int,
                       after: int | None = None) -> IdPage:
    """The same reports newest first, after the report with id ``after`` (the JSON API)."""
    query = inbox_query(user, flt, now)
    if after is not None:
        query = query.where(Ticket.id < after)
    rows = list(db.session.scalars(
        query.options(selectinload(Ticket.agency)).order_by(Ticket.id.desc()).limit(size + 1)))
    return IdPage(rows[:size], rows[size - 1].id if len(rows) > size else None)


def triage(*, size: int, after: Cursor | None = None, before: Cursor | None = None) -> Page:
    """Reports waiting for a coordinator: no agency yet, or sent back by one."""
    query = sa.select(Ticket).where(Ticket.status.in_(TRIAGE_STATUSES))
    return _page(query, size, after, before)


def by_code(code: str) -> Ticket | None:
    """The report with this code, with its agency (every page showing a report names it)."""
    return db.session.scalar(sa.select(Ticket).options(joinedload(Ticket.agency))
                             .where(Ticket.code == code.strip().upper()))
