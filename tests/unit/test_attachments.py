"""Attachments are checked by content, named safely, and stored under random names."""
from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib

import pytest

from portal.errors import ValidationFailed
from portal.tickets import attachments
from portal.tickets.attachments import Upload


def _png() -> bytes:
    """A real 1×1 greyscale PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _jpeg() -> bytes:
    """A real baseline 1×1 greyscale JPEG: one block, DC 0 and EOB, one-code Huffman tables."""
    one_code = bytes([1] + [0] * 15) + b"\x00"
    return (b"\xff\xd8"
            + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + _segment(0xDB, b"\x00" + b"\x01" * 64)
            + _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
            + _segment(0xC4, b"\x00" + one_code)
            + _segment(0xC4, b"\x10" + one_code)
            + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
            + b"\x3f\xff\xd9")


PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
       b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
PNG = _png()
JPEG = _jpeg()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
                 '"http://schemas.openxmlformats.org/package/2006/content-types"/>')
DOCX = _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": "<Relationships/>",
             "word/document.xml": "<w:document/>"})
XLSX = _zip({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": "<Relationships/>",
             "xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": "<worksheet/>"})
ZIP_WITHOUT_TYPES = _zip({"word/document.xml": "<w:document/>"})
PLAIN_ZIP = _zip({"readme.txt": "hello"})


@pytest.mark.parametrize("data,kind", [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpg"), (DOCX, "docx"), (XLSX, "xlsx"),
    (ZIP_WITHOUT_TYPES, None), (PLAIN_ZIP, None), (EXE, None), (b"PK\x03\x04broken", None),
    (b"<html><script>alert(1)</script>", None), (b"GIF89a\x01\x00\x01\x00", None), (b"", None),
])
def test_sniff_reads_the_content(data, kind):
    assert attachments.sniff(data) == kind


def _errors(*uploads: Upload, max_count: int = 5, max_bytes: int = 10 * 1024 * 1024):
    return attachments.validate(list(uploads), max_count=max_count, max_bytes=max_bytes)


@pytest.mark.parametrize("name,data", [
    ("quyet-dinh.pdf", PDF), ("SCAN.PDF", PDF), ("anh.png", PNG), ("anh.jpg", JPEG),
    ("anh.JPEG", JPEG), ("don.docx", DOCX), ("bang-ke.xlsx", XLSX),
])
def test_accepted_files(name, data):
    assert _errors(Upload(name, data)) == []


@pytest.mark.parametrize("name,data", [
    ("hoa-don.pdf", EXE),                 # an executable renamed .pdf
    ("anh.png", PDF),                     # a real PDF under an image name
    ("anh.jpg", PNG),
    ("bang-ke.xlsx", DOCX),               # Office kinds are told apart too
    ("don.docx", ZIP_WITHOUT_TYPES),      # a zip that is not an Office document
    ("don.docx", PLAIN_ZIP),
    ("tai-lieu.zip", DOCX),               # right content, extension not accepted
    ("quyet-dinh", PDF),                  # no extension
    ("virus.exe", EXE),
    ("anh.gif", b"GIF89a\x01\x00\x01\x00"),
])
def test_refused_files(name, data):
    errors = _errors(Upload(name, data))
    assert len(errors) == 1
    field, message = errors[0]
    assert field == "attachments"
    assert attachments.safe_display_name(name) in str(message)


def test_size_count_and_empty_limits():
    assert len(_errors(Upload("a.pdf", PDF), max_bytes=len(PDF) - 1)) == 1
    assert _errors(Upload("a.pdf", PDF), max_bytes=len(PDF)) == []
    assert len(_errors(Upload("empty.pdf", b""))) == 1
    assert _errors(*[Upload(f"{i}.pdf", PDF) for i in range(5)]) == []
    too_many = _errors(*[Upload(f"{i}.pdf", PDF) for i in range(6)])
    assert [f for f, _ in too_many] == ["attachments"]


@pytest.mark.parametrize("given,shown", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\minh\\Desktop\\don.pdf", "don.pdf"),
    ("/var/www/../hop-dong.docx", "hop-dong.docx"),
    ("bad\x00na\nme\r.pdf", "badname.pdf"),
    ("bao-cao\u202efdp.exe", "bao-caofdp.exe"),    # right-to-left override removed
    (".htaccess", "htaccess"),
    ("  ../  ", "file"),
    ("", "file"),
    ("Quyết định số 12.pdf", "Quyết định số 12.pdf"),  # Vietnamese names are kept
])
def test_safe_display_name(given, shown):
    assert attachments.safe_display_name(given) == shown


def test_safe_display_name_is_at_most_255_characters():
    assert len(attachments.safe_display_name("a" * 300 + ".pdf")) == 255


def _files(folder: str) -> set[str]:
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def test_files_are_stored_under_random_names_in_the_upload_folder(app, make_ticket):
    folder = app.config["UPLOAD_FOLDER"]
    before = _files(folder)
    uploads = [Upload("../../../tmp/don.pdf", PDF), Upload("don.pdf", PDF),
               Upload("anh.png", PNG), Upload("bang-ke.xlsx", XLSX)]
    ticket, _ = make_ticket(uploads=uploads)

    stored = ticket.attachments
    assert [a.original_name for a in stored] == ["don.pdf", "don.pdf", "anh.png", "bang-ke.xlsx"]
    assert [a.content_type for a in stored] == [
        "application/pdf", "application/pdf", "image/png",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    # The PNG is stored twice: re-encoded without metadata (served) and as uploaded.
    names = [a.stored_name for a in stored] + [stored[2].original_stored_name]
    assert len(set(names)) == 5
    assert all(len(n) == 32 and int(n, 16) >= 0 for n in names)  # 128 random bits, hex
    assert _files(folder) - before == set(names)
    for attachment, upload in zip(stored, uploads):
        path = attachments.path_of(attachment, folder)
        assert os.path.dirname(path) == folder
        with open(path, "rb") as fh:
            served = fh.read()
        with open(attachments.path_of(attachment, folder, original=True), "rb") as fh:
            assert fh.read() == upload.data
        if attachment.content_type != "image/png":  # (tests/security/test_image_metadata.py)
            assert served == upload.data
        assert attachment.size == len(served)
        assert attachment.sha256 == hashlib.sha256(served).hexdigest()
    # Nothing landed under the name the reporter chose.
    assert "don.pdf" not in _files(folder)


def test_a_refused_file_stops_the_filing_and_writes_nothing(app, make_ticket):
    folder = app.config["UPLOAD_FOLDER"]
    before = _files(folder)
    with pytest.raises(ValidationFailed) as failed:
        make_ticket(uploads=[Upload("don.pdf", PDF), Upload("hoa-don.pdf", EXE)])
    assert [f for f, _ in failed.value.errors] == ["attachments"]
    assert _files(folder) == before


def test_files_of_a_filing_that_rolls_back_are_removed(app, db, directory):
    """An image that passes the magic bytes but cannot be decoded fails the filing after the
    PDF before it was written: the rollback removes that file too; a commit keeps files."""
    from portal import clock
    from portal.tickets import intake
    from portal.tickets.intake import Submission

    folder = app.config["UPLOAD_FOLDER"]
    before = _files(folder)
    broken_png = b"\x89PNG\r\n\x1a\n" + b"not an image" * 10
    data = Submission(category="delay", subject="Hồ sơ chậm", description="Quá hạn 10 ngày.",
                      uploads=[Upload("don.pdf", PDF), Upload("anh.png", broken_png)])
    with pytest.raises(ValidationFailed):
        intake.submit_ticket(data, filed_by=None, now=clock.now_utc(), config=app.config)
    assert len(_files(folder) - before) == 1  # the PDF, written before the image failed
    db.session.rollback()
    assert _files(folder) == before

    kept = Submission(category="delay", subject="Hồ sơ chậm", description="Quá hạn 10 ngày.",
                      uploads=[Upload("don.pdf", PDF)])
    intake.submit_ticket(kept, filed_by=None, now=clock.now_utc(), config=app.config)
    db.session.commit()
    db.session.rollback()  # a later rollback leaves the committed files alone
    assert len(_files(folder) - before) == 1
