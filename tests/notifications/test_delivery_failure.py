"""A mail server that is down never fails the user's request; the outbox keeps the message."""
from __future__ import annotations

import logging

import sqlalchemy as sa

from portal.extensions import db
from portal.models import OutboxMessage
from tests.smtp import free_port
from tests.web.support import agency_id, post_report, ticket


def outbox_rows(code):
    filed = ticket(code)  # expires the session: the request committed on its own
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.ticket_id == filed.id)))


def test_filing_succeeds_while_smtp_is_down_and_send_mail_delivers_later(
        app, smtp_server, new_client, directory, runner, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="portal.mail"):
        response = post_report(new_client("en"), agency_id=agency_id("TB-SXD"),
                               contact_email="dung@congty.vn")
    assert response.status_code == 302
    code = response.headers["Location"].split("/")[2]
    [row] = outbox_rows(code)  # the report and its mail are committed
    assert row.sent_at is None and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert smtp_server.messages == []
    assert any("failed" in r.getMessage() for r in caplog.records)

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)  # the server is back
    result = runner.invoke(args=["portal", "send-mail"])
    assert result.exit_code == 0 and result.output.strip() == "sent: 1"
    [message] = smtp_server.messages
    assert message["To"] == "dung@congty.vn" and message["Subject"] == f"Report {code} received"
    [row] = outbox_rows(code)
    assert row.sent_at is not None and row.attempts == 2

    assert runner.invoke(args=["portal", "send-mail"]).output.strip() == "sent: 0"


def test_an_unexpected_error_in_delivery_is_logged_not_raised(
        app, smtp_server, new_client, directory, monkeypatch, caplog):
    def broken(app):
        raise RuntimeError("database went away")
    monkeypatch.setattr("portal.dispatch.jobs.deliver_outbox", broken)
    with caplog.at_level(logging.ERROR, logger="portal.mail"):
        response = post_report(new_client("en"), agency_id=agency_id("TB-SXD"),
                               contact_email="dung@congty.vn")
    assert response.status_code == 302
    assert "stays in the outbox" in caplog.text
    [row] = outbox_rows(response.headers["Location"].split("/")[2])
    assert row.sent_at is None and row.attempts == 0
