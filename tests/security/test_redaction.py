"""Published answers are anonymised (issue 7): before the public reads a staff text (/track,
the public API, Open311) the report's names, any phone number, e-mail address and tax code are
redacted; a moderator (coordinator) may edit the public copy; staff keep the original."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import clock
from portal.errors import NotFound, PermissionDenied
from portal.extensions import db
from portal.models import AuditEntry, EventKind, Role, Ticket
from portal.tickets import redaction
from tests import factories
from tests.helpers import page_token
from tests.web.support import agency_id, events, file_report, inbox_act, text, track

NAME, BUSINESS = "Đỗ Văn Giang", "Công ty TNHH Giang Sơn"
ANSWER = ("Kính gửi ông Đỗ Văn Giang (Công ty TNHH Giang Sơn, MST 0101234567): hồ sơ đã có "
          "kết quả theo Nghị định 61/2018/NĐ-CP. Chi nhánh MST 0101234567-001 nộp phí "
          "15.000.000 đồng trước ngày 20/3/2026. Liên hệ 0912 345 678, +84 227.3831.234 "
          "hoặc mot.cua@sxd.thaibinh.gov.vn.")
REDACTED = ("Kính gửi ông […] ([…], MST […]): hồ sơ đã có kết quả theo Nghị định "
            "61/2018/NĐ-CP. Chi nhánh MST […] nộp phí 15.000.000 đồng trước ngày 20/3/2026. "
            "Liên hệ […], […] hoặc […].")


def _ticket(**fields) -> Ticket:
    return Ticket(contact_name=fields.get("contact_name"), business_name=fields.get("business_name"),
                  contact_email=fields.get("contact_email"), contact_phone=fields.get("contact_phone"))


@pytest.mark.parametrize("text,expected", [
    ("Kính gửi ông Đỗ Văn Giang,", "Kính gửi ông […],"),
    ("Công ty TNHH Giang Sơn đã nộp", "[…] đã nộp"),
    ("Gửi giang@example.vn và ai.do@khac.com.vn", "Gửi […] và […]"),
    ("Gọi 0912345678 hoặc 0912.345.678 hoặc +84 912 345 678", "Gọi […] hoặc […] hoặc […]"),
    ("Máy bàn 0227 3831 234", "Máy bàn […]"),
    ("MST 1000123456 và 1000123456-002", "MST […] và […]"),
    # Not personal data: amounts, dates, legal references, dossier numbers stay.
    ("Phí 15.000.000 đồng, ngày 20/03/2026, Nghị định 61/2018/NĐ-CP, hồ sơ H57.25-0301",
     "Phí 15.000.000 đồng, ngày 20/03/2026, Nghị định 61/2018/NĐ-CP, hồ sơ H57.25-0301"),
])
def test_each_kind_of_identifier_is_redacted(text, expected):
    ticket = _ticket(contact_name=NAME, business_name=BUSINESS)
    assert redaction.redact(text, ticket) == expected


@pytest.fixture
def answered(client, directory, staff):
    code, receipt = file_report(client, agency_id=agency_id("TB-SXD"), contact_name=NAME,
                                business_name=BUSINESS, contact_email="giang@example.vn",
                                contact_phone="0912 345 678")
    officer = staff("officer", "TB-SXD")
    assert inbox_act(officer, code, "answer", body=ANSWER, legal_basis="").status_code == 302
    [answer] = [e for e in events(code) if e.kind == EventKind.answered]
    return {"code": code, "receipt": receipt, "officer": officer, "event_id": answer.id}


def _public_texts(client, code: str, receipt: str) -> dict[str, str]:
    assert track(client, code, receipt).status_code == 302
    open311 = client.get(f"/open311/v2/requests/{code}.json").get_json()[0]
    api = client.get(f"/api/v1/reports/{code}", headers={"X-Receipt": receipt}).get_data(as_text=True)
    return {"track": text(client.get(f"/track/{code}")), "open311": open311["status_notes"],
            "api": api}


def test_the_public_reads_the_redacted_answer_and_staff_the_original(client, answered):
    texts = _public_texts(client, answered["code"], answered["receipt"])
    assert texts["open311"] == REDACTED
    for where, page in texts.items():
        for secret in (NAME, BUSINESS, "0101234567", "0912 345 678", "3831.234",
                       "mot.cua@sxd"):
            assert secret not in page, (where, secret)
    assert "Nghị định 61/2018/NĐ-CP" in texts["track"]
    staff_page = text(answered["officer"].get(f"/inbox/{answered['code']}"))
    assert "0101234567-001" in staff_page and "mot.cua@sxd.thaibinh.gov.vn" in staff_page


def edit_copy(browser, code: str, event_id: int, body: str):
    token = page_token(browser, "/account/tokens")
    return browser.post(f"/moderation/{code}/{event_id}", data={"csrf_token": token, "body": body})


def test_a_coordinator_edits_the_public_copy_and_the_original_stays(client, staff, answered):
    code, event_id = answered["code"], answered["event_id"]
    coordinator = staff("coordinator")
    inbox = text(coordinator.get(f"/inbox/{code}"))
    assert f"/moderation/{code}/{event_id}" in inbox
    page = text(coordinator.get(f"/moderation/{code}/{event_id}"))
    assert "0101234567-001" in page  # the original, for the moderator
    edited = "Kính gửi Quý doanh nghiệp: hồ sơ đã có kết quả, liên hệ Bộ phận một cửa."
    assert edit_copy(coordinator, code, event_id, edited).status_code == 302
    texts = _public_texts(client, code, answered["receipt"])
    assert texts["open311"] == edited and edited in texts["track"]
    assert "Nghị định" not in texts["track"]
    [event] = [e for e in events(code) if e.id == event_id]
    assert event.body == ANSWER  # the history event is never changed
    db.session.expire_all()
    [entry] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "public_text.edited")).all()
    assert entry.actor.username == "coordinator2" and entry.ticket.code == code
    assert edit_copy(coordinator, code, event_id, "   ").status_code == 422


@pytest.mark.parametrize("role,agency,status", [
    ("officer", "TB-SXD", 403), ("head", "TB-SXD", 403),  # the agency that wrote it
    ("officer", "TB-SKHDT", 404), ("inspector", None, 404),
    ("clerk", None, 403), ("analyst", None, 403),
])
def test_nobody_else_edits_the_public_copy(client, staff, answered, role, agency, status):
    code, event_id = answered["code"], answered["event_id"]
    browser = staff(role, agency)
    assert browser.get(f"/moderation/{code}/{event_id}").status_code == status
    assert edit_copy(browser, code, event_id, "Sửa trái phép").status_code == status
    assert "Sửa trái phép" not in _public_texts(client, code, answered["receipt"])["track"]


def test_only_public_staff_texts_of_that_report_can_be_moderated(client, staff, answered):
    code = answered["code"]
    assert inbox_act(answered["officer"], code, "note", body="Ghi chú nội bộ").status_code == 302
    note = [e for e in events(code) if e.kind == EventKind.note][0]
    filed = [e for e in events(code) if e.kind == EventKind.filed][0]
    other, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    coordinator = staff("coordinator")
    for url in (f"/moderation/{code}/{note.id}", f"/moderation/{code}/{filed.id}",
                f"/moderation/{other}/{answered['event_id']}", f"/moderation/{code}/999999"):
        assert coordinator.get(url).status_code == 404, url
    assert client.get(f"/moderation/{code}/{answered['event_id']}").status_code == 302  # sign in


def test_the_service_refuses_agency_staff(answered):
    found = db.session.scalar(sa.select(Ticket).where(Ticket.code == answered["code"]))
    head = factories.make_user("mod.head", Role.head, "TB-SXD")
    with pytest.raises(PermissionDenied):
        redaction.set_public_copy(found, answered["event_id"], "x", actor=head,
                                  now=clock.now_utc())
    inspector = factories.make_user("mod.inspector", Role.inspector)
    with pytest.raises(NotFound):
        redaction.set_public_copy(found, answered["event_id"], "x", actor=inspector,
                                  now=clock.now_utc())
