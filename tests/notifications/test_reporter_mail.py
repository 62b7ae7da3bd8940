"""Reporters who gave an e-mail hear of each public change, through a real SMTP server."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.extensions import db
from portal.models import OutboxMessage
from portal.notifications.render import SUBJECTS
from tests.smtp import html_part, text_part
from tests.web.support import (agency_id, error_summary, file_report, inbox_act, submission,
                               text, ticket)

EMAIL = "dung@congty.vn"
DESCRIPTION = submission()["description"]
ANSWER = "Giấy phép đã được ký ngày 25/3/2026; mời công ty nhận tại Trung tâm Phục vụ HCC."
APOLOGY = "Sở Xây dựng xin lỗi công ty vì sự chậm trễ."
REASON = "Cần lấy ý kiến của Sở Tài nguyên và Môi trường về ranh giới thửa đất."


@pytest.fixture
def officer(staff, directory):
    return staff("officer", "TB-SXD")


def file_with_email(browser, **fields):
    agency = agency_id("TB-SXD")
    assert agency, "use the directory fixture (without an agency, routing runs: slow)"
    return file_report(browser, agency_id=agency, contact_name="Phạm Thị Dung",
                       contact_email=EMAIL, contact_phone="0912000111", **fields)


def acted(browser, code, action, **data):
    response = inbox_act(browser, code, action, **data)
    assert response.status_code == 302, error_summary(text(response))


def subject_in(language, template, code):
    with force_locale(language):
        return str(SUBJECTS[template]) % {"code": code}


def outbox_rows(code):
    filed = ticket(code)  # expires the session: requests commit on their own
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.ticket_id == filed.id).order_by(OutboxMessage.id)))


def check_reporter_mail(message, code, receipt):
    """Both parts, the tracking link, and nothing a mailbox reader should not see."""
    assert message.is_multipart()
    body, html = text_part(message), html_part(message)
    track_url = f"http://127.0.0.1:5000/track?code={code}"
    assert track_url in body and f'href="{track_url}"' in html
    for secret in (receipt, DESCRIPTION, ANSWER, "0912000111"):
        assert secret not in body and secret not in html
    return body, html


def test_the_whole_life_of_a_report_in_english(smtp_server, new_client, officer):
    code, receipt = file_with_email(new_client("en"))
    [received] = smtp_server.to(EMAIL)
    assert received["To"] == EMAIL
    assert received["Subject"] == f"Report {code} received"
    body, html = check_reporter_mail(received, code, receipt)
    assert "Dear Phạm Thị Dung," in body and '<html lang="en">' in html
    assert "secret receipt" in body

    acted(officer, code, "extend", reason=REASON, apology=APOLOGY)
    extended = smtp_server.to(EMAIL)[-1]
    assert extended["Subject"] == f"Report {code}: the answer is delayed"
    body, html = check_reporter_mail(extended, code, receipt)
    assert APOLOGY in body and REASON in body and APOLOGY in html

    acted(officer, code, "answer", body=ANSWER, legal_basis="Nghị định 15/2021/NĐ-CP")
    answered = smtp_server.to(EMAIL)[-1]
    assert answered["Subject"] == f"Report {code} has been answered"
    check_reporter_mail(answered, code, receipt)  # the answer itself stays on the site

    acted(officer, code, "close")
    closed = smtp_server.to(EMAIL)[-1]
    assert closed["Subject"] == f"Report {code} is closed"
    check_reporter_mail(closed, code, receipt)

    assert len(smtp_server.to(EMAIL)) == 4
    rows = outbox_rows(code)
    assert [row.template for row in rows] == ["received", "extended", "answered", "closed"]
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows)


def test_vietnamese_is_the_default(smtp_server, new_client, officer):
    code, receipt = file_with_email(new_client(lang=None))
    assert ticket(code).language == "vi"
    acted(officer, code, "answer", body=ANSWER, legal_basis="")
    received, answered = smtp_server.to(EMAIL)
    assert received["Subject"] == subject_in("vi", "received", code)
    assert answered["Subject"] == subject_in("vi", "answered", code)
    for message in (received, answered):
        assert '<html lang="vi">' in html_part(message)
        check_reporter_mail(message, code, receipt)


def test_the_mail_link_opens_the_tracking_form_with_the_code(smtp_server, new_client, directory):
    code, _ = file_with_email(new_client("en"))
    link = f"/track?code={code}"
    assert link in text_part(smtp_server.to(EMAIL)[0])
    page = text(new_client("en").get(link))
    assert f'value="{code}"' in page


@pytest.mark.parametrize("fields", [
    {"anonymous": "y", "contact_email": EMAIL},  # anonymous: contact details are dropped
    {"contact_email": "", "contact_name": "Phạm Thị Dung"},
])
def test_no_mail_without_an_address(smtp_server, new_client, officer, directory, fields):
    code, _ = file_report(new_client("en"), agency_id=agency_id("TB-SXD"), **fields)
    acted(officer, code, "answer", body=ANSWER, legal_basis="")
    acted(officer, code, "close")
    assert smtp_server.to(EMAIL) == []
    assert outbox_rows(code) == []


def test_staff_actions_without_a_public_change_send_nothing(smtp_server, new_client, officer):
    code, _ = file_with_email(new_client("en"))
    acted(officer, code, "acknowledge")
    acted(officer, code, "note", body="Đã chuyển phòng Quản lý xây dựng.")
    assert [m["Subject"] for m in smtp_server.to(EMAIL)] == [f"Report {code} received"]
