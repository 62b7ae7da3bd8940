"""The report's state machine, driven through the services in portal/tickets/workflow.py."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal import clock
from portal.deadlines.working_days import add_working_days, deadline
from portal.errors import (Conflict, InvalidTransition, NotFound, PermissionDenied,
                           ValidationFailed)
from portal.extensions import db as _db
from portal.models import EventKind, Rating, Status, Ticket, TicketEvent
from portal.models.event import ImmutableEventError
from portal.tickets import history, workflow
from tests.factories import agency, utc

T0 = utc(2025, 4, 25, 2, 0)  # Friday 09:00 in Hanoi
_seconds = count(1)


def later() -> datetime:
    """A moment after every earlier one, still on T0's working day."""
    return T0 + timedelta(seconds=next(_seconds))


@pytest.fixture
def people(directory, make_user):
    return SimpleNamespace(
        coordinator=make_user("coordinator1", "coordinator"),
        admin=make_user("admin1", "admin"),
        clerk=make_user("clerk1", "clerk"),
        analyst=make_user("analyst1", "analyst"),
        inspector=make_user("inspector1", "inspector"),
        officer=make_user("officer.sxd", "officer", "TB-SXD"),
        officer2=make_user("officer2.sxd", "officer", "TB-SXD"),
        head=make_user("head.sxd", "head", "TB-SXD"),
        other_officer=make_user("officer.sct", "officer", "TB-SCT"),
        other_head=make_user("head.sct", "head", "TB-SCT"),
    )


def kinds(ticket: Ticket) -> list[EventKind]:
    return list(_db.session.scalars(
        sa.select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)
        .order_by(TicketEvent.id)))


def commit():
    _db.session.commit()


# --- one action per name, as the inbox, triage and tracking pages call them ---------------

def _officer_action(fn, *args):
    def run(ticket, ctx, now):
        fn(ticket, *args, actor=ctx.people.officer, now=now, expected_version=ticket.version)
    return run


ACTIONS = {
    "acknowledge": _officer_action(workflow.acknowledge),
    "request_info": _officer_action(workflow.request_info, "Xin bổ sung bản sao giấy phép."),
    "answer": _officer_action(workflow.answer, "Hồ sơ đã được giải quyết.", "Luật Xây dựng"),
    "note": _officer_action(workflow.add_note, "Đã gọi điện cho doanh nghiệp."),
    "transfer": _officer_action(workflow.transfer, "Thuộc thẩm quyền Sở Công Thương."),
    "close": _officer_action(workflow.close),
    "assign": lambda t, ctx, now: workflow.assign(
        t, agency("TB-SXD"), actor=ctx.people.coordinator, now=now,
        expected_version=t.version),
    "reject": lambda t, ctx, now: workflow.reject(
        t, "Trùng với phản ánh đã gửi.", actor=ctx.people.coordinator, now=now,
        expected_version=t.version),
    "reporter_reply": lambda t, ctx, now: workflow.reporter_reply(t, "Đã bổ sung.", now=now),
    "rate": lambda t, ctx, now: workflow.rate(t, 4, "", now=now, config=ctx.config),
    "reopen": lambda t, ctx, now: workflow.reopen(t, "Chưa giải quyết.", now=now,
                                                  config=ctx.config),
}

# What each action may start from, and where it leads (None: the status does not change).
AGENCY_STATES = {Status.assigned, Status.acknowledged, Status.needs_info, Status.answered,
                 Status.reopened, Status.closed}
WORKING = {Status.assigned, Status.acknowledged, Status.needs_info, Status.reopened}
ALLOWED = {
    "acknowledge": ({Status.assigned, Status.reopened}, Status.acknowledged),
    "request_info": ({Status.assigned, Status.acknowledged, Status.reopened}, Status.needs_info),
    "answer": (WORKING, Status.answered),
    "note": (AGENCY_STATES, None),
    "transfer": (WORKING, Status.transferred),
    "close": ({Status.answered}, Status.closed),
    "assign": ({Status.new, Status.transferred}, Status.assigned),
    "reject": ({Status.new, Status.transferred}, Status.rejected),
    "reporter_reply": (set(Status) - {Status.closed, Status.rejected}, None),
    "rate": ({Status.answered, Status.closed}, None),
    "reopen": ({Status.answered, Status.closed}, Status.reopened),
}
OFFICER_ACTIONS = {"acknowledge", "request_info", "answer", "note", "transfer", "close"}


@pytest.fixture
def ctx(app, people, make_ticket):
    return SimpleNamespace(app=app, config=app.config, people=people, make_ticket=make_ticket)


def reach(ctx, state: Status, **fields) -> Ticket:
    """A report in ``state``, brought there through the services only."""
    if state in {Status.new, Status.rejected}:
        ticket, _ = ctx.make_ticket(now=T0, **fields)
        if state == Status.rejected:
            ACTIONS["reject"](ticket, ctx, later())
    else:
        ticket, _ = ctx.make_ticket(agency_code="TB-SXD", now=T0, **fields)
        path = {
            Status.assigned: [],
            Status.acknowledged: ["acknowledge"],
            Status.needs_info: ["request_info"],
            Status.answered: ["acknowledge", "answer"],
            Status.closed: ["acknowledge", "answer", "close"],
            Status.reopened: ["answer", "reopen"],
            Status.transferred: ["transfer"],
        }[state]
        for name in path:
            ACTIONS[name](ticket, ctx, later())
            commit()
    commit()
    assert ticket.status == state
    return ticket


# --- allowed and refused transitions ------------------------------------------------------

@pytest.mark.parametrize("state", list(Status))
def test_every_action_from_every_status(ctx, db, state):
    for name, run in ACTIONS.items():
        ticket = reach(ctx, state)
        allowed, target = ALLOWED[name]
        before_version, before_events = ticket.version, len(kinds(ticket))
        if name in OFFICER_ACTIONS and ticket.agency_id is None:
            # Nobody's inbox holds it: to an officer it does not exist.
            with pytest.raises(NotFound):
                run(ticket, ctx, later())
        elif state in allowed:
            run(ticket, ctx, later())
            commit()
            expected = target or (Status.acknowledged if name == "reporter_reply"
                                  and state == Status.needs_info else state)
            assert ticket.status == expected, (name, state)
            assert ticket.version > before_version, (name, state)
            assert len(kinds(ticket)) == before_events + 1, (name, state)
            continue
        else:
            with pytest.raises(InvalidTransition):
                run(ticket, ctx, later())
        db.session.rollback()
        assert ticket.status == state, (name, state)
        assert ticket.version == before_version, (name, state)
        assert len(kinds(ticket)) == before_events, (name, state)


def test_filed_to_an_agency_through_to_closed(ctx, db):
    people = ctx.people
    ticket, _ = ctx.make_ticket(agency_code="TB-SXD", now=T0)
    assert ticket.status == Status.assigned
    assert ticket.ack_due == deadline(T0, 1) == utc(2025, 4, 26, 16, 59, 59)
    assert ticket.answer_due == deadline(T0, 20)
    versions = [ticket.version]

    t1, t2, t3, t4, t5 = (T0 + timedelta(hours=h) for h in range(1, 6))
    workflow.acknowledge(ticket, actor=people.officer, now=t1, expected_version=ticket.version)
    commit()
    versions.append(ticket.version)
    workflow.request_info(ticket, "Gửi bản sao hợp đồng.", actor=people.officer, now=t2,
                          expected_version=ticket.version)
    commit()
    versions.append(ticket.version)
    assert ticket.status == Status.needs_info
    workflow.reporter_reply(ticket, "Đã gửi bản sao.", now=t3)
    commit()
    versions.append(ticket.version)
    assert ticket.status == Status.acknowledged
    workflow.answer(ticket, "Giấy phép đã được cấp.", "  Luật Xây dựng 2014, Điều 102  ",
                    actor=people.officer2, now=t4, expected_version=ticket.version)
    commit()
    versions.append(ticket.version)
    workflow.close(ticket, actor=people.head, now=t5, expected_version=ticket.version)
    commit()
    versions.append(ticket.version)

    assert ticket.status == Status.closed
    assert (ticket.acknowledged_at, ticket.answered_at, ticket.closed_at) == (t1, t4, t5)
    assert versions == sorted(set(versions)), versions
    assert kinds(ticket) == [EventKind.filed, EventKind.assigned, EventKind.acknowledged,
                             EventKind.info_requested, EventKind.reporter_replied,
                             EventKind.answered, EventKind.closed]
    answer = workflow.last_answer(ticket)
    assert answer.actor_id == people.officer2.id
    assert answer.legal_basis == "Luật Xây dựng 2014, Điều 102"
    assert answer.agency_id == agency("TB-SXD").id
    assert answer.public
    reply = db.session.scalar(sa.select(TicketEvent).where(
        TicketEvent.kind == EventKind.reporter_replied))
    assert reply.actor_id is None


def test_triage_assign_transfer_and_reassign(ctx, db):
    people = ctx.people
    ticket, _ = ctx.make_ticket(now=T0)
    assert ticket.status == Status.new and ticket.agency_id is None
    original_due = ticket.answer_due

    workflow.assign(ticket, agency("TB-SCT"), actor=people.coordinator, now=T0 + timedelta(hours=1),
                    expected_version=ticket.version)
    commit()
    assert ticket.agency_id == agency("TB-SCT").id
    assert ticket.answer_due == original_due  # the first assignment keeps the filing clock

    workflow.transfer(ticket, "Không thuộc thẩm quyền.", actor=people.other_officer,
                      now=T0 + timedelta(hours=2), expected_version=ticket.version)
    commit()
    assert ticket.status == Status.transferred and ticket.agency_id is None
    transferred = db.session.scalar(sa.select(TicketEvent).where(
        TicketEvent.kind == EventKind.transferred))
    assert transferred.agency_id == agency("TB-SCT").id  # charged to who held it

    # The next agency gets its own time from the reassignment (Monday 28/4).
    moment = utc(2025, 4, 28, 3, 0)
    workflow.assign(ticket, agency("TB-SXD"), actor=people.admin, now=moment,
                    expected_version=ticket.version)
    commit()
    assert ticket.status == Status.assigned and ticket.agency_id == agency("TB-SXD").id
    assert ticket.ack_due == deadline(moment, 1)
    assert ticket.answer_due == deadline(moment, 20)
    assigned = db.session.scalars(sa.select(TicketEvent).where(
        TicketEvent.kind == EventKind.assigned).order_by(TicketEvent.id)).all()
    assert [e.to_agency.code for e in assigned] == ["TB-SCT", "TB-SXD"]


def test_rejection_needs_a_reason_and_ends_the_report(ctx, db):
    ticket, _ = ctx.make_ticket(now=T0)
    with pytest.raises(ValidationFailed) as failed:
        workflow.reject(ticket, "   ", actor=ctx.people.coordinator, now=later(),
                        expected_version=ticket.version)
    assert [f for f, _ in failed.value.errors] == ["reason"]
    db.session.rollback()
    moment = later()
    workflow.reject(ticket, "Ngoài phạm vi.", actor=ctx.people.coordinator, now=moment,
                    expected_version=ticket.version)
    commit()
    assert ticket.status == Status.rejected and ticket.closed_at == moment
    assert not ticket.is_open


@pytest.mark.parametrize("text,basis,field", [
    ("", "", "body"),
    ("   \n ", "", "body"),
    ("x" * (workflow.BODY_MAX + 1), "", "body"),
    ("Trả lời", "x" * 501, "legal_basis"),
])
def test_answer_validation_leaves_the_report_untouched(ctx, db, text, basis, field):
    ticket = reach(ctx, Status.acknowledged)
    version = ticket.version
    with pytest.raises(ValidationFailed) as failed:
        workflow.answer(ticket, text, basis, actor=ctx.people.officer, now=later(),
                        expected_version=version)
    assert [f for f, _ in failed.value.errors] == [field]
    db.session.rollback()
    assert ticket.status == Status.acknowledged and ticket.version == version


# --- version checks -----------------------------------------------------------------------

def test_stale_expected_version_is_a_conflict(ctx, db):
    ticket = reach(ctx, Status.assigned)
    seen = ticket.version  # the version the second officer's form carries
    workflow.acknowledge(ticket, actor=ctx.people.officer, now=later(), expected_version=seen)
    commit()
    with pytest.raises(Conflict):
        workflow.answer(ticket, "Trả lời", "", actor=ctx.people.officer2, now=later(),
                        expected_version=seen)
    db.session.rollback()
    assert ticket.status == Status.acknowledged
    assert EventKind.answered not in kinds(ticket)


def test_concurrent_change_in_another_session_is_a_conflict(ctx, db):
    ticket = reach(ctx, Status.assigned)
    ticket_id, version = ticket.id, ticket.version
    assert ticket.status == Status.assigned  # loaded in this session
    with Session(db.engine) as other:  # a second officer's request, committed first
        theirs = other.get(Ticket, ticket_id)
        theirs.subject = "Changed by the other officer"
        other.commit()
        assert theirs.version != version

    with pytest.raises(Conflict) as conflict:  # our form's version matches our stale copy...
        workflow.acknowledge(ticket, actor=ctx.people.officer, now=later(),
                             expected_version=version)
    # ...so it is the UPDATE ... WHERE version = :old that found no row.
    assert isinstance(conflict.value.__cause__, StaleDataError)
    db.session.rollback()
    fresh = db.session.get(Ticket, ticket_id)
    assert fresh.subject == "Changed by the other officer"  # nothing lost
    assert fresh.status == Status.assigned
    assert EventKind.acknowledged not in kinds(fresh)


# --- immutable history --------------------------------------------------------------------

def test_events_cannot_be_updated_or_deleted(ctx, db):
    ticket = reach(ctx, Status.acknowledged)
    event = db.session.scalars(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).first()
    event_id, body = event.id, event.body

    event.body = "rewritten history"
    with pytest.raises(ImmutableEventError):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.get(TicketEvent, event_id))
    with pytest.raises(ImmutableEventError):
        db.session.flush()
    db.session.rollback()

    assert db.session.get(TicketEvent, event_id).body == body
    assert len(kinds(ticket)) == 3


def test_internal_notes_and_transfer_reasons_stay_internal(ctx, db):
    ticket = reach(ctx, Status.acknowledged)
    workflow.add_note(ticket, "Nghi vấn cán bộ A.", actor=ctx.people.officer, now=later(),
                      expected_version=ticket.version)
    workflow.transfer(ticket, "Lý do nội bộ.", actor=ctx.people.officer, now=later(),
                      expected_version=ticket.version)
    commit()
    reporter_view = history.for_reporter(ticket, "vi")
    assert EventKind.note not in [item.kind for item in reporter_view]
    assert all(item.body is None for item in reporter_view if item.kind == EventKind.transferred)
    assert all(item.actor_name is None for item in reporter_view)
    staff_view = history.for_staff(ticket, "vi", with_reveals=False)
    assert [i.body for i in staff_view if i.kind == EventKind.note] == ["Nghi vấn cán bộ A."]


# --- rating and reopening -----------------------------------------------------------------

def test_an_answer_is_rated_once(ctx, db):
    ticket = reach(ctx, Status.answered)
    for bad in (0, 6):
        with pytest.raises(ValidationFailed):
            workflow.rate(ticket, bad, "", now=later(), config=ctx.config)
        db.session.rollback()
    rating = workflow.rate(ticket, 5, "Nhanh chóng", now=later(), config=ctx.config)
    commit()
    first_answer = workflow.last_answer(ticket)
    assert rating.answer_event_id == first_answer.id and rating.score == 5
    assert not workflow.can_rate(ticket, later(), ctx.config)
    with pytest.raises(InvalidTransition):
        workflow.rate(ticket, 1, "", now=later(), config=ctx.config)
    db.session.rollback()

    # The database refuses a second rating of the same answer as well.
    db.session.add(Rating(ticket_id=ticket.id, answer_event_id=first_answer.id, score=1,
                          at=later()))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()

    # A new answer after reopening may be rated again.
    workflow.reopen(ticket, "Chưa thỏa đáng.", now=later(), config=ctx.config)
    workflow.answer(ticket, "Đã xử lý lại.", "", actor=ctx.people.officer, now=later(),
                    expected_version=ticket.version)
    commit()
    assert workflow.can_rate(ticket, later(), ctx.config)
    workflow.rate(ticket, 4, "", now=later(), config=ctx.config)
    commit()
    scores = db.session.scalars(sa.select(Rating.score).where(Rating.ticket_id == ticket.id)
                                .order_by(Rating.id)).all()
    assert scores == [5, 4]


def _answered_on_friday(ctx) -> Ticket:
    clock.freeze(T0)  # filed "now": Friday 25/4/2025, 09:00 in Hanoi
    ticket, _ = ctx.make_ticket(agency_code="TB-SXD")
    assert ticket.received_at == T0
    workflow.answer(ticket, "Trả lời", "", actor=ctx.people.officer,
                    now=T0 + timedelta(hours=1), expected_version=ticket.version)
    commit()
    return ticket


def test_reopen_window_is_ten_working_days_after_the_answer(ctx, db):
    last_day = add_working_days(date(2025, 4, 25), ctx.config["REOPEN_WINDOW_WORKING_DAYS"])
    assert last_day == date(2025, 5, 13)  # over the 30/4–2/5 holidays and the swapped Saturday
    in_time = datetime(2025, 5, 13, 23, 59, tzinfo=clock.LOCAL_TZ)
    too_late = datetime(2025, 5, 14, 0, 0, tzinfo=clock.LOCAL_TZ)

    ticket = _answered_on_friday(ctx)
    assert workflow.feedback_window_open(ticket, in_time, ctx.config)
    assert not workflow.feedback_window_open(ticket, too_late, ctx.config)
    with pytest.raises(InvalidTransition):
        workflow.reopen(ticket, "Chưa thỏa đáng.", now=too_late, config=ctx.config)
    db.session.rollback()
    with pytest.raises(InvalidTransition):
        workflow.rate(ticket, 3, "", now=too_late, config=ctx.config)
    db.session.rollback()
    assert ticket.status == Status.answered

    workflow.reopen(ticket, "Chưa thỏa đáng.", now=in_time, config=ctx.config)
    commit()
    assert ticket.status == Status.reopened and ticket.closed_at is None
    assert ticket.is_open


def test_reopen_needs_a_reason(ctx, db):
    ticket = _answered_on_friday(ctx)
    with pytest.raises(ValidationFailed):
        workflow.reopen(ticket, "  ", now=T0 + timedelta(hours=2), config=ctx.config)


def test_closed_report_can_be_reopened_in_the_window(ctx, db):
    ticket = reach(ctx, Status.closed)
    workflow.reopen(ticket, "Vẫn chưa nhận kết quả.", now=later(), config=ctx.config)
    commit()
    assert ticket.status == Status.reopened and ticket.closed_at is None


# --- who may act --------------------------------------------------------------------------

@pytest.mark.parametrize("actor,category,error", [
    ("other_officer", "delay", NotFound),        # another agency: it does not exist for them
    ("other_head", "delay", NotFound),
    ("clerk", "delay", NotFound),
    ("analyst", "delay", NotFound),
    ("inspector", "delay", NotFound),
    ("officer", "harassment", NotFound),          # officers never see harassment reports
    ("coordinator", "delay", PermissionDenied),   # sees everything, works no inbox
    ("admin", "delay", PermissionDenied),
    ("inspector", "harassment", PermissionDenied),
    ("other_head", "harassment", NotFound),
])
def test_wrong_actor_is_refused(ctx, db, actor, category, error):
    ticket = reach(ctx, Status.assigned, category=category)
    version = ticket.version
    user = getattr(ctx.people, actor)
    attempts = [
        lambda: workflow.acknowledge(ticket, actor=user, now=later(), expected_version=version),
        lambda: workflow.answer(ticket, "Trả lời", "", actor=user, now=later(),
                                expected_version=version),
        lambda: workflow.add_note(ticket, "Ghi chú", actor=user, now=later(),
                                  expected_version=version),
        lambda: workflow.transfer(ticket, "Lý do", actor=user, now=later(),
                                  expected_version=version),
    ]
    for attempt in attempts:
        with pytest.raises(error):
            attempt()
        db.session.rollback()
    assert ticket.status == Status.assigned and ticket.version == version
    assert kinds(ticket) == [EventKind.filed, EventKind.assigned]


def test_head_works_harassment_reports_of_the_agency(ctx, db):
    ticket = reach(ctx, Status.assigned, category="harassment")
    workflow.acknowledge(ticket, actor=ctx.people.head, now=later(),
                         expected_version=ticket.version)
    commit()
    assert ticket.status == Status.acknowledged


@pytest.mark.parametrize("actor", ["officer", "head", "clerk", "inspector", "analyst"])
def test_only_coordinators_triage(ctx, db, actor):
    ticket = reach(ctx, Status.new)
    user = getattr(ctx.people, actor)
    with pytest.raises(PermissionDenied):
        workflow.assign(ticket, agency("TB-SXD"), actor=user, now=later(),
                        expected_version=ticket.version)
    with pytest.raises(PermissionDenied):
        workflow.reject(ticket, "Spam", actor=user, now=later(), expected_version=ticket.version)
    db.session.rollback()
    assert ticket.status == Status.new
