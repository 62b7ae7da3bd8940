"""The reporter's tracking page at /track: find, follow, reply, rate, reopen."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.clock import LOCAL_TZ
from portal.deadlines.working_days import add_working_days
from portal.extensions import db
from portal.models import EventKind, Rating, Status
from tests.helpers import page_token
from tests.web.support import (agency_id, error_summary, events, file_report, flashes,
                               has_form,
                               inbox_act, input_value, pdf_bytes, reporter_post, text, textarea,
                               ticket, track)

NOT_FOUND = "No report matches this code and receipt. Check both and try again."
ANSWER = "Sở đã trả kết quả ngày 25/3; mời công ty nhận tại Bộ phận một cửa."
BASIS = "Luật Xây dựng 2014, Điều 102"


def local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@pytest.fixture
def filed(client, directory):
    """A report to TB-SXD filed on the web by ``client``; returns (code, receipt)."""
    return file_report(client, agency_id=agency_id("TB-SXD"), contact_name="Lê Văn Cường",
                       files=[(pdf_bytes(), "giay-hen.pdf")])


@pytest.fixture
def officer(staff):
    return staff("officer", "TB-SXD")


def answered(officer, code):
    response = inbox_act(officer, code, "answer", body=ANSWER, legal_basis=BASIS)
    assert response.status_code == 302, error_summary(text(response))


def test_right_code_and_receipt_open_the_tracking_page(new_client, filed):
    code, receipt = filed
    reporter = new_client()  # another device: only the code and receipt
    assert reporter.get(f"/track/{code}").status_code == 404

    response = track(reporter, code, receipt)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/track/{code}"
    page = text(reporter.get(f"/track/{code}"))
    assert f"Report {code}" in page
    assert "Assigned to agency" in page  # status
    assert "Report received" in page and "Assigned to an agency" in page  # timeline
    assert "Thai Binh Department of Construction" in page
    assert "giay-hen.pdf" in page


def _lookup_error(response) -> str:
    assert response.status_code == 422
    return error_summary(text(response))


def test_wrong_receipt_and_unknown_code_get_the_same_answer(new_client, filed):
    code, receipt = filed
    wrong_receipt = track(new_client(), code, "AAAAA-BBBBB-CCCCC-DDDDD")
    unknown_code = track(new_client(), "PA-2000-999999", receipt)
    assert wrong_receipt.status_code == unknown_code.status_code == 422
    assert _lookup_error(wrong_receipt) == _lookup_error(unknown_code)
    assert NOT_FOUND in _lookup_error(wrong_receipt)
    # What the reporter typed is kept, and nothing about the report leaks.
    assert input_value(text(wrong_receipt), "code") == code
    assert ticket(code).subject not in text(wrong_receipt)


def test_a_wrong_receipt_does_not_open_the_report(new_client, filed):
    code, _ = filed
    browser = new_client()
    track(browser, code, "AAAAA-BBBBB-CCCCC-DDDDD")
    assert browser.get(f"/track/{code}").status_code == 404


def test_empty_fields_are_refused(client):
    response = track(client, "", "")
    page = text(response)
    assert response.status_code == 422
    assert "Enter the tracking code." in error_summary(page)
    assert "Enter the secret receipt." in error_summary(page)


@pytest.mark.parametrize("transform", [
    lambda r: r.lower(), lambda r: r.replace("-", ""), lambda r: " " + r.lower().replace("-", " "),
], ids=["lower", "no-dashes", "spaces"])
def test_receipt_is_case_and_dash_insensitive(new_client, filed, transform):
    code, receipt = filed
    browser = new_client()
    response = track(browser, code.lower(), transform(receipt))
    assert response.status_code == 302
    assert browser.get(f"/track/{code}").status_code == 200


def _note_then_transfer(officer, code) -> tuple[str, str]:
    note = "Ghi chú nội bộ: hồ sơ đang chờ phòng quản lý xây dựng thẩm định."
    reason = "Lý do chuyển: thẩm quyền thuộc Ban Quản lý Khu kinh tế."
    assert inbox_act(officer, code, "note", body=note).status_code == 302
    assert inbox_act(officer, code, "transfer", reason=reason).status_code == 302
    return note, reason


def test_timeline_hides_internal_notes_and_transfer_reasons(client, filed, officer):
    code, _ = filed
    note, reason = _note_then_transfer(officer, code)

    page = text(client.get(f"/track/{code}"))
    assert "Sent back for re-routing" in page  # the reporter sees that it moved...
    assert reason not in page  # ...but not why
    assert note not in page and "Internal note" not in page



def test_staff_still_see_the_note_and_the_transfer_reason(filed, officer, staff):
    code, _ = filed
    note, reason = _note_then_transfer(officer, code)
    # The officer no longer holds the report; the coordinator sees the full history.
    page = text(staff("coordinator").get(f"/inbox/{code}"))
    assert note in page and reason in page


def test_reporter_reply_appears_in_both_timelines(client, filed, officer):
    code, _ = filed
    reply = "Bổ sung: số biên nhận 000.00.17.H57-230303-0001."
    response = reporter_post(client, code, "reply", body=reply)
    assert response.status_code == 302
    page = text(client.get(f"/track/{code}"))
    assert reply in page and "Thank you. Your report was updated." in page
    assert reply in text(officer.get(f"/inbox/{code}"))
    assert [e.kind for e in events(code)][-1] == EventKind.reporter_replied


def test_empty_reply_is_refused(client, filed):
    code, _ = filed
    before = len(events(code))
    response = reporter_post(client, code, "reply", body="  ")
    assert response.status_code == 422
    assert "Write your reply." in error_summary(text(response))
    assert len(events(code)) == before


def test_no_rating_or_reopening_before_an_answer(client, filed):
    code, _ = filed
    page = text(client.get(f"/track/{code}"))
    assert "Send rating" not in page and "Reopen the report" not in page
    response = reporter_post(client, code, "rate", score="5")
    assert "This answer can no longer be rated." in flashes(text(client.get(f"/track/{code}")))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) == 0


def test_answer_is_shown_with_its_legal_basis(client, filed, officer):
    code, _ = filed
    answered(officer, code)
    page = text(client.get(f"/track/{code}"))
    assert ANSWER in page and BASIS in page
    assert "Answer published" in page
    assert "Send rating" in page and "Reopen the report" in page


def test_rating_once_with_a_comment(client, filed, officer):
    code, _ = filed
    answered(officer, code)
    response = reporter_post(client, code, "rate", score="4", comment="Trả lời rõ ràng.")
    assert response.status_code == 302
    page = text(client.get(f"/track/{code}"))
    assert "Answer rated" in page and "Trả lời rõ ràng." in page
    assert "Send rating" not in page  # the form is gone

    again = reporter_post(client, code, "rate", score="1")
    assert again.status_code == 302
    assert "This answer can no longer be rated." in flashes(text(client.get(f"/track/{code}")))
    ratings = list(db.session.scalars(sa.select(Rating)))
    assert [(r.score, r.comment) for r in ratings] == [(4, "Trả lời rõ ràng.")]


@pytest.mark.parametrize("score", ["0", "6", "-1", "abc", ""])
def test_rating_outside_one_to_five_is_rejected(client, filed, officer, score):
    code, _ = filed
    answered(officer, code)
    response = reporter_post(client, code, "rate", score=score, comment="Bình luận giữ lại")
    assert response.status_code == 422
    page = text(response)
    assert "Choose a rating from 1 to 5." in error_summary(page)
    assert textarea(page, "comment") == "Bình luận giữ lại"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) == 0


def test_reopen_with_a_reason_within_the_window(client, filed, officer):
    code, _ = filed
    answered(officer, code)
    reason = "Chưa nhận được giấy phép dù Sở báo đã trả kết quả."
    response = reporter_post(client, code, "reopen", reason=reason)
    assert response.status_code == 302
    assert ticket(code).status == Status.reopened
    page = text(client.get(f"/track/{code}"))
    assert reason in page and "Reopened by the reporter" in page
    assert "Reopen the report" not in page
    # The agency sees it again and can acknowledge it.
    assert has_form(text(officer.get(f"/inbox/{code}")), f"/inbox/{code}/acknowledge")


def test_reopen_without_a_reason_is_refused(client, filed, officer):
    code, _ = filed
    answered(officer, code)
    response = reporter_post(client, code, "reopen", reason="")
    assert response.status_code == 422
    assert "Say why the answer does not resolve your problem." in error_summary(text(response))
    assert ticket(code).status == Status.answered


@pytest.mark.parametrize("working_days,allowed", [(10, True), (11, False)])
def test_reopen_window_is_ten_working_days(client, directory, staff, working_days, allowed):
    answered_on = date(2026, 3, 2)  # a Monday with no holiday nearby
    clock.freeze(local(answered_on, 8))
    code, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    officer = staff("officer", "TB-SXD")
    clock.freeze(local(answered_on, 10))
    answered(officer, code)

    clock.freeze(local(add_working_days(answered_on, working_days), 16))
    response = reporter_post(client, code, "reopen", reason="Chưa giải quyết xong.")
    assert response.status_code == 302
    page = text(client.get(f"/track/{code}"))
    if allowed:
        assert ticket(code).status == Status.reopened
    else:
        assert "The time to reopen this report has passed." in flashes(page)
        assert ticket(code).status == Status.answered
        assert "Reopen the report" not in page and "Send rating" not in page


def test_tracking_one_report_does_not_open_another(client, new_client, filed, app):
    mine, _ = filed
    other_code, _ = file_report(new_client(), agency_id=agency_id("TB-SXD"),
                                files=[(pdf_bytes(), "khac.pdf")])
    other = ticket(other_code)
    attachment_id = other.attachments[0].id
    assert client.get(f"/track/{mine}").status_code == 200
    assert client.get(f"/track/{other_code}").status_code == 404
    assert client.get(f"/track/{other_code}/attachments/{attachment_id}").status_code == 404
    # Nor another report's attachment under my own code.
    assert client.get(f"/track/{mine}/attachments/{attachment_id}").status_code == 404
    before = len(events(other_code))
    response = reporter_post(client, mine, "reply", body="x")  # token from my page
    assert response.status_code == 302
    token = page_token(client, f"/track/{mine}")
    assert client.post(f"/track/{other_code}/reply",
                       data={"csrf_token": token, "body": "chen ngang"}).status_code == 404
    assert len(events(other_code)) == before
