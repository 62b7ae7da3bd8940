"""Filing a report at /feedback/new, with CSRF on."""
from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import Attachment, Category, Channel, Status
from portal.tickets.tracking import hash_receipt
from tests.helpers import page_token
from tests.web.support import (CODE_RE, RECEIPT_RE, agency_id, docx_bytes, error_summary,
                               exe_bytes, file_report, input_value, jpeg_bytes, pdf_bytes,
                               png_bytes, post_report, procedure_id, text, textarea, ticket,
                               ticket_count, xlsx_bytes)

MB = 1024 * 1024
SUBJECT = "Chậm cấp giấy phép xây dựng nhà xưởng"
DESCRIPTION = "Công ty nộp hồ sơ ngày 3/3 tại Sở Xây dựng, quá hẹn 12 ngày chưa có kết quả."


def test_filing_page_renders_a_form_with_csrf(client, directory):
    response = client.get("/feedback/new")
    assert response.status_code == 200
    body = text(response)
    assert 'enctype="multipart/form-data"' in body
    assert 'name="csrf_token"' in body
    # Agencies and procedures are listed by name, in the chosen language.
    assert "Hung Yen Department of Construction" in body and "Construction permit" in body


def test_happy_path_gives_code_and_a_receipt_shown_once(client, directory, app):
    response = post_report(client, agency_id=agency_id("HY-SXD"), subject=SUBJECT,
                           description=DESCRIPTION, contact_name="Nguyễn Văn An",
                           contact_email="An.Nguyen@Example.vn", contact_phone="0912 345 678",
                           business_name="Công ty TNHH Minh An")

    assert response.status_code == 302
    match = re.fullmatch(r"/feedback/(PA-\d{4}-\d{6})/received", response.headers["Location"])
    assert match
    code = match.group(1)
    assert CODE_RE.match(code).group(1) == str(clock.now_utc().year)

    first = client.get(f"/feedback/{code}/received")
    assert first.status_code == 200
    page = text(first)
    receipt = RECEIPT_RE.search(page).group(1)
    assert re.fullmatch(r"[A-Z2-7]{5}(-[A-Z2-7]{5}){3}", receipt)
    assert code in page and SUBJECT in page
    assert "data-print" in page  # the printable acknowledgement's print button
    assert "shown only once" in page

    second = client.get(f"/feedback/{code}/received")
    assert second.status_code == 200
    assert receipt not in text(second)
    assert "data-print" not in text(second)
    assert "cannot be shown again" in text(second)

    filed = ticket(code)
    assert filed.status == Status.assigned and filed.agency.code == "HY-SXD"
    assert filed.channel == Channel.web and filed.category == Category.delay
    assert (filed.subject, filed.description) == (SUBJECT, DESCRIPTION)
    assert filed.contact_name == "Nguyễn Văn An"
    assert filed.contact_email == "an.nguyen@example.vn"
    assert filed.contact_phone == "0912 345 678"
    assert filed.business_name == "Công ty TNHH Minh An"
    # Only a keyed hash of the receipt is kept.
    assert receipt not in filed.receipt_hash
    assert filed.receipt_hash == hash_receipt(receipt, app.config["RECEIPT_KEY"])
    assert filed.ack_due > filed.received_at and filed.answer_due > filed.ack_due


def test_codes_count_up(client, directory):
    first, _ = file_report(client)
    second, _ = file_report(client)
    year, n1 = CODE_RE.match(first).groups()
    year2, n2 = CODE_RE.match(second).groups()
    assert year == year2 and int(n2) == int(n1) + 1


def test_received_page_is_not_open_to_another_browser(client, new_client, directory):
    code, _ = file_report(client)
    assert new_client().get(f"/feedback/{code}/received").status_code == 404


def test_procedure_without_agency_goes_to_the_procedures_agency(client, directory):
    code, _ = file_report(client, procedure_id=procedure_id("CONSTRUCTION-PERMIT"),
                          dossier_number="000.00.17.H57-230303-0001")
    filed = ticket(code)
    assert filed.agency.code == "HY-SXD"
    assert filed.status == Status.assigned
    assert filed.procedure.code == "CONSTRUCTION-PERMIT"
    assert filed.dossier_number == "000.00.17.H57-230303-0001"


def test_procedure_agency_officer_sees_it_in_the_inbox(client, staff, directory):
    code, _ = file_report(client, procedure_id=procedure_id("CONSTRUCTION-PERMIT"))
    officer = staff("officer", "HY-SXD")
    assert code in text(officer.get("/inbox"))
    assert code not in text(staff("officer", "HY-STC").get("/inbox"))


def test_no_agency_means_new_and_waiting_in_triage(client, staff, directory):
    code, _ = file_report(client)
    filed = ticket(code)
    assert filed.status == Status.new and filed.agency is None
    assert code in text(staff("coordinator").get("/triage"))


def test_anonymous_report_keeps_no_contact_details(client, staff, directory):
    code, receipt = file_report(client, agency_id=agency_id("HY-SXD"), anonymous="y",
                                contact_name="Trần Thị Bình", contact_email="binh@example.vn",
                                contact_phone="0987654321", business_name="Hộ kinh doanh Bình",
                                identity_consent="y")
    filed = ticket(code)
    assert filed.anonymous is True and filed.identity_consent is False
    assert (filed.contact_name, filed.contact_email, filed.contact_phone,
            filed.business_name) == (None, None, None, None)
    page = text(staff("head", "HY-SXD").get(f"/inbox/{code}"))
    assert "Filed anonymously." in page
    assert "Trần Thị Bình" not in page and "binh@example.vn" not in page


ALLOWED = [
    (pdf_bytes(), "giay-hen.pdf", "application/pdf"),
    (png_bytes(), "anh-chup.png", "image/png"),
    (jpeg_bytes(), "bien-lai.jpeg", "image/jpeg"),
    (docx_bytes(), "don-kien-nghi.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx_bytes(), "bang-tinh.xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
]


def test_five_attachments_of_the_allowed_types_are_stored(client, staff, directory, app):
    code, _ = file_report(client, agency_id=agency_id("HY-SXD"),
                          files=[(data, name) for data, name, _ in ALLOWED])
    stored = sorted(ticket(code).attachments, key=lambda a: a.id)
    assert [(a.original_name, a.content_type) for a in stored] == [
        (name, kind) for _data, name, kind in ALLOWED]
    folder = app.config["UPLOAD_FOLDER"]
    for attachment, (data, _, kind) in zip(stored, ALLOWED):
        assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
        # Images are served re-encoded without metadata; the upload itself is kept too.
        kept = attachment.original_stored_name if kind.startswith("image/") else attachment.stored_name
        with open(os.path.join(folder, kept), "rb") as fh:
            assert fh.read() == data
        assert (attachment.original_stored_name is not None) == kind.startswith("image/")

    # The reporter and the agency can download them, byte for byte.
    with client.get(f"/track/{code}/attachments/{stored[0].id}") as download:
        assert download.status_code == 200
        assert download.data == ALLOWED[0][0]
        assert download.mimetype == "application/pdf"
        assert "attachment" in download.headers["Content-Disposition"]
    officer = staff("officer", "HY-SXD")
    with officer.get(f"/inbox/attachments/{stored[4].id}") as download:
        assert download.status_code == 200 and download.data == ALLOWED[4][0]


def test_path_traversal_filename_is_stored_under_a_safe_name(client, directory, app, tmp_path):
    code, _ = file_report(client, files=[(pdf_bytes(), "../../etc/passwd.pdf"),
                                         (png_bytes(), "..\\..\\windows\\win.png")])
    names = [a.original_name for a in sorted(ticket(code).attachments, key=lambda a: a.id)]
    assert names[0] == "passwd.pdf"
    # Multipart quoting eats the backslashes; either way no path part survives.
    assert names[1].endswith("win.png") and not set(names[1]) & {"/", "\\"}
    assert not names[1].startswith(".")
    folder = app.config["UPLOAD_FOLDER"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", n) for n in os.listdir(folder)
               if n in {a.stored_name for a in ticket(code).attachments})
    assert not os.path.exists(os.path.join(folder, "../../etc/passwd.pdf"))
    assert not os.path.exists(os.path.join(folder, "passwd.pdf"))


def _assert_refused_and_kept(response, message: str, subject: str = SUBJECT,
                             description: str | None = DESCRIPTION) -> str:
    assert response.status_code == 422
    page = text(response)
    assert message in error_summary(page), error_summary(page)
    assert input_value(page, "subject") == subject
    if description is not None:
        assert textarea(page, "description") == description
    assert ticket_count() == 0
    return page


@pytest.mark.parametrize("files,message", [
    ([(exe_bytes(), "hoa-don.pdf")],
     "hoa-don.pdf is not an accepted file. Accepted: PDF, JPG, PNG, DOCX, XLSX."),
    ([(b"Ghi chu cua toi\n", "ghi-chu.txt")], "ghi-chu.txt is not an accepted file."),
    ([(pdf_bytes(), "scan.png")], "scan.png is not an accepted file."),
    ([(b"PK\x03\x04not really a zip", "don.docx")], "don.docx is not an accepted file."),
    ([(xlsx_bytes(), "bang.docx")], "bang.docx is not an accepted file."),
    ([(b"", "rong.pdf")], "rong.pdf is empty."),
    ([(png_bytes(), f"anh-{i}.png") for i in range(6)], "Attach at most 5 files."),
], ids=["exe-renamed-pdf", "txt", "pdf-named-png", "broken-zip", "xlsx-named-docx", "empty",
        "six-files"])
def test_bad_attachments_are_refused_and_the_text_is_kept(client, directory, app, files,
                                                          message):
    folder = app.config["UPLOAD_FOLDER"]
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    response = post_report(client, files=files, subject=SUBJECT, description=DESCRIPTION)
    _assert_refused_and_kept(response, message)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert after == before  # nothing written to disk


def test_oversized_attachment_is_refused(client, directory, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", 1 * MB)
    big = pdf_bytes() + b"0" * (MB + 1 - len(pdf_bytes()))
    response = post_report(client, files=[(big, "ban-ve.pdf")], subject=SUBJECT,
                           description=DESCRIPTION)
    _assert_refused_and_kept(response, "ban-ve.pdf is larger than 1 MB.")


def test_real_limit_is_ten_megabytes(client, directory):
    limit = 10 * MB
    just_over = pdf_bytes() + b"0" * (limit + 1 - len(pdf_bytes()))
    response = post_report(client, files=[(just_over, "ho-so.pdf")], subject=SUBJECT,
                           description=DESCRIPTION)
    _assert_refused_and_kept(response, "ho-so.pdf is larger than 10 MB.")

    at_limit = just_over[:limit]
    code, _ = file_report(client, files=[(at_limit, "ho-so.pdf")])
    assert [a.size for a in ticket(code).attachments] == [limit]


def test_empty_description_is_refused_and_the_subject_kept(client, directory):
    response = post_report(client, subject=SUBJECT, description="   ")
    _assert_refused_and_kept(response, "Describe what happened.", description=None)


def test_20000_character_description_is_refused_and_kept(client, directory):
    long_text = ("Cán bộ một cửa yêu cầu bổ sung giấy tờ không có trong quy định. " * 400)[:20_000]
    response = post_report(client, subject=SUBJECT, description=long_text)
    _assert_refused_and_kept(response, "The description must be at most 10000 characters.",
                             description=long_text)


def test_missing_subject_and_category_are_refused(client, directory):
    response = post_report(client, subject="", category=None, description=DESCRIPTION)
    page = _assert_refused_and_kept(response, "Enter a short subject.", subject="")
    assert "Choose what the report is about." in error_summary(page)


def test_invalid_email_is_refused_and_kept(client, directory):
    response = post_report(client, subject=SUBJECT, description=DESCRIPTION,
                           contact_email="an.nguyen@@example")
    page = _assert_refused_and_kept(response, "Enter a valid e-mail address, or leave it empty.")
    assert input_value(page, "contact_email") == "an.nguyen@@example"


@pytest.mark.parametrize("value", ["999999", "abc"])
def test_unknown_agency_is_refused(client, directory, value):
    response = post_report(client, subject=SUBJECT, description=DESCRIPTION, agency_id=value)
    _assert_refused_and_kept(response, "Choose an agency from the list.")


def test_unknown_procedure_is_refused(client, directory):
    response = post_report(client, subject=SUBJECT, description=DESCRIPTION,
                           procedure_id="424242")
    _assert_refused_and_kept(response, "Choose a procedure from the list.")


def test_unknown_category_is_refused(client, directory):
    response = post_report(client, subject=SUBJECT, description=DESCRIPTION, category="bribery")
    _assert_refused_and_kept(response, "Choose what the report is about.")


def test_post_without_csrf_token_is_refused(client, directory):
    response = client.post("/feedback/new", data={
        "category": "delay", "subject": SUBJECT, "description": DESCRIPTION})
    assert response.status_code == 400
    assert ticket_count() == 0


def test_post_with_another_sessions_token_is_refused(client, new_client, directory):
    token = page_token(new_client(), "/feedback/new")
    client.get("/feedback/new")
    response = client.post("/feedback/new", data={
        "csrf_token": token, "category": "delay", "subject": SUBJECT, "description": DESCRIPTION})
    assert response.status_code == 400
    assert ticket_count() == 0


def test_named_procedure_decides_the_agency_over_the_chosen_one(client, directory):
    # DESIGN §5.1: the procedure's agency owns the report, whatever agency was ticked.
    code, _ = file_report(client, agency_id=agency_id("HY-STP"),
                          procedure_id=procedure_id("CONSTRUCTION-PERMIT"))
    assert ticket(code).agency_id == agency_id("HY-SXD")


@pytest.mark.parametrize("lang, message", [("vi", "Tối đa 200 ký tự."),
                                           ("en", "At most 200 characters.")])
def test_a_too_long_field_is_refused_in_the_readers_language(client, directory, lang, message):
    """WTForms' own messages are English only: every validator carries the portal's message."""
    client.get(f"/feedback/new?lang={lang}")
    response = post_report(client, subject=SUBJECT, description=DESCRIPTION,
                           business_name="C" * 201)
    _assert_refused_and_kept(response, message)
