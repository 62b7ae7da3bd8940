"""Helpers for the web tests: real file bytes, filing, tracking and inbox actions via pages."""
from __future__ import annotations

import html as html_lib
import io
import re
import struct
import zipfile
import zlib

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.models import Agency, Procedure, Ticket, TicketEvent
from tests.helpers import csrf_token, page_token

CODE_RE = re.compile(r"^PA-(\d{4})-(\d{6})$")
RECEIPT_RE = re.compile(r'id="receipt">([^<]+)<')
_VERSION_RE = re.compile(r'name="(?:[^"]*-)?version" type="hidden" value="(\d+)"')


# --- real, minimal files -----------------------------------------------------------------

def pdf_bytes(text: str = "Bien nhan ho so") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes() -> bytes:
    """A 1×1 grey PNG."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80")) + _png_chunk(b"IEND", b""))


def jpeg_bytes() -> bytes:
    """An 8×8 grey baseline JPEG: one DC-only block coded with one-symbol Huffman tables."""
    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload
    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    return (b"\xff\xd8"
            + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xDB, b"\x00" + b"\x01" * 64)
            + segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
            + segment(0xC4, b"\x00" + one_code) + segment(0xC4, b"\x10" + one_code)
            + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
            + b"\x3f"  # DC diff 0 ("0"), end of block ("0"), padded with ones
            + b"\xff\xd9")


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="{target}"/></Relationships>')


def docx_bytes() -> bytes:
    return _zip({
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": _RELS.format(target="word/document.xml"),
        "word/document.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body><w:p><w:r><w:t>Giấy hẹn trả kết quả</w:t></w:r></w:p></w:body></w:document>',
    })


def xlsx_bytes() -> bytes:
    return _zip({
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": _RELS.format(target="xl/workbook.xml"),
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>25</t></is></c></row>'
            '</sheetData></worksheet>',
    })


def exe_bytes() -> bytes:
    """The start of a Windows executable (DOS stub)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + (
        b"This program cannot be run in DOS mode.\r\r\n$")


# --- database reads (fresh: requests commit on their own sessions) ----------------------------

def ticket(code: str) -> Ticket:
    db.session.expire_all()
    found = db.session.scalar(sa.select(Ticket).where(Ticket.code == code))
    assert found is not None, code
    return found


def ticket_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))


def events(code: str) -> list[TicketEvent]:
    db.session.expire_all()
    return list(db.session.scalars(
        sa.select(TicketEvent).join(Ticket).where(Ticket.code == code).order_by(TicketEvent.id)))


def agency_id(code: str) -> int:
    return db.session.scalar(sa.select(Agency.id).where(Agency.code == code))


def procedure_id(code: str) -> int:
    return db.session.scalar(sa.select(Procedure.id).where(Procedure.code == code))


# --- page parsing ---------------------------------------------------------------------------

def text(response) -> str:
    return response.get_data(as_text=True)


def version_in(page: str) -> int:
    match = _VERSION_RE.search(page)
    assert match, "page has no version field"
    return int(match.group(1))


def error_summary(page: str) -> str:
    """The visible text of the error summary box ('' when there is none)."""
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    return _visible(match.group(0)) if match else ""


def flashes(page: str) -> list[str]:
    return [_visible(m) for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page, re.S)]


def form_html(page: str, action: str) -> str:
    """The HTML of the form posting to ``action`` (pages carry several forms)."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S)
    assert match, f"no form posting to {action}"
    return match.group(0)


def has_form(page: str, action: str) -> bool:
    return f'action="{action}"' in page


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return html_lib.unescape(match.group(1)).lstrip("\r\n")


def input_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html_lib.unescape(value.group(1)) if value else None


def _visible(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# --- journeys -------------------------------------------------------------------------------

def submission(**fields) -> dict:
    data = {"category": "delay", "agency_id": "", "procedure_id": "", "dossier_number": "",
            "subject": "Hồ sơ cấp phép xây dựng quá hạn",
            "description": "Nộp hồ sơ tại Bộ phận một cửa ngày 2/3, giấy hẹn ngày 20/3, "
                           "đến nay chưa có kết quả.",
            "locality": "", "business_name": "", "contact_name": "", "contact_email": "",
            "contact_phone": ""}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def post_report(browser, url: str = "/feedback/new", files=(), **fields):
    """POST the filing form with a CSRF token; ``files`` is a list of (bytes, filename)."""
    data = MultiDict(submission(**fields))
    data["csrf_token"] = page_token(browser, url)
    for content, name in files:
        data.add("attachments", FileStorage(io.BytesIO(content), filename=name))
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(data)
    return browser.post(url, data=body,
                        content_type=f"multipart/form-data; boundary={boundary}")


def file_report(browser, url: str = "/feedback/new", files=(), **fields) -> tuple[str, str]:
    """File a report through the form; returns (tracking code, receipt) from the pages."""
    response = post_report(browser, url, files, **fields)
    assert response.status_code == 302, error_summary(text(response)) or response.status_code
    code = response.headers["Location"].split("/")[2]
    received = browser.get(f"/feedback/{code}/received")
    match = RECEIPT_RE.search(text(received))
    assert match, "the receipt page shows no receipt"
    return code, match.group(1)


def track(browser, code: str, receipt: str):
    token = page_token(browser, "/track")
    return browser.post("/track", data={"csrf_token": token, "code": code, "receipt": receipt})


def reporter_post(browser, code: str, action: str, **data):
    """POST a form of the tracking page (reply, rate, reopen)."""
    token = page_token(browser, f"/track/{code}")
    return browser.post(f"/track/{code}/{action}", data={"csrf_token": token, **data})


def inbox_act(browser, code: str, action: str, version: int | None = None, **data):
    """POST an inbox action with the token and version read from the detail page."""
    page = browser.get(f"/inbox/{code}")
    assert page.status_code == 200, page.status_code
    body = text(page)
    fields = {"csrf_token": csrf_token(body),
              "version": version if version is not None else version_in(body), **data}
    # Each action's form on the page is prefixed with the action's name.
    return browser.post(f"/inbox/{code}/{action}",
                        data={f"{action}-{name}": value for name, value in fields.items()})


def triage_form(browser, code: str) -> tuple[int, str, int]:
    """(ticket id, CSRF token, version) from the coordinator's triage page."""
    page = browser.get("/triage")
    assert page.status_code == 200
    body = text(page)
    ticket_id = ticket(code).id
    version = re.search(rf'name="t{ticket_id}-version" type="hidden" value="(\d+)"', body)
    assert version, f"{code} is not on the triage page"
    return ticket_id, csrf_token(body), int(version.group(1))


def assign(browser, code: str, agency_code: str, version: int | None = None):
    ticket_id, token, current = triage_form(browser, code)
    return browser.post(f"/triage/{code}/assign", data={
        f"t{ticket_id}-csrf_token": token,
        f"t{ticket_id}-version": current if version is None else version,
        f"t{ticket_id}-agency_id": agency_id(agency_code)})


def reject(browser, code: str, reason: str):
    ticket_id, token, version = triage_form(browser, code)
    return browser.post(f"/triage/{code}/reject", data={
        f"r{ticket_id}-csrf_token": token, f"r{ticket_id}-version": version,
        f"r{ticket_id}-reason": reason})


def inbox_codes(page: str) -> list[str]:
    return re.findall(r'<td><a href="/inbox/(PA-\d{4}-\d{6})">', page)


def page_link(page: str, rel: str) -> str | None:
    """The href of the list's ``rel="next"`` or ``rel="prev"`` link, if any."""
    match = re.search(rf'<a [^>]*rel="{rel}"[^>]*href="([^"]+)"', page)
    return html_lib.unescape(match.group(1)) if match else None


def next_page_url(page: str) -> str | None:
    match = re.search(r'<nav class="pagination"[^>]*>\s*<a [^>]*href="([^"]+)"', page)
    return html_lib.unescape(match.group(1)) if match else None
