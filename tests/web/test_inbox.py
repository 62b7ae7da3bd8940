"""The agency inbox at /inbox: lists, filters, the detail page and every action."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import re

import pytest

from portal import clock
from portal.clock import LOCAL_TZ
from portal.models import EventKind, Status
from tests.helpers import csrf_token, page_token
from tests.web.support import (agency_id, error_summary, events, file_report, form_html,
                               has_form, inbox_act, inbox_codes, input_value, page_link,
                               pdf_bytes, reporter_post, text, textarea, ticket, track, version_in)

CONFLICT = "Someone else changed this report while you were working on it."
ANSWER = "Giấy phép đã được ký ngày 25/3/2026; mời công ty nhận tại Trung tâm Phục vụ HCC."
BASIS = "Nghị định 15/2021/NĐ-CP, Điều 41"


@pytest.fixture
def officer(staff, directory):
    return staff("officer", "TB-SXD")


@pytest.fixture
def report(client, directory):
    """A report to TB-SXD with contact details; ``client`` is the reporter's browser."""
    return file_report(client, agency_id=agency_id("TB-SXD"), contact_name="Phạm Thị Dung",
                       contact_email="dung@congty.vn", contact_phone="0912000111",
                       business_name="Công ty CP Xây lắp Dung Hà", dossier_number="H57-0001",
                       files=[(pdf_bytes(), "giay-hen.pdf")])


def acted(browser, code, action, **data):
    """Run one inbox action and check it added exactly one event."""
    before = len(events(code))
    response = inbox_act(browser, code, action, **data)
    assert response.status_code == 302, error_summary(text(response))
    assert response.headers["Location"] == f"/inbox/{code}"
    added = events(code)[before:]
    assert len(added) == 1, [e.kind for e in added]
    return added[0]


def test_officer_sees_own_agency_reports_only(client, officer, directory):
    mine, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    theirs, _ = file_report(client, agency_id=agency_id("TB-SKHDT"))
    page = text(officer.get("/inbox"))
    assert inbox_codes(page) == [mine]
    assert theirs not in page
    assert "Thai Binh Department of Construction" in page


def test_detail_page_shows_the_report(officer, report):
    code, _ = report
    page = text(officer.get(f"/inbox/{code}"))
    filed = ticket(code)
    assert filed.subject in page and filed.description in page
    assert "H57-0001" in page and "Web form" in page
    assert "Phạm Thị Dung" in page and "dung@congty.vn" in page and "0912000111" in page
    assert "giay-hen.pdf" in page
    assert "Report received" in page and "Assigned to an agency" in page
    assert version_in(page) == filed.version
    for action in ("acknowledge", "answer", "request_info", "note", "transfer"):
        assert has_form(page, f"/inbox/{code}/{action}"), action
    assert not has_form(page, f"/inbox/{code}/close")


def test_unknown_code_is_404(officer):
    assert officer.get("/inbox/PA-2000-000001").status_code == 404
    token = page_token(officer, "/feedback/new")
    assert officer.post("/inbox/PA-2000-000001/answer",
                        data={"csrf_token": token, "version": 1, "body": "x"}).status_code == 404


def test_unknown_action_is_404(officer, report):
    code, _ = report
    token = page_token(officer, "/feedback/new")
    response = officer.post(f"/inbox/{code}/delete", data={"csrf_token": token, "version": 1})
    assert response.status_code == 404


def test_whole_workflow_one_event_per_action(client, officer, report):
    code, _ = report

    event = acted(officer, code, "acknowledge")
    assert event.kind == EventKind.acknowledged and event.public
    assert ticket(code).status == Status.acknowledged and ticket(code).acknowledged_at

    question = "Đề nghị công ty gửi bản chụp giấy biên nhận hồ sơ."
    event = acted(officer, code, "request_info", body=question)
    assert (event.kind, event.body) == (EventKind.info_requested, question)
    assert ticket(code).status == Status.needs_info
    tracking = text(client.get(f"/track/{code}"))
    assert question in tracking and "Waiting for your information" in tracking

    before = len(events(code))
    assert reporter_post(client, code, "reply", body="Đã gửi kèm biên nhận.").status_code == 302
    assert [e.kind for e in events(code)[before:]] == [EventKind.reporter_replied]
    assert ticket(code).status == Status.acknowledged

    note = "Nội bộ: đã gọi điện cho phòng cấp phép, hồ sơ kẹt ở khâu thẩm định."
    event = acted(officer, code, "note", body=note)
    assert (event.kind, event.public, event.body) == (EventKind.note, False, note)
    assert ticket(code).status == Status.acknowledged  # a note changes no status

    event = acted(officer, code, "answer", body=ANSWER, legal_basis=BASIS)
    assert (event.kind, event.body, event.legal_basis) == (EventKind.answered, ANSWER, BASIS)
    assert ticket(code).status == Status.answered and ticket(code).answered_at

    tracking = text(client.get(f"/track/{code}"))
    assert ANSWER in tracking and BASIS in tracking
    assert note not in tracking

    event = acted(officer, code, "close")
    assert event.kind == EventKind.closed
    assert ticket(code).status == Status.closed and ticket(code).closed_at
    staff_page = text(officer.get(f"/inbox/{code}"))
    assert note in staff_page and "Internal" in staff_page
    assert not has_form(staff_page, f"/inbox/{code}/close")
    assert not has_form(staff_page, f"/inbox/{code}/answer")


def test_transfer_sends_the_report_back_to_triage(client, officer, staff, report):
    code, _ = report
    reason = "Công trình nằm trong khu công nghiệp: thuộc Ban Quản lý KKT."
    event = acted(officer, code, "transfer", reason=reason)
    assert (event.kind, event.body, event.agency_id) == (
        EventKind.transferred, reason, agency_id("TB-SXD"))
    moved = ticket(code)
    assert moved.status == Status.transferred and moved.agency is None
    assert code in text(staff("coordinator").get("/triage"))
    assert code not in text(officer.get("/inbox"))
    assert officer.get(f"/inbox/{code}").status_code == 404
    assert reason not in text(client.get(f"/track/{code}"))


@pytest.mark.parametrize("action,data,message", [
    ("answer", {"body": ""}, "Write the answer."),
    ("request_info", {"body": " "}, "Write what you need from the reporter."),
    ("note", {"body": ""}, "Write the note."),
    ("transfer", {"reason": ""}, "Say why this report is not for your agency."),
    ("answer", {"body": "Trả lời", "legal_basis": "x" * 501},
     "The legal basis must be at most 500 characters."),
])
def test_invalid_action_input_changes_nothing(officer, report, action, data, message):
    code, _ = report
    before = (len(events(code)), ticket(code).status, ticket(code).version)
    response = inbox_act(officer, code, action, **data)
    assert response.status_code == 422
    assert message in error_summary(text(response))
    assert (len(events(code)), ticket(code).status, ticket(code).version) == before


def test_action_not_allowed_in_this_status_is_refused(officer, report):
    code, _ = report
    before = len(events(code))
    response = inbox_act(officer, code, "close")  # nothing answered yet
    assert response.status_code == 422
    close_form = form_html(text(response), f"/inbox/{code}/close")
    assert "This action is not possible while the report is" in error_summary(close_form)
    assert len(events(code)) == before and ticket(code).status == Status.assigned


def test_second_officers_stale_answer_is_a_conflict_and_keeps_the_text(officer, staff, report):
    code, _ = report
    colleague = staff("officer", "TB-SXD")
    # Both open the report at the same version.
    loaded = version_in(text(officer.get(f"/inbox/{code}")))
    assert version_in(text(colleague.get(f"/inbox/{code}"))) == loaded

    assert inbox_act(officer, code, "answer", version=loaded, body=ANSWER,
                     legal_basis=BASIS).status_code == 302
    late_text = "Câu trả lời thứ hai, soạn cùng lúc, không được mất."
    response = inbox_act(colleague, code, "answer", version=loaded, body=late_text,
                         legal_basis="Luật Xây dựng")
    assert response.status_code == 409
    answer_form = form_html(text(response), f"/inbox/{code}/answer")
    assert CONFLICT in error_summary(answer_form)
    # What the second officer typed is still there.
    assert textarea(answer_form, "answer-body") == late_text
    assert input_value(answer_form, "answer-legal_basis") == "Luật Xây dựng"

    answers = [e for e in events(code) if e.kind == EventKind.answered]
    assert [(e.body, e.legal_basis) for e in answers] == [(ANSWER, BASIS)]
    assert ticket(code).status == Status.answered


def test_stale_note_is_a_conflict_then_succeeds_on_retry(officer, staff, report):
    code, _ = report
    colleague = staff("officer", "TB-SXD")
    loaded = version_in(text(colleague.get(f"/inbox/{code}")))
    acted(officer, code, "acknowledge")
    response = inbox_act(colleague, code, "note", version=loaded, body="Ghi chú của tôi")
    assert response.status_code == 409
    note_form = form_html(text(response), f"/inbox/{code}/note")
    assert CONFLICT in error_summary(note_form)
    assert textarea(note_form, "note-body") == "Ghi chú của tôi"
    # The re-rendered form carries the new version, so sending it again works.
    assert version_in(note_form) == ticket(code).version != loaded
    assert colleague.post(f"/inbox/{code}/note", data={
        "note-csrf_token": csrf_token(note_form),
        "note-version": version_in(note_form), "note-body": "Ghi chú của tôi"}).status_code == 302
    assert [e.kind for e in events(code)][-2:] == [EventKind.acknowledged, EventKind.note]


def _file_many(client, count, **fields):
    return [file_report(client, **fields)[0] for _ in range(count)]


def test_filter_by_status_and_category(client, officer, directory):
    sxd = agency_id("TB-SXD")
    delay = _file_many(client, 2, agency_id=sxd, category="delay")
    policy = _file_many(client, 1, agency_id=sxd, category="policy")
    inbox_act(officer, delay[0], "acknowledge")

    assert inbox_codes(text(officer.get("/inbox?status=acknowledged"))) == [delay[0]]
    assert set(inbox_codes(text(officer.get("/inbox?status=assigned")))) == {delay[1], policy[0]}
    assert inbox_codes(text(officer.get("/inbox?category=policy"))) == policy
    assert inbox_codes(text(officer.get("/inbox?category=delay&status=assigned"))) == [delay[1]]
    assert "No reports match." in text(officer.get("/inbox?status=closed"))
    # Unknown values filter nothing out rather than failing.
    assert len(inbox_codes(text(officer.get("/inbox?status=bogus&category=nope")))) == 3


def local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def test_overdue_filter(client, officer, directory):
    sxd = agency_id("TB-SXD")
    clock.freeze(local(date(2026, 3, 2)))
    late = _file_many(client, 2, agency_id=sxd)
    answered_in_time = _file_many(client, 1, agency_id=sxd)[0]
    waiting = _file_many(client, 1, agency_id=sxd)[0]
    inbox_act(officer, answered_in_time, "answer", body=ANSWER)
    inbox_act(officer, waiting, "request_info", body="Cần bản chụp biên nhận.")

    due = ticket(late[0]).answer_due
    clock.freeze(due - timedelta(hours=1))
    fresh = _file_many(client, 1, agency_id=sxd)[0]
    assert inbox_codes(text(officer.get("/inbox?overdue=y"))) == []

    clock.freeze(due + timedelta(seconds=1))
    page = text(officer.get("/inbox?overdue=y"))
    assert inbox_codes(page) == sorted(late)  # one deadline: filing order
    assert fresh not in page and answered_in_time not in page and waiting not in page
    assert "Overdue by 1 working day" in page
    everything = inbox_codes(text(officer.get("/inbox")))
    assert set(everything) == set(late) | {answered_in_time, waiting, fresh}


def test_keyset_pagination(client, officer, app, monkeypatch, directory):
    monkeypatch.setitem(app.config, "INBOX_PAGE_SIZE", 2)
    codes = _file_many(client, 5, agency_id=agency_id("TB-SXD"))
    other = file_report(client, agency_id=agency_id("TB-SKHDT"))[0]

    urgent = file_report(client, agency_id=agency_id("TB-SXD"),
                         subject="Khẩn cấp: nhà máy phải ngừng sản xuất vì hồ sơ chậm")[0]

    seen, url, pages = [], "/inbox", []
    while url:
        page = text(officer.get(url))
        seen += inbox_codes(page)
        pages.append(inbox_codes(page))
        url = page_link(page, "next")
    assert len(pages) == 3
    # Priority first; then one deadline for all, so filing order. Each exactly once.
    assert seen == [urgent] + sorted(codes)
    assert other not in seen
    assert page_link(text(officer.get("/inbox")), "prev") is None
    back, url = [], page_link(page, "prev")  # from the last page
    while url:
        page = text(officer.get(url))
        back.insert(0, inbox_codes(page))
        url = page_link(page, "prev")
    assert back == pages[:-1]


def test_a_bad_cursor_shows_the_first_page(client, officer, directory):
    code = file_report(client, agency_id=agency_id("TB-SXD"))[0]
    for query in ("after=garbage", "before=1.2.3", "after=1.99999999T999.1"):
        response = officer.get(f"/inbox?{query}")
        assert response.status_code == 200 and inbox_codes(text(response)) == [code]


def test_pagination_keeps_the_filter(client, officer, app, monkeypatch, directory):
    monkeypatch.setitem(app.config, "INBOX_PAGE_SIZE", 1)
    sxd = agency_id("TB-SXD")
    policy = _file_many(client, 2, agency_id=sxd, category="policy")
    _file_many(client, 2, agency_id=sxd, category="delay")
    first = text(officer.get("/inbox?category=policy"))
    second_url = page_link(first, "next")
    assert "category=policy" in second_url
    second = text(officer.get(second_url))
    assert inbox_codes(first) + inbox_codes(second) == sorted(policy)
    assert page_link(second, "next") is None
    assert "category=policy" in page_link(second, "prev")


@pytest.fixture
def harassment(client, directory):
    def make(consent: bool):
        return file_report(client, category="harassment", agency_id=agency_id("TB-SXD"),
                           subject="Cán bộ gợi ý bồi dưỡng để hồ sơ đi nhanh",
                           contact_name="Vũ Minh Hải", contact_email="hai@doanhnghiep.vn",
                           contact_phone="0900111222", business_name="Công ty TNHH Hải Minh",
                           identity_consent="y" if consent else None,
                           files=[(pdf_bytes(), "ghi-am.pdf")])[0]
    return make


def _shows_identity(page: str) -> bool:
    found = [needle in page for needle in ("Vũ Minh Hải", "hai@doanhnghiep.vn", "0900111222",
                                           "Công ty TNHH Hải Minh")]
    assert len(set(found)) == 1, found  # all or nothing
    return found[0]


def test_harassment_is_hidden_from_the_agencys_officers(officer, harassment):
    code = harassment(consent=False)
    assert code not in text(officer.get("/inbox"))
    assert officer.get(f"/inbox/{code}").status_code == 404
    attachment_id = ticket(code).attachments[0].id
    assert officer.get(f"/inbox/attachments/{attachment_id}").status_code == 404


def test_head_sees_harassment_without_the_reporters_identity(staff, harassment):
    code = harassment(consent=False)
    head = staff("head", "TB-SXD")
    assert code in text(head.get("/inbox"))
    page = text(head.get(f"/inbox/{code}"))
    assert "Cán bộ gợi ý bồi dưỡng" in page
    assert not _shows_identity(page)
    assert "identity is protected" in page
    assert has_form(page, f"/inbox/{code}/answer")  # the head works it
    assert acted(head, code, "acknowledge").kind == EventKind.acknowledged


def test_head_sees_identity_when_the_reporter_consented(staff, harassment):
    code = harassment(consent=True)
    assert _shows_identity(text(staff("head", "TB-SXD").get(f"/inbox/{code}")))


def test_inspector_sees_harassment_and_may_reveal_the_identity_but_not_other_reports(
        client, staff, harassment):
    code = harassment(consent=False)
    delay, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    inspector = staff("inspector")
    listing = text(inspector.get("/inbox"))
    assert code in listing and delay not in listing
    page = text(inspector.get(f"/inbox/{code}"))
    assert not _shows_identity(page) and has_form(page, f"/inbox/{code}/identity")
    assert not has_form(page, f"/inbox/{code}/answer")  # oversight, not handling
    assert inspector.get(f"/inbox/{delay}").status_code == 404
    with inspector.get(f"/inbox/attachments/{ticket(code).attachments[0].id}") as download:
        assert download.status_code == 200


def test_coordinator_reads_any_report_but_cannot_act(staff, report):
    code, _ = report
    coordinator = staff("coordinator")
    page = text(coordinator.get(f"/inbox/{code}"))
    assert ticket(code).subject in page
    assert f'action="/inbox/{code}/' not in page  # no action forms at all


def test_officer_downloads_an_attachment(officer, report):
    code, _ = report
    attachment = ticket(code).attachments[0]
    with officer.get(f"/inbox/attachments/{attachment.id}") as download:
        assert download.status_code == 200
        assert download.data == pdf_bytes()
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_detail_page_ids_are_unique_so_labels_point_at_their_fields(officer, report):
    code, _ = report
    page = text(officer.get(f"/inbox/{code}"))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert f'id="{target}"' in page


def test_extension_through_the_inbox_is_shown_to_the_reporter(client, officer, report):
    code, receipt = report
    before = ticket(code).answer_due
    response = inbox_act(officer, code, "extend", reason="Cần lấy ý kiến Sở Tài chính",
                         apology="Chúng tôi xin lỗi vì sự chậm trễ này.")
    assert response.status_code == 302
    assert ticket(code).answer_due > before and ticket(code).extended_at is not None
    page = text(officer.get(f"/inbox/{code}"))
    assert f'action="/inbox/{code}/extend"' not in page  # only once
    second = inbox_act(officer, code, "extend", reason="Lần hai", apology="Xin lỗi")
    assert second.status_code == 422
    assert ticket(code).answer_due > before
    track(client, code, receipt)
    reporter = text(client.get(f"/track/{code}"))
    assert "Chúng tôi xin lỗi vì sự chậm trễ này." in reporter
    assert "Cần lấy ý kiến Sở Tài chính" in reporter
    assert "Deadline extended once" in reporter


def test_detail_lists_each_agency_holding(officer, report):
    code, _ = report
    page = text(officer.get(f"/inbox/{code}"))
    assert "Time held by each agency" in page and "still holding" in page
