"""Harassment reports: the agency sees neither the reporter nor the attachments' names or sizes."""
from __future__ import annotations

import pytest

from portal.tickets.attachments import Upload
from tests.helpers import page_token
from tests.web.support import pdf_bytes, png_bytes, text

REVEALING = ("CCCD_Vu_Minh_Hai.pdf", "ghi-am-Hai.png", "KB)")


@pytest.fixture
def filed(directory, make_ticket):
    def make(*, category="harassment", consent=False, anonymous=False):
        fields = {} if anonymous else {"contact_name": "Vũ Minh Hải",
                                       "identity_consent": consent}
        found, _ = make_ticket(agency_code="TB-SXD", category=category, anonymous=anonymous,
                               uploads=[Upload("CCCD_Vu_Minh_Hai.pdf", pdf_bytes()),
                                        Upload("ghi-am-Hai.png", png_bytes())], **fields)
        return found.code, [a.id for a in found.attachments]
    return make


class Download:
    """A download, read and closed (send_file keeps the file open until the response closes)."""

    def __init__(self, browser, attachment_id: int):
        response = browser.get(f"/inbox/attachments/{attachment_id}")
        self.status_code, self.data = response.status_code, response.get_data()
        self.headers = response.headers
        response.close()


def _download_name(download) -> str:
    return download.headers["Content-Disposition"]


@pytest.mark.parametrize("role,agency", [("head", "TB-SXD"), ("coordinator", None),
                                         ("admin", None)])
def test_agency_and_overseers_see_numbered_attachments(staff, filed, role, agency):
    code, ids = filed()
    browser = staff(role, agency)
    page = text(browser.get(f"/inbox/{code}"))
    assert "Attachment 1" in page and "Attachment 2" in page
    for needle in REVEALING + ("Vũ Minh Hải",):
        assert needle not in page
    first = Download(browser, ids[0])
    assert first.status_code == 200 and first.data == pdf_bytes()
    assert "attachment-1.pdf" in _download_name(first)
    second = Download(browser, ids[1])
    assert "attachment-2.png" in _download_name(second)
    assert "Hai" not in _download_name(first) + _download_name(second)


def test_inspector_sees_the_real_names_after_revealing(staff, filed):
    code, ids = filed()
    inspector = staff("inspector")
    assert "CCCD_Vu_Minh_Hai.pdf" not in _download_name(Download(inspector, ids[0]))
    token = page_token(inspector, f"/inbox/{code}")
    assert inspector.post(f"/inbox/{code}/identity", data={
        "csrf_token": token, "reason": "Xác minh tố cáo"}).status_code == 302
    page = text(inspector.get(f"/inbox/{code}"))
    assert "CCCD_Vu_Minh_Hai.pdf" in page and "ghi-am-Hai.png" in page and "KB)" in page
    response = Download(inspector, ids[0])
    assert response.status_code == 200
    assert "CCCD_Vu_Minh_Hai.pdf" in _download_name(response)


def test_consent_shows_the_names_to_the_head(staff, filed):
    code, ids = filed(consent=True)
    head = staff("head", "TB-SXD")
    assert "CCCD_Vu_Minh_Hai.pdf" in text(head.get(f"/inbox/{code}"))
    assert "CCCD_Vu_Minh_Hai.pdf" in _download_name(Download(head, ids[0]))


@pytest.mark.parametrize("role,agency", [("officer", "TB-SXD"), ("head", "TB-SKHDT"),
                                         ("officer", "TB-SKHDT"), ("clerk", None)])
def test_those_who_may_not_see_the_report_get_nothing(staff, filed, role, agency):
    code, ids = filed()
    browser = staff(role, agency)
    assert browser.get(f"/inbox/{code}").status_code in (403, 404)
    for attachment_id in ids:
        assert Download(browser, attachment_id).status_code in (403, 404)


def test_anonymous_visitor_is_sent_to_login(client, filed):
    _, ids = filed()
    response = client.get(f"/inbox/attachments/{ids[0]}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_ordinary_reports_keep_their_names(staff, filed):
    code, ids = filed(category="delay")
    officer = staff("officer", "TB-SXD")
    assert "CCCD_Vu_Minh_Hai.pdf" in text(officer.get(f"/inbox/{code}"))
    assert "CCCD_Vu_Minh_Hai.pdf" in _download_name(Download(officer, ids[0]))


def test_anonymous_reports_hide_the_names_too(staff, filed):
    code, ids = filed(category="delay", anonymous=True)
    officer = staff("officer", "TB-SXD")
    page = text(officer.get(f"/inbox/{code}"))
    assert "CCCD_Vu_Minh_Hai.pdf" not in page and "Attachment 1" in page
    assert "attachment-1.pdf" in _download_name(Download(officer, ids[0]))
