"""Images lose their metadata on upload (issue 7): everyone downloads a re-encoded copy without
EXIF (GPS position, camera), comments or PNG text; the inspectorate alone may fetch the file as
uploaded, and that download is audited."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from portal.extensions import db
from portal.models import AuditEntry
from tests.web.support import agency_id, error_summary, file_report, post_report, text, ticket

LATITUDE = (20.0, 26.0, 48.5)  # Thái Bình


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.BodySerialNumber] = "CAM-0042"
    exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N",
                                   ExifTags.GPS.GPSLatitude: LATITUDE,
                                   ExifTags.GPS.GPSLongitudeRef: "E",
                                   ExifTags.GPS.GPSLongitude: (106.0, 20.0, 0.0)}
    return exif


def jpeg_with_gps() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, "JPEG", exif=_exif(),
                                                  comment=b"Chup boi Vu Minh Hai")
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Vu Minh Hai")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 0)).save(out, "PNG", pnginfo=info, exif=_exif())
    return out.getvalue()


def download(browser, attachment_id: int, original: bool = False):
    response = browser.get(f"/inbox/attachments/{attachment_id}"
                           + ("?original=1" if original else ""))
    data, status = response.get_data(), response.status_code
    response.close()
    return status, data


def assert_clean(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and "comment" not in image.info and "Author" not in image.info
    for needle in (b"Exif", b"eXIf", b"Canon", b"CAM-0042", b"Vu Minh Hai", b"tEXt"):
        assert needle not in data


@pytest.fixture
def filed(client, directory):
    def make(category: str):
        code, _ = file_report(client, category=category, agency_id=agency_id("TB-SXD"),
                              contact_name="Vũ Minh Hải",
                              files=[(jpeg_with_gps(), "hien-truong.jpg"),
                                     (png_with_text(), "anh-chup.png")])
        return code, [a.id for a in ticket(code).attachments]
    return make


def test_everyone_downloads_images_without_metadata(staff, filed):
    code, (jpeg_id, png_id) = filed("delay")
    officer = staff("officer", "TB-SXD")
    for attachment_id, kind in ((jpeg_id, "JPEG"), (png_id, "PNG")):
        status, data = download(officer, attachment_id)
        assert status == 200 and Image.open(io.BytesIO(data)).format == kind
        assert_clean(data)
        assert Image.open(io.BytesIO(data)).size in ((32, 24), (8, 8))
    # The originals did carry the position: the test image is what it claims to be.
    gps = Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitude] == LATITUDE


def test_only_the_inspector_gets_the_original_and_it_is_audited(staff, filed):
    code, (jpeg_id, _png_id) = filed("harassment")
    head = staff("head", "TB-SXD")
    assert download(head, jpeg_id, original=True)[0] == 404
    status, data = download(head, jpeg_id)
    assert status == 200
    assert_clean(data)
    inspector = staff("inspector")
    assert "original with metadata" in text(inspector.get(f"/inbox/{code}"))
    assert "original with metadata" not in text(head.get(f"/inbox/{code}"))
    status, original = download(inspector, jpeg_id, original=True)
    assert status == 200 and original == jpeg_with_gps()
    db.session.expire_all()
    [entry] = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "attachment.original_downloaded")).all()
    assert entry.actor.username == "inspector2" and entry.ticket.code == code


@pytest.mark.parametrize("role,agency", [("coordinator", None), ("admin", None)])
def test_overseers_get_no_original_either(staff, filed, role, agency):
    _code, (jpeg_id, _png_id) = filed("harassment")
    assert download(staff(role, agency), jpeg_id, original=True)[0] == 404


def test_a_file_that_only_looks_like_an_image_is_refused(client, directory):
    fake = b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10
    response = post_report(client, files=[(fake, "anh.jpg")])
    assert response.status_code == 422
    assert "anh.jpg is not an accepted file" in error_summary(text(response))
