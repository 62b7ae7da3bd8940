"""Hold segments, the paused clock, the one extension, SLA policies and escalation (DESIGN §4).

States are reached through the real services with explicit moments; dates are checked against
the 2025 calendar (Sat 26/4 worked; 30/4, 1/5 and the swapped 2/5 off).
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.clock import LOCAL_TZ
from portal.deadlines import settings
from portal.deadlines.policy import DEFAULT_POLICY, ClockPolicy
from portal.deadlines.working_days import add_working_days, end_of_day_utc
from portal.errors import InvalidTransition
from portal.extensions import db as _db
from portal.models import (Category, EventKind, HoldOutcome, HoldSegment, OutboxMessage, Status,
                           Ticket, TicketEvent)
from portal.tickets import escalation, holds, workflow
from tests.factories import agency


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def eod(*args) -> datetime:
    """23:59:59 in Hanoi on that day, as stored (UTC)."""
    return end_of_day_utc(date(*args))


T0 = local(2025, 4, 25, 9, 0)  # Friday: answer due Tue 27/5 (20 working days)
ANSWER_DUE = eod(2025, 5, 27)


@pytest.fixture
def people(directory, make_user, db):
    people = SimpleNamespace(
        coordinator=make_user("coordinator1", "coordinator"),
        officer=make_user("officer.sxd", "officer", "TB-SXD"),
        head=make_user("head.sxd", "head", "TB-SXD"),
        other_officer=make_user("officer.sct", "officer", "TB-SCT"),
        other_head=make_user("head.sct", "head", "TB-SCT"),
    )
    for user in vars(people).values():
        user.email = f"{user.username}@example.gov.vn"
    db.session.commit()
    return people


def commit():
    _db.session.commit()


def segments(ticket: Ticket) -> list[HoldSegment]:
    return holds.for_ticket(ticket)


def events(ticket: Ticket, kind: EventKind) -> list[TicketEvent]:
    return list(_db.session.scalars(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == kind).order_by(TicketEvent.id)))


def english(message) -> str:
    with force_locale("en"):
        return str(message)


# --- hold segments ------------------------------------------------------------------------

def test_a_report_moved_between_two_agencies_has_two_segments(people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SCT", now=T0)
    moved_at = local(2025, 5, 6, 16, 0)  # the 5th working day: on time
    workflow.transfer(ticket, "Thuộc thẩm quyền Sở Xây dựng.", actor=people.other_officer,
                      now=moved_at, expected_version=ticket.version)
    commit()
    assigned_at = local(2025, 5, 7, 9, 0)
    workflow.assign(ticket, agency("TB-SXD"), actor=people.coordinator, now=assigned_at,
                    expected_version=ticket.version)
    commit()
    assert ticket.answer_due == eod(2025, 6, 4)  # the receiving agency's own 20 working days
    answered_at = local(2025, 6, 5, 10, 0)  # one working day late
    workflow.answer(ticket, "Đã cấp phép.", "", actor=people.officer, now=answered_at,
                    expected_version=ticket.version)
    commit()

    first, second = segments(ticket)
    assert (first.agency.code, first.outcome, first.on_time) == (
        "TB-SCT", HoldOutcome.transferred, True)
    assert (first.started_at, first.ended_at) == (T0, moved_at)
    assert first.ack_due == eod(2025, 4, 26)  # the swapped Saturday is a working day
    assert first.transfer_due == eod(2025, 5, 6)
    assert first.answer_due == ANSWER_DUE

    assert (second.agency.code, second.outcome, second.on_time) == (
        "TB-SXD", HoldOutcome.answered, False)
    assert (second.started_at, second.ended_at) == (assigned_at, answered_at)
    assert second.ack_due == eod(2025, 5, 8)
    assert second.transfer_due == eod(2025, 5, 14)
    assert second.answer_due == eod(2025, 6, 4)
    assert second.acknowledged_at == answered_at
    assert holds.current(ticket) is None


@pytest.mark.parametrize("moved_at,on_time", [
    (local(2025, 5, 6, 23, 59, 59), True),   # the last second of the 5th working day
    (local(2025, 5, 7, 0, 0), False),        # the 6th working day
    (local(2025, 5, 12, 9, 0), False),
])
def test_a_transfer_after_five_working_days_is_late(people, make_ticket, moved_at, on_time):
    ticket, _ = make_ticket(agency_code="TB-SCT", now=T0)
    workflow.transfer(ticket, "Không thuộc thẩm quyền.", actor=people.other_officer,
                      now=moved_at, expected_version=ticket.version)
    commit()
    [segment] = segments(ticket)
    assert segment.outcome == HoldOutcome.transferred and segment.on_time is on_time
    assert segment.ended_at == moved_at


def test_reopening_opens_a_new_segment_for_the_same_agency(app, people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0)
    workflow.answer(ticket, "Trả lời", "", actor=people.officer, now=local(2025, 4, 28, 10, 0),
                    expected_version=ticket.version)
    commit()
    reopened_at = local(2025, 5, 5, 9, 0)
    workflow.reopen(ticket, "Chưa giải quyết.", now=reopened_at, config=app.config)
    commit()

    first, second = segments(ticket)
    assert (first.outcome, first.on_time, first.answer_due) == (
        HoldOutcome.answered, True, ANSWER_DUE)
    assert second.agency.code == "TB-SXD" and second.is_open
    assert (second.started_at, second.outcome, second.on_time) == (reopened_at, None, None)
    assert second.answer_due == ticket.answer_due == eod(2025, 6, 2)
    assert second.ack_due == ticket.ack_due == eod(2025, 5, 6)
    assert holds.current(ticket).id == second.id

    answered_again = local(2025, 5, 6, 9, 0)
    workflow.answer(ticket, "Đã xử lý lại.", "", actor=people.officer, now=answered_again,
                    expected_version=ticket.version)
    commit()
    first, second = segments(ticket)
    assert (second.outcome, second.on_time, second.ended_at) == (
        HoldOutcome.answered, True, answered_again)


def test_the_reopen_window_counts_the_admin_days_off(app, people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0)
    workflow.answer(ticket, "Trả lời", "", actor=people.officer, now=T0,
                    expected_version=ticket.version)
    commit()
    # Ten working days after Fri 25/4 end on Tue 13/5; an extra day off on 12/5 adds one.
    last_day = local(2025, 5, 14, 10, 0)
    assert not workflow.feedback_window_open(ticket, last_day, app.config)
    settings.set_override(date(2025, 5, 12), working=False, note="Nghỉ thêm", now=T0)
    commit()
    assert workflow.feedback_window_open(ticket, last_day, app.config)
    workflow.reopen(ticket, "Chưa giải quyết.", now=last_day, config=app.config)
    commit()
    assert segments(ticket)[-1].started_at == last_day


# --- the paused clock -----------------------------------------------------------------------

def test_needs_info_moves_the_due_date_by_the_working_days_paused(people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0)
    assert ticket.answer_due == ANSWER_DUE
    asked_at = local(2025, 4, 29, 10, 0)  # Tuesday
    workflow.request_info(ticket, "Gửi bản sao giấy phép.", actor=people.officer, now=asked_at,
                          expected_version=ticket.version)
    commit()
    assert ticket.paused_at == asked_at
    assert not ticket.is_overdue(local(2025, 6, 30, 10, 0))  # no lateness while paused

    # Seven calendar days over 30/4, 1/5, 2/5 and a weekend: two working days (5/5 and 6/5).
    workflow.reporter_reply(ticket, "Đã gửi.", now=local(2025, 5, 6, 10, 0))
    commit()
    assert ticket.status == Status.acknowledged and ticket.paused_at is None
    assert ticket.answer_due == eod(2025, 5, 29) == end_of_day_utc(
        add_working_days(date(2025, 5, 27), 2))
    assert ticket.ack_due == eod(2025, 4, 26)  # the pause moves the answer clock only
    [segment] = segments(ticket)
    assert segment.answer_due == ticket.answer_due
    assert segment.transfer_due == eod(2025, 5, 6)

    # Answered the day after the original deadline: on time thanks to the pause.
    workflow.answer(ticket, "Trả lời", "", actor=people.officer, now=local(2025, 5, 28, 10, 0),
                    expected_version=ticket.version)
    commit()
    [segment] = segments(ticket)
    assert (segment.outcome, segment.on_time) == (HoldOutcome.answered, True)


def test_a_pause_within_one_day_moves_nothing(people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0)
    workflow.request_info(ticket, "Gửi hợp đồng.", actor=people.officer,
                          now=local(2025, 5, 5, 9, 0), expected_version=ticket.version)
    workflow.reporter_reply(ticket, "Đã gửi.", now=local(2025, 5, 5, 17, 0))
    commit()
    assert ticket.answer_due == holds.current(ticket).answer_due == ANSWER_DUE


def test_an_answer_given_while_paused_ends_the_pause(people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0)
    workflow.request_info(ticket, "Gửi hợp đồng.", actor=people.officer,
                          now=local(2025, 5, 23, 9, 0), expected_version=ticket.version)
    commit()
    workflow.answer(ticket, "Trả lời", "", actor=people.officer, now=local(2025, 5, 28, 9, 0),
                    expected_version=ticket.version)
    commit()
    # Paused Fri 23/5 → Wed 28/5: Mon, Tue and Wed were stopped, so 27/5 becomes 30/5.
    assert ticket.paused_at is None and ticket.answer_due == eod(2025, 5, 30)
    [segment] = segments(ticket)
    assert (segment.answer_due, segment.on_time) == (eod(2025, 5, 30), True)


# --- the one extension ----------------------------------------------------------------------

@pytest.mark.parametrize("extension_days", [None, 3])
def test_one_extension_asked_a_working_day_before_the_deadline(db, people, make_ticket,
                                                              extension_days):
    if extension_days is not None:
        settings.set_policy(Category.delay, ClockPolicy(extension_days=extension_days),
                            now=local(2025, 4, 1, 9, 0))
        commit()
    days = extension_days or DEFAULT_POLICY.extension_days
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0, contact_email="dn@example.com")
    asked_at = local(2025, 5, 26, 16, 0)  # Monday; the answer is due Tuesday
    workflow.extend(ticket, "Cần lấy ý kiến Sở Tài chính.", "Chúng tôi xin lỗi vì sự chậm trễ.",
                    actor=people.officer, now=asked_at, expected_version=ticket.version)
    commit()

    new_due = end_of_day_utc(add_working_days(date(2025, 5, 27), days))
    assert new_due == {10: eod(2025, 6, 10), 3: eod(2025, 5, 30)}[days]
    assert ticket.answer_due == holds.current(ticket).answer_due == new_due
    assert ticket.extended_at == asked_at
    [event] = events(ticket, EventKind.extended)
    assert event.public and event.at == asked_at
    assert "Chúng tôi xin lỗi vì sự chậm trễ." in event.body
    assert "Cần lấy ý kiến Sở Tài chính." in event.body
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "extended"))
    assert mail.recipient == "dn@example.com"
    assert mail.context["apology"] == "Chúng tôi xin lỗi vì sự chậm trễ."

    version = ticket.version
    with pytest.raises(InvalidTransition) as refused:
        workflow.extend(ticket, "Lý do khác.", "Xin lỗi.", actor=people.officer,
                        now=local(2025, 5, 28, 9, 0), expected_version=version)
    assert "a second extension is not allowed" in english(refused.value.message)
    db.session.rollback()
    assert ticket.answer_due == new_due and ticket.version == version
    assert len(events(ticket, EventKind.extended)) == 1


@pytest.mark.parametrize("asked_at", [
    local(2025, 5, 27, 8, 0),    # on the due day
    local(2025, 5, 27, 23, 0),
    local(2025, 5, 28, 9, 0),    # already late
])
def test_an_extension_on_or_after_the_due_day_is_refused(db, people, make_ticket, asked_at):
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0)
    with pytest.raises(InvalidTransition) as refused:
        workflow.extend(ticket, "Lý do.", "Xin lỗi.", actor=people.officer, now=asked_at,
                        expected_version=ticket.version)
    assert "at least one working day before" in english(refused.value.message)
    db.session.rollback()
    assert ticket.answer_due == ANSWER_DUE and ticket.extended_at is None
    assert events(ticket, EventKind.extended) == []


def test_an_extension_on_the_weekend_before_a_tuesday_deadline_is_allowed(people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0)
    workflow.extend(ticket, "Lý do.", "Xin lỗi.", actor=people.officer,
                    now=local(2025, 5, 24, 10, 0), expected_version=ticket.version)
    commit()
    assert ticket.answer_due == eod(2025, 6, 10)


# --- SLA policy per category ----------------------------------------------------------------

def test_a_category_policy_applies_to_reports_filed_afterwards(db, people, make_ticket):
    before, _ = make_ticket(agency_code="TB-SXD", category="unclear_procedure", now=T0)
    settings.set_policy(Category.unclear_procedure,
                        ClockPolicy(ack_days=2, transfer_days=3, answer_days=10, extension_days=5),
                        now=local(2025, 5, 2, 9, 0))
    commit()

    filed_at = local(2025, 5, 5, 9, 0)  # Monday
    unclear, _ = make_ticket(agency_code="TB-SXD", category="unclear_procedure", now=filed_at)
    delay, _ = make_ticket(agency_code="TB-SXD", category="delay", now=filed_at)
    triaged, _ = make_ticket(category="unclear_procedure", now=filed_at)

    assert (unclear.ack_due, unclear.answer_due) == (eod(2025, 5, 7), eod(2025, 5, 19))
    [segment] = segments(unclear)
    assert (segment.ack_due, segment.transfer_due, segment.answer_due) == (
        eod(2025, 5, 7), eod(2025, 5, 8), eod(2025, 5, 19))
    # Other categories keep the defaults of DESIGN §4.
    assert (delay.ack_due, delay.answer_due) == (eod(2025, 5, 6), eod(2025, 6, 2))
    assert segments(delay)[0].transfer_due == eod(2025, 5, 12)
    assert settings.policy_for(Category.delay) == DEFAULT_POLICY
    # An assignment from triage uses the category's policy too.
    workflow.assign(triaged, agency("TB-SXD"), actor=people.coordinator, now=filed_at,
                    expected_version=triaged.version)
    commit()
    assert segments(triaged)[0].answer_due == eod(2025, 5, 19)

    # Reports filed before keep the due dates they were given.
    db.session.expire_all()
    assert (before.ack_due, before.answer_due) == (eod(2025, 4, 26), ANSWER_DUE)
    assert segments(before)[0].answer_due == ANSWER_DUE


# --- escalation -----------------------------------------------------------------------------

def run_escalation(moment: datetime) -> int:
    fired = escalation.escalate(now=moment, calendar=settings.work_calendar())
    commit()
    return fired


def escalation_mail(db, ticket: Ticket) -> Counter:
    rows = db.session.execute(sa.select(OutboxMessage.template, OutboxMessage.recipient).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.template.like("escalation%")))
    return Counter(f"{template} {recipient.split('@')[0]}" for template, recipient in rows)


def markers(segment: HoldSegment) -> tuple:
    return segment.reminded_at, segment.head_alerted_at, segment.coordinator_alerted_at


def test_escalation_steps_fire_once_each(db, people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD", now=T0)
    [segment] = segments(ticket)
    reminded, head_at, late_at = (local(2025, 5, 23, 10, 0), local(2025, 5, 27, 10, 0),
                                  local(2025, 6, 3, 10, 0))
    timeline = [
        (local(2025, 5, 22, 10, 0), 0, []),                 # 3 working days left
        (reminded, 1, ["escalation_officer"]),              # 2 left
        (local(2025, 5, 26, 10, 0), 0, []),
        (head_at, 1, ["escalation_head"]),                  # the due day
        (local(2025, 5, 27, 23, 59), 0, []),
        (local(2025, 6, 2, 10, 0), 0, []),                  # 4 working days late
        (late_at, 1, ["escalation_coordinator"]),           # 5 working days late
        (local(2025, 6, 20, 10, 0), 0, []),
    ]
    steps = []
    for moment, expected, new_steps in timeline:
        for _ in range(2):  # running the job twice sends nothing twice
            assert run_escalation(moment) == expected, moment
            expected = 0
        steps += new_steps
        assert [e.body for e in events(ticket, EventKind.escalated)] == steps, moment

    assert markers(segment) == (reminded, head_at, late_at)
    assert all(not e.public and e.agency_id == agency("TB-SXD").id
               for e in events(ticket, EventKind.escalated))
    assert escalation_mail(db, ticket) == Counter({
        "escalation_officer officer.sxd": 1, "escalation_officer head.sxd": 1,
        "escalation_head head.sxd": 1, "escalation_coordinator coordinator1": 1})


def test_no_escalation_while_waiting_for_the_reporter_or_after_the_answer(db, people,
                                                                          make_ticket):
    paused, _ = make_ticket(agency_code="TB-SXD", now=T0)
    answered, _ = make_ticket(agency_code="TB-SXD", now=T0)
    workflow.request_info(paused, "Gửi hợp đồng.", actor=people.officer,
                          now=local(2025, 5, 20, 9, 0), expected_version=paused.version)
    workflow.answer(answered, "Trả lời", "", actor=people.officer, now=local(2025, 5, 20, 9, 0),
                    expected_version=answered.version)
    commit()
    for moment in (local(2025, 5, 23, 10, 0), local(2025, 5, 27, 10, 0),
                   local(2025, 6, 3, 10, 0)):
        assert run_escalation(moment) == 0
    assert events(paused, EventKind.escalated) == events(answered, EventKind.escalated) == []
    assert markers(segments(paused)[0]) == (None, None, None)

    # Paused 20/5 → 4/6 (11 working days): due 27/5 becomes 11/6, and the clock runs again.
    workflow.reporter_reply(paused, "Đã gửi.", now=local(2025, 6, 4, 9, 0))
    commit()
    assert paused.answer_due == eod(2025, 6, 11)
    assert run_escalation(local(2025, 6, 6, 10, 0)) == 0  # 3 working days left
    assert run_escalation(local(2025, 6, 9, 10, 0)) == 1  # 2 left
    assert [e.body for e in events(paused, EventKind.escalated)] == ["escalation_officer"]


def test_harassment_escalations_never_reach_officers(db, people, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD", category="harassment", now=T0)
    for moment in (local(2025, 5, 23, 10, 0), local(2025, 5, 27, 10, 0),
                   local(2025, 6, 3, 10, 0)):
        assert run_escalation(moment) == 1
    assert escalation_mail(db, ticket) == Counter({
        "escalation_officer head.sxd": 1, "escalation_head head.sxd": 1,
        "escalation_coordinator coordinator1": 1})
    recipients = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
    assert not any(r.startswith("officer.") for r in recipients)
