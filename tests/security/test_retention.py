"""Retention: contact details of long-ended reports are cleared; content and history stay."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import OutboxMessage, Role, Ticket
from portal.tickets import retention, workflow
from tests.factories import utc
from tests.web.support import events, ticket

T0 = utc(2025, 3, 3, 2)
CONTACT = {"business_name": "Công ty TNHH Hải Minh", "contact_name": "Vũ Minh Hải",
           "contact_email": "hai@doanhnghiep.vn", "contact_phone": "0900111222"}


@pytest.fixture
def reports(directory, make_ticket, make_user):
    """Four reports with contact details: closed, rejected, still open, closed recently."""
    officer = make_user("ret.officer", Role.officer, "TB-SXD")
    coordinator = make_user("ret.coordinator", Role.coordinator)

    def close(found, at):
        workflow.acknowledge(found, actor=officer, now=at, expected_version=found.version)
        workflow.answer(found, "Đã cấp giấy phép.", "", actor=officer, now=at + timedelta(hours=1),
                        expected_version=found.version)
        workflow.close(found, actor=officer, now=at + timedelta(hours=2),
                       expected_version=found.version)
        db.session.commit()

    closed, _ = make_ticket(agency_code="TB-SXD", now=T0, **CONTACT)
    close(closed, T0 + timedelta(days=1))
    rejected, _ = make_ticket(now=T0, **CONTACT)
    workflow.reject(rejected, "Trùng lặp.", actor=coordinator, now=T0 + timedelta(days=2),
                    expected_version=rejected.version)
    db.session.commit()
    still_open, _ = make_ticket(agency_code="TB-SXD", now=T0, **CONTACT)
    recent, _ = make_ticket(agency_code="TB-SXD", now=T0 + timedelta(days=300), **CONTACT)
    close(recent, T0 + timedelta(days=301))
    return {"closed": closed.code, "rejected": rejected.code, "open": still_open.code,
            "recent": recent.code}


def _contact(code: str) -> dict:
    found = ticket(code)
    return {name: getattr(found, name) for name in retention.CONTACT_FIELDS}


EMPTY = dict.fromkeys(retention.CONTACT_FIELDS)


def test_service_clears_only_reports_ended_before_the_cutoff(reports):
    history_before = [e.kind for e in events(reports["closed"])]
    now = T0 + timedelta(days=400)
    assert retention.anonymise_ended_reports(days=365, now=now) == 2
    db.session.commit()
    assert _contact(reports["closed"]) == EMPTY
    assert _contact(reports["rejected"]) == EMPTY
    assert _contact(reports["open"]) == CONTACT
    assert _contact(reports["recent"]) == CONTACT
    # The report itself and its history stay.
    kept = ticket(reports["closed"])
    assert kept.subject and kept.description
    assert [e.kind for e in events(reports["closed"])] == history_before
    # Running again changes nothing.
    assert retention.anonymise_ended_reports(days=365, now=now) == 0


def test_the_cutoff_is_exclusive(reports):
    closed_at = ticket(reports["closed"]).closed_at
    assert retention.anonymise_ended_reports(days=10, now=closed_at + timedelta(days=10)) == 0
    assert retention.anonymise_ended_reports(
        days=10, now=closed_at + timedelta(days=10, seconds=1)) == 1


def test_service_only_flushes(reports):
    retention.anonymise_ended_reports(days=365, now=T0 + timedelta(days=400))
    db.session.rollback()
    assert _contact(reports["closed"]) == CONTACT


def test_cli_commits_and_prints_the_count(reports, app, runner, monkeypatch):
    clock.freeze(T0 + timedelta(days=400))
    result = runner.invoke(args=["portal", "retention", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "anonymised 3 report(s)" in result.output
    db.session.remove()
    assert _contact(reports["recent"]) == EMPTY and _contact(reports["open"]) == CONTACT
    again = runner.invoke(args=["portal", "retention", "--days", "30"])
    assert "anonymised 0 report(s)" in again.output


def test_cli_default_comes_from_config(reports, app, runner, monkeypatch):
    assert app.config["RETENTION_DAYS"] == 365
    clock.freeze(T0 + timedelta(days=400))
    result = runner.invoke(args=["portal", "retention"])
    assert "anonymised 2 report(s) closed or rejected more than 365 days ago" in result.output
    monkeypatch.setitem(app.config, "RETENTION_DAYS", 30)
    assert "anonymised 1 report(s)" in runner.invoke(args=["portal", "retention"]).output


def test_cli_refuses_negative_days(runner):
    result = runner.invoke(args=["portal", "retention", "--days", "-1"])
    assert result.exit_code != 0


def test_the_reporters_mail_is_forgotten_with_the_contact_details(reports):
    def mail(code):
        db.session.expire_all()
        return list(db.session.scalars(sa.select(OutboxMessage).join(
            Ticket, OutboxMessage.ticket_id == Ticket.id).where(Ticket.code == code)))
    closed = mail(reports["closed"])
    assert closed and all(m.recipient == CONTACT["contact_email"] for m in closed)
    closed[0].sent_at = T0 + timedelta(days=2)  # one was delivered; the others never were
    db.session.commit()
    retention.anonymise_ended_reports(days=365, now=T0 + timedelta(days=400))
    db.session.commit()
    [kept] = mail(reports["closed"])
    assert kept.recipient == retention.REMOVED and kept.context == {}
    assert "Vũ Minh Hải" not in str(kept.context) and kept.sent_at is not None
    # Mail of reports still within the period is untouched.
    assert {m.recipient for m in mail(reports["recent"])} == {CONTACT["contact_email"]}
