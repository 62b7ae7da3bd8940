"""The report's state machine. Every action checks permission, status and version, then
appends one immutable event. Services flush; the caller commits.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts import permissions
from portal.deadlines import settings
from portal.deadlines.working_days import local_day, working_days_between
from portal.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.i18n import _l
from portal.models import Agency, EventKind, HoldOutcome, Rating, Status, Ticket, TicketEvent, User
from portal.models.vocab import STATUS_LABELS
from portal.notifications import outbox
from portal.routing import triage as routing_triage
from portal.tickets import events, holds

WORKING = frozenset({Status.assigned, Status.acknowledged, Status.reopened, Status.needs_info})
TRIAGE = frozenset({Status.new, Status.transferred})
ANSWERED = frozenset({Status.answered, Status.closed})
BODY_MAX = 10_000


def _guarded(service):
    """Map a lost race (UPDATE ... WHERE version = :old found no row) to a Conflict, wherever
    the service flushes, including autoflush before one of its queries."""
    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except StaleDataError as exc:  # another officer's change committed first
            raise Conflict(_CONFLICT) from exc
    return wrapper


_CONFLICT = _l("Someone else changed this report while you were working on it. "
               "Your text is kept below; review the latest history and try again.")


def _check(ticket: Ticket, expected_version: int | None, allowed: frozenset[Status]) -> None:
    if expected_version is not None and ticket.version != expected_version:
        raise Conflict(_CONFLICT)
    if ticket.status not in allowed:
        raise InvalidTransition(_l("This action is not possible while the report is “%(status)s”.",
                                   status=STATUS_LABELS[ticket.status]))


def _require_actor(actor: User, ticket: Ticket) -> None:
    if not permissions.can_view(actor, ticket):
        raise NotFound()
    if not permissions.can_act(actor, ticket):
        raise PermissionDenied(_l("Only the agency holding this report can do that."))


def _text(value: str, field: str, message, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed([(field, message)])
    if len(value) > BODY_MAX:
        raise ValidationFailed([(field, _l("The text must be at most %(n)d characters.", n=BODY_MAX))])
    return value


@_guarded
def assign(ticket: Ticket, agency: Agency, *, actor: User, now: datetime,
           expected_version: int | None) -> None:
    """Coordinator routes a report from triage; the agency's own clock starts now."""
    if not permissions.can_triage(actor):
        raise PermissionDenied(_l("Only a coordinator can assign reports."))
    _check(ticket, expected_version, TRIAGE)
    # DESIGN §4: day 0 is the day of receipt; an agency receiving a transfer gets its own time.
    day_zero = now if ticket.status == Status.transferred else ticket.received_at
    holds.open_segment(ticket, agency, now=now, policy=settings.policy_for(ticket.category),
                       calendar=settings.work_calendar(), day_zero=day_zero)
    routing_triage.record_correction(ticket, agency, actor=actor, now=now)
    ticket.agency = agency
    ticket.status = Status.assigned
    events.record(ticket, EventKind.assigned, now, actor, public=True, to_agency=agency)
    db.session.flush()


@_guarded
def reject(ticket: Ticket, reason: str, *, actor: User, now: datetime,
           expected_version: int | None) -> None:
    """Coordinator rejects spam, a duplicate or an out-of-scope report, with a public reason."""
    if not permissions.can_triage(actor):
        raise PermissionDenied(_l("Only a coordinator can reject reports."))
    _check(ticket, expected_version, TRIAGE)
    body = _text(reason, "reason", _l("Give the reason the reporter will see."))
    ticket.status, ticket.closed_at = Status.rejected, now
    holds.record_rejection(ticket)
    events.record(ticket, EventKind.rejected, now, actor, public=True, body=body)
    db.session.flush()


@_guarded
def acknowledge(ticket: Ticket, *, actor: User, now: datetime, expected_version: int | None) -> None:
    _require_actor(actor, ticket)
    _check(ticket, expected_version, frozenset({Status.assigned, Status.reopened}))
    ticket.status = Status.acknowledged
    ticket.acknowledged_at = ticket.acknowledged_at or now
    holds.acknowledge(ticket, now=now)
    events.record(ticket, EventKind.acknowledged, now, actor, public=True)
    db.session.flush()


@_guarded
def request_info(ticket: Ticket, question: str, *, actor: User, now: datetime,
                 expected_version: int | None) -> None:
    """Ask the reporter for information; the answer clock waits for the reply."""
    _require_actor(actor, ticket)
    _check(ticket, expected_version, WORKING - {Status.needs_info})
    body = _text(question, "body", _l("Write what you need from the reporter."))
    ticket.status, ticket.paused_at = Status.needs_info, now
    ticket.acknowledged_at = ticket.acknowledged_at or now
    holds.acknowledge(ticket, now=now)
    holds.pause(ticket)
    events.record(ticket, EventKind.info_requested, now, actor, public=True, body=body)
    db.session.flush()


@_guarded
def answer(ticket: Ticket, text: str, legal_basis: str, *, actor: User, now: datetime,
           expected_version: int | None) -> None:
    """Publish the agency's answer, with the legal basis it relies on if any."""
    _require_actor(actor, ticket)
    _check(ticket, expected_version, WORKING)
    body = _text(text, "body", _l("Write the answer."))
    basis = (legal_basis or "").strip()
    if len(basis) > 500:
        raise ValidationFailed([("legal_basis", _l("The legal basis must be at most 500 characters."))])
    _resume_clock(ticket, now)
    ticket.status, ticket.answered_at = Status.answered, now
    ticket.acknowledged_at = ticket.acknowledged_at or now
    holds.acknowledge(ticket, now=now)
    closed = holds.close_segment(ticket, HoldOutcome.answered, now=now)
    if closed is not None:
        holds.record_answer(closed, legal_basis=basis, calendar=settings.work_calendar())
    events.record(ticket, EventKind.answered, now, actor, public=True, body=body, legal_basis=basis)
    outbox.notify_reporter(ticket, "answered", now=now)
    db.session.flush()


def _resume_clock(ticket: Ticket, now: datetime) -> None:
    """End a needs_info pause: the answer deadline moves by the working days it lasted."""
    if ticket.paused_at is None:
        return
    calendar = settings.work_calendar()
    paused = working_days_between(local_day(ticket.paused_at), local_day(now), calendar)
    holds.push_answer_due(ticket, paused, calendar)
    holds.resume(ticket)
    ticket.paused_at = None


@_guarded
def extend(ticket: Ticket, reason: str, apology: str, *, actor: User, now: datetime,
           expected_version: int | None) -> None:
    """Take the one extension: asked at least one working day before the answer is due, with a
    reason and an apology the reporter sees (Decree 61/2018).

    :raises InvalidTransition: for a second extension or one asked too late.
    """
    _require_actor(actor, ticket)
    _check(ticket, expected_version, WORKING)
    if ticket.extended_at is not None:
        raise InvalidTransition(_l("This report was already extended once; "
                                   "a second extension is not allowed."))
    calendar = settings.work_calendar()
    if working_days_between(local_day(now), local_day(ticket.answer_due), calendar) < 1:
        raise InvalidTransition(_l("An extension must be asked at least one working day "
                                   "before the answer is due."))
    reason = _text(reason, "reason", _l("Give the reason for the extension."))
    apology = _text(apology, "apology", _l("Write the apology the reporter will see."))
    holds.push_answer_due(ticket, settings.policy_for(ticket.category).extension_days, calendar)
    ticket.extended_at = now
    events.record(ticket, EventKind.extended, now, actor, public=True, body=f"{apology}\n\n{reason}")
    outbox.notify_reporter(ticket, "extended", now=now, extra={"apology": apology, "reason": reason})
    db.session.flush()


@_guarded
def add_note(ticket: Ticket, text: str, *, actor: User, now: datetime,
             expected_version: int | None) -> None:
    """An internal note: never shown to the reporter or the public."""
    _require_actor(actor, ticket)
    _check(ticket, expected_version, frozenset(Status))
    body = _text(text, "body", _l("Write the note."))
    events.record(ticket, EventKind.note, now, actor, public=False, body=body)
    db.session.flush()


@_guarded
def transfer(ticket: Ticket, reason: str, *, actor: User, now: datetime,
             expected_version: int | None) -> None:
    """Send a misrouted report back to the coordinator's triage, with a reason."""
    _require_actor(actor, ticket)
    _check(ticket, expected_version, WORKING)
    body = _text(reason, "reason", _l("Say why this report is not for your agency."))
    _resume_clock(ticket, now)
    holds.close_segment(ticket, HoldOutcome.transferred, now=now)
    events.record(ticket, EventKind.transferred, now, actor, public=True, body=body)
    ticket.status, ticket.agency = Status.transferred, None
    db.session.flush()


@_guarded
def close(ticket: Ticket, *, actor: User, now: datetime, expected_version: int | None) -> None:
    _require_actor(actor, ticket)
    _check(ticket, expected_version, frozenset({Status.answered}))
    ticket.status, ticket.closed_at = Status.closed, now
    events.record(ticket, EventKind.closed, now, actor, public=True)
    outbox.notify_reporter(ticket, "closed", now=now)
    db.session.flush()


@_guarded
def reporter_reply(ticket: Ticket, text: str, *, now: datetime) -> None:
    """The reporter adds information; a paused clock starts again."""
    if ticket.status in {Status.closed, Status.rejected}:
        raise InvalidTransition(_l("This report is closed; you can no longer reply."))
    body = _text(text, "body", _l("Write your reply."))
    if ticket.status == Status.needs_info:
        _resume_clock(ticket, now)
        ticket.status = Status.acknowledged
    events.record(ticket, EventKind.reporter_replied, now, None, public=True, body=body)
    db.session.flush()


def last_answer(ticket: Ticket) -> TicketEvent | None:
    return db.session.scalar(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id,
                                     TicketEvent.kind == EventKind.answered)
        .order_by(TicketEvent.at.desc(), TicketEvent.id.desc()).limit(1))


def feedback_window_open(ticket: Ticket, now: datetime, config: Mapping[str, Any]) -> bool:
    """Rating and reopening are possible within N working days of the last answer."""
    if ticket.status not in ANSWERED or ticket.answered_at is None:
        return False
    elapsed = working_days_between(local_day(ticket.answered_at), local_day(now),
                                   settings.work_calendar())
    return elapsed <= config["REOPEN_WINDOW_WORKING_DAYS"]


def can_rate(ticket: Ticket, now: datetime, config: Mapping[str, Any]) -> bool:
    if not feedback_window_open(ticket, now, config):
        return False
    answer_event = last_answer(ticket)
    return answer_event is not None and db.session.scalar(
        sa.select(sa.func.count()).select_from(Rating)
        .where(Rating.answer_event_id == answer_event.id)) == 0


@_guarded
def rate(ticket: Ticket, score: int, comment: str, *, now: datetime,
         config: Mapping[str, Any]) -> Rating:
    """The reporter rates the latest answer 1–5, once."""
    if not can_rate(ticket, now, config):
        raise InvalidTransition(_l("This answer can no longer be rated."))
    if score not in range(1, 6):
        raise ValidationFailed([("score", _l("Choose a rating from 1 to 5."))])
    comment = _text(comment, "comment", "", required=False)
    rating = Rating(ticket=ticket, answer_event_id=last_answer(ticket).id, score=score,
                    comment=comment or None, at=now)
    db.session.add(rating)
    holds.record_rating(ticket, score)
    events.record(ticket, EventKind.rated, now, None, public=True, body=comment or None)
    db.session.flush()
    return rating


@_guarded
def reopen(ticket: Ticket, reason: str, *, now: datetime, config: Mapping[str, Any]) -> None:
    """The reporter is not satisfied: the agency must answer again."""
    if not feedback_window_open(ticket, now, config):
        raise InvalidTransition(_l("The time to reopen this report has passed."))
    body = _text(reason, "reason", _l("Say why the answer does not resolve your problem."))
    holds.record_reopening(ticket, now=now)
    ticket.status, ticket.closed_at = Status.reopened, None
    # The agency answers again, on a fresh clock of its own.
    holds.open_segment(ticket, ticket.agency, now=now, policy=settings.policy_for(ticket.category),
                       calendar=settings.work_calendar())
    events.record(ticket, EventKind.reopened, now, None, public=True, body=body)
    db.session.flush()
