"""`flask portal escalate` end to end: reminders and alerts reach staff by real SMTP, once."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal import clock
from portal.clock import LOCAL_TZ
from portal.deadlines import settings
from portal.deadlines.working_days import add_working_days, local_day, working_days_between
from portal.extensions import db
from portal.models import EventKind, Role, TicketEvent, User
from portal.notifications.render import SUBJECTS
from portal.tickets import workflow
from tests import factories
from tests.smtp import html_part, text_part

FILED_AT = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # Monday 09:00 in Hà Nội
REPORTER = {"contact_name": "Phạm Thị Dung", "contact_email": "dung@congty.vn",
            "contact_phone": "0912000111", "business_name": "Công ty CP Xây lắp Dung Hà"}
DESCRIPTION = "Đã nộp hồ sơ tại Bộ phận một cửa, quá hẹn 10 ngày chưa có kết quả."


@pytest.fixture
def people(directory):
    """Staff with e-mail addresses: TB-SXD's officer and head, a coordinator, and an officer
    of another agency who must hear nothing."""
    made = {}
    for key, role, agency in (("officer", Role.officer, "TB-SXD"), ("head", Role.head, "TB-SXD"),
                              ("coordinator", Role.coordinator, None),
                              ("other", Role.officer, "TB-SKHDT")):
        user = factories.make_user(f"{key}-esc", role, agency)
        user.email = f"{key}@so.thaibinh.gov.vn"
        made[key] = user
    db.session.commit()
    return {key: user.email for key, user in made.items()}


@pytest.fixture
def report(make_ticket, people):
    def make(**fields):
        clock.freeze(FILED_AT)
        ticket, _ = make_ticket(agency_code="TB-SXD", description=DESCRIPTION,
                                **{**REPORTER, **fields})
        return ticket
    return make


def at(day: date) -> None:
    clock.freeze(datetime.combine(day, time(10, 0), tzinfo=LOCAL_TZ).astimezone(timezone.utc))


def before(due_day: date, n: int) -> date:
    """The last day from which ``n`` working days remain until ``due_day``."""
    day, calendar = due_day, settings.work_calendar()
    while working_days_between(day, due_day, calendar) < n:
        day -= timedelta(days=1)
    return day


def late(due_day: date, n: int) -> date:
    return add_working_days(due_day, n, settings.work_calendar())


def escalate(runner) -> int:
    result = runner.invoke(args=["portal", "escalate"])
    assert result.exit_code == 0, result.output
    return int(result.output.split("escalations:")[1])


def escalations(ticket) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(TicketEvent.body).where(TicketEvent.ticket_id == ticket.id,
                                          TicketEvent.kind == EventKind.escalated)
        .order_by(TicketEvent.id)))


def staff_mail(smtp_server, people):
    return [m for m in smtp_server.messages if m["To"] in people.values()]


def subject(template, code):
    with force_locale("vi"):  # staff mail, and this reporter's, is in Vietnamese
        return str(SUBJECTS[template]) % {"code": code}


def test_officer_then_head_then_coordinator_each_once(runner, smtp_server, people, report):
    ticket = report()
    code, due_day = ticket.code, local_day(ticket.answer_due)

    at(before(due_day, 3))
    assert escalate(runner) == 0
    assert staff_mail(smtp_server, people) == []

    at(before(due_day, 2))
    assert escalate(runner) == 1
    reminders = staff_mail(smtp_server, people)
    assert sorted(m["To"] for m in reminders) == sorted([people["officer"], people["head"]])
    assert {m["Subject"] for m in reminders} == {subject("escalation_officer", code)}
    assert f"http://127.0.0.1:5000/inbox/{code}" in text_part(reminders[0])

    assert escalate(runner) == 0  # the same day again: nothing twice
    assert len(staff_mail(smtp_server, people)) == 2
    assert escalations(ticket) == ["escalation_officer"]

    at(due_day)
    assert escalate(runner) == 1
    [alert] = staff_mail(smtp_server, people)[2:]
    assert alert["To"] == people["head"]
    assert alert["Subject"] == subject("escalation_head", code)

    at(late(due_day, 4))
    assert escalate(runner) == 0
    at(late(due_day, 5))
    assert escalate(runner) == 1
    assert escalate(runner) == 0
    [late_alert] = staff_mail(smtp_server, people)[3:]
    assert late_alert["To"] == people["coordinator"]
    assert late_alert["Subject"] == subject("escalation_coordinator", code)
    assert escalations(ticket) == ["escalation_officer", "escalation_head",
                                   "escalation_coordinator"]

    staff = staff_mail(smtp_server, people)
    assert len(staff) == 4 and people["other"] not in {m["To"] for m in staff}
    for message in staff:
        body, html = text_part(message), html_part(message)
        for secret in (*REPORTER.values(), DESCRIPTION, "/track"):
            assert secret not in body and secret not in html, (message["Subject"], secret)
    # The reporter heard only of the filing; escalations are internal.
    assert [m["Subject"] for m in smtp_server.to(REPORTER["contact_email"])] == [
        subject("received", code)]


def test_harassment_reminders_never_reach_officers(runner, smtp_server, people, report):
    ticket = report(category="harassment")
    due_day = local_day(ticket.answer_due)
    for day in (before(due_day, 2), due_day, late(due_day, 5)):
        at(day)
        assert escalate(runner) == 1
    recipients = [m["To"] for m in staff_mail(smtp_server, people)]
    assert recipients == [people["head"], people["head"], people["coordinator"]]


def test_a_report_waiting_for_the_reporter_is_not_escalated(runner, smtp_server, people, report):
    ticket = report()
    officer = db.session.scalar(sa.select(User).where(User.email == people["officer"]))
    clock.freeze(FILED_AT + timedelta(hours=1))
    workflow.request_info(ticket, "Đề nghị gửi bản chụp giấy hẹn.", actor=officer,
                          now=clock.now_utc(), expected_version=None)
    db.session.commit()
    due_day = local_day(ticket.answer_due)
    for day in (before(due_day, 2), due_day, late(due_day, 5)):
        at(day)
        assert escalate(runner) == 0
    assert staff_mail(smtp_server, people) == []
    assert escalations(ticket) == []


def test_a_report_left_in_triage_alerts_the_coordinators_once_per_stay(runner, smtp_server,
                                                                        people, make_ticket):
    """No agency, no hold segment: the coordinators hear of it after the transfer limit (5
    working days by default), once; sent back to triage later, the wait starts again."""
    clock.freeze(FILED_AT)
    ticket, _ = make_ticket(description=DESCRIPTION, **REPORTER)
    filed_day = local_day(FILED_AT)
    calendar = settings.work_calendar()

    at(add_working_days(filed_day, 4, calendar))
    assert escalate(runner) == 0
    at(add_working_days(filed_day, 5, calendar))
    assert escalate(runner) == 1
    assert escalate(runner) == 0
    [alert] = staff_mail(smtp_server, people)
    assert alert["To"] == people["coordinator"]
    assert alert["Subject"] == subject("escalation_triage", ticket.code)
    assert "5" in text_part(alert)
    for secret in (*REPORTER.values(), DESCRIPTION):
        assert secret not in text_part(alert) and secret not in html_part(alert)

    # Assigned, then sent back by the agency: a new stay in triage, a new alert when it lasts.
    coordinator = db.session.scalar(sa.select(User).where(User.email == people["coordinator"]))
    head = db.session.scalar(sa.select(User).where(User.email == people["head"]))
    back_day = add_working_days(filed_day, 6, calendar)
    at(back_day)
    workflow.assign(ticket, factories.agency("TB-SXD"), actor=coordinator, now=clock.now_utc(),
                    expected_version=None)
    workflow.transfer(ticket, "Không thuộc thẩm quyền của Sở Xây dựng.", actor=head,
                      now=clock.now_utc(), expected_version=None)
    db.session.commit()
    at(add_working_days(back_day, 4, calendar))
    assert escalate(runner) == 0
    at(add_working_days(back_day, 5, calendar))
    assert escalate(runner) == 1
    assert escalations(ticket) == ["escalation_triage", "escalation_triage"]
    assert [m["To"] for m in staff_mail(smtp_server, people)] == [people["coordinator"]] * 2


def test_an_assigned_report_is_not_a_triage_alert(runner, smtp_server, people, report):
    ticket = report()  # held by TB-SXD from the start
    at(add_working_days(local_day(FILED_AT), 6, settings.work_calendar()))
    assert escalate(runner) == 0
    assert escalations(ticket) == []



def test_a_report_every_step_fired_for_is_not_read_again(runner, smtp_server, people, report):
    """Long-overdue open reports cost the job nothing once the coordinators have been alerted
    (each candidate's remaining working days are counted day by day)."""
    from portal.tickets import escalation

    done = report()
    at(late(local_day(done.answer_due), 5))
    assert escalate(runner) == 3  # every step at once
    pending = report()  # filed now: due in the coming weeks, nothing fired yet
    at(before(local_day(pending.answer_due), 2))
    db.session.expire_all()
    assert [s.ticket_id for s in escalation._candidates(clock.now_utc())] == [pending.id]
    db.session.rollback()  # on PostgreSQL the candidates are locked until the transaction ends
    assert escalate(runner) == 1
    assert escalations(done) == ["escalation_officer", "escalation_head",
                                 "escalation_coordinator"]
