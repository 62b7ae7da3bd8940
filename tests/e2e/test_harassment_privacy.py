"""Issue 7's browser check: an anonymous harassment report, then every page the accused
agency's head can reach (inbox, the report, its history, attachments, account pages, the
staff API with the head's own token, Open311) shows nothing that identifies the reporter.

The reporter first types their details and then chooses to stay anonymous, and attaches a
photo named after them carrying GPS in its EXIF: the strongest leaks a careless portal has.
"""
from __future__ import annotations

import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
from PIL import ExifTags, Image
from playwright.sync_api import Page, expect

from portal.models import Role

pytestmark = pytest.mark.e2e

NAME, EMAIL, PHONE = "Vũ Minh Hải", "hai.vu@haiminh.vn", "0912 345 678"
BUSINESS = "Công ty TNHH Hải Minh"
PHOTO_NAME = "Vu_Minh_Hai_bien_nhan.jpg"
SECRETS = (NAME, "Vu Minh Hai", "Vu_Minh_Hai", EMAIL, PHONE, "0912345678", BUSINESS, "Hải Minh",
           PHOTO_NAME)
SUBJECT = "Cán bộ một cửa gợi ý bồi dưỡng để hồ sơ đi nhanh"
DESCRIPTION = "Tại Bộ phận một cửa, cán bộ nói phải có 'chi phí bồi dưỡng' thì hồ sơ mới xong."


def _photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Vu Minh Hai"
    exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N",
                                   ExifTags.GPS.GPSLatitude: (20.0, 26.0, 48.5)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 90, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def _field(scope, label: str):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s*\*)?\s*$"))


def _file_anonymously(page: Page, live_server, vi) -> str:
    page.goto(live_server("/feedback/new"))
    page.get_by_role("group", name=vi("What is the problem?")) \
        .get_by_label(vi("Harassment or demands for money")).check()
    _field(page, vi("Agency concerned (if known)")).select_option(label="Sở Xây dựng tỉnh Hưng Yên")
    _field(page, vi("Subject")).fill(SUBJECT)
    _field(page, vi("What happened?")).fill(DESCRIPTION)
    # Typed first, then the reporter decides to stay anonymous: nothing of it may be kept.
    _field(page, vi("Business name")).fill(BUSINESS)
    _field(page, vi("Your name")).fill(NAME)
    _field(page, vi("E-mail")).fill(EMAIL)
    _field(page, vi("Phone")).fill(PHONE)
    _field(page, vi("File anonymously (no name, no contact details are kept)")).check()
    _field(page, vi("Attachments")).set_input_files(files=[
        {"name": PHOTO_NAME, "mimeType": "image/jpeg", "buffer": _photo_with_gps()}])
    page.get_by_role("button", name=vi("Send report"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/feedback/PA-\d{4}-\d{6}/received$"))
    return page.locator("#tracking-code").inner_text().strip()


def _sign_in(page: Page, live_server, username: str, password: str, vi) -> None:
    page.goto(live_server("/login"))
    _field(page, vi("Username")).fill(username)
    _field(page, vi("Password")).fill(password)
    page.get_by_role("button", name=vi("Sign in"), exact=True).click()
    expect(page.get_by_role("status").filter(has_text=vi("Signed in."))).to_be_visible()


def _assert_clean(where: str, body: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in body.lower(), f"{secret!r} leaks on {where}"


# Public pages with no report in them (the directory, hundreds of agency pages, and the
# aggregate rankings): left out so the crawl spends its budget where reports are shown.
PUBLIC_AGGREGATES = ("/agencies", "/scores")


def _crawl(page: Page, start: str, origin: str) -> tuple[list[str], list[str]]:
    """Every same-site page reachable by links from ``start`` (GET only, no sign-out, no
    language switch, no public aggregate); returns (pages, downloads)."""
    seen, queue, pages, downloads = set(), [start], [], []
    while queue and len(seen) < 80:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        if "/attachments/" in url:
            downloads.append(url)
            continue
        response = page.goto(url)
        assert response is not None and response.status < 500, (url, response and response.status)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        pages.append(url)
        _assert_clean(url, page.content())
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}" == origin and "lang=" not in parts.query \
                    and not parts.path.startswith(PUBLIC_AGGREGATES) and target not in seen:
                queue.append(target)
    return pages, downloads


def test_the_accused_head_never_sees_who_reported(browser, live_server, make_user, db, vi):
    make_user("e2e.head.sxd", Role.head, "HY-SXD")
    db.session.remove()
    reporter = browser.new_context()
    code = _file_anonymously(reporter.new_page(), live_server, vi)
    reporter.close()

    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, live_server, "e2e.head.sxd", live_server.officer.password, vi)
    pages, downloads = _crawl(page, live_server("/inbox"), live_server.url)
    assert any(code in url for url in pages), pages  # the head does reach the report
    assert len(downloads) == 1, downloads
    for url in downloads:
        response = context.request.get(url)
        assert response.status == 200
        _assert_clean(url, response.headers.get("content-disposition", ""))
        body = response.body()
        assert Image.open(io.BytesIO(body)).getexif() == {}  # no GPS, no artist
        assert b"Exif" not in body and b"Vu Minh Hai" not in body

    # The head's own API token, and the staff API with it.
    page.goto(live_server("/account/tokens"))
    _field(page, vi("Name of the token")).fill("kiem-tra")
    page.get_by_role("button", name=vi("Create token"), exact=True).click()
    token = page.locator("#token-secret").inner_text().strip()
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/staff/reports", f"/api/v1/staff/reports/{code}"):
        response = context.request.get(live_server(path), headers=headers)
        assert response.status == 200, path
        _assert_clean(path, response.text())
    for path in (f"/open311/v2/requests/{code}.json", "/open311/v2/requests.json",
                 f"/open311/v2/requests/{code}.xml"):
        response = context.request.get(live_server(path))
        assert response.status == 200, path
        _assert_clean(path, response.text())
    context.close()
