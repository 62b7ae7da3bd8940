"""Moving the open reports of a dissolved agency to its successor (DESIGN §4: each agency's
time is its own). The old agency's hold segment ends with outcome ``moved``; the successor
opens a segment with its own clock from the day of the move. Closed and rejected reports keep
the agency that held them. Applying twice moves nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal import audit
from portal.deadlines import settings
from portal.deadlines.working_days import local_day
from portal.directory import lookup
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import _l
from portal.models import Agency, EventKind, HoldOutcome, Status, Ticket, User
from portal.routing.router import names_place
from portal.tickets import events, holds

FINISHED = frozenset({Status.closed, Status.rejected})


@dataclass(frozen=True)
class PlannedMove:
    ticket: Ticket
    to: Agency | None  # None: several successors fit and none is named by the report's locality


def open_reports(agency: Agency) -> list[Ticket]:
    return list(db.session.scalars(
        sa.select(Ticket).where(Ticket.agency_id == agency.id, Ticket.status.not_in(FINISHED))
        .order_by(Ticket.received_at, Ticket.id)))


def _target(ticket: Ticket, candidates: list[Agency]) -> Agency | None:
    if len(candidates) == 1:
        return candidates[0]
    # A district's reports go to the commune the reporter's locality names.
    named = [a for a in candidates if a.locality and names_place(a.locality, ticket.locality or "")]
    return named[0] if len(named) == 1 else None


def plan(source: Agency, *, now: datetime, to: Agency | None = None) -> list[PlannedMove]:
    """What ``apply`` would do: each open report of ``source`` and the agency it goes to.

    :raises ValidationFailed: if ``source`` is still valid, or ``to`` is not one of its
        successors valid today.
    """
    day = local_day(now)
    if source.is_valid_on(day):
        raise ValidationFailed([("from", _l("%(code)s is still valid; only a dissolved agency's "
                                            "reports are moved.", code=source.code))])
    candidates = lookup.current_successors(source, day)
    if to is not None:
        if to.id not in {a.id for a in candidates}:
            raise ValidationFailed([("to", _l("%(to)s is not a successor of %(code)s valid today.",
                                              to=to.code, code=source.code))])
        candidates = [to]
    if not candidates:
        raise ValidationFailed([("from", _l("%(code)s has no successor valid today.",
                                            code=source.code))])
    return [PlannedMove(t, _target(t, candidates)) for t in open_reports(source)]


def apply(moves: list[PlannedMove], *, actor: User | None, now: datetime) -> int:
    """Move each planned report whose target is known; returns how many moved. Flushes."""
    moved = 0
    for move in moves:
        if move.to is None or move.ticket.status in FINISHED:
            continue
        _move(move.ticket, move.to, actor=actor, now=now)
        moved += 1
    db.session.flush()
    return moved


def _move(ticket: Ticket, to: Agency, *, actor: User | None, now: datetime) -> None:
    audit.record(db.session, actor=actor, action="directory.move", ticket=ticket, at=now,
                 subject=f"{ticket.agency.code} -> {to.code}")
    segment = holds.close_segment(ticket, HoldOutcome.moved, now=now)
    # Charged to the old holder, naming the new one; public, so the reporter sees who answers.
    events.record(ticket, EventKind.moved, now, actor, public=True, to_agency=to)
    ticket.agency = to
    if segment is not None:
        holds.open_segment(ticket, to, now=now, policy=settings.policy_for(ticket.category),
                           calendar=settings.work_calendar())
        if ticket.status == Status.acknowledged:
            ticket.status = Status.assigned  # the successor acknowledges for itself
