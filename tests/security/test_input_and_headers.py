"""Malformed input never causes a 500; cookies and headers protect the session and the pages."""
from __future__ import annotations

import pytest
from flask import Flask

from portal import config
from tests.factories import PASSWORD
from tests.helpers import page_token
from tests.web.support import (
    agency_id,
    file_report,
    inbox_act,
    post_report,
    reporter_post,
    text,
    ticket_count,
    track,
)

# Invalid UTF-8: a lone continuation byte, a truncated sequence, an encoded surrogate (CESU),
# an overlong "/" and bytes that never occur in UTF-8.
BAD_BYTES = [b"%80", b"%E1%BB", b"%ED%A0%80", b"%C0%AF", b"%FF%FE", b"\xff\xfe", b"\xc3("]


def _post_raw(browser, url: str, token: str, fields: dict[str, bytes]):
    body = b"&".join([b"csrf_token=" + token.encode()]
                     + [name.encode() + b"=" + value for name, value in fields.items()])
    return browser.post(url, data=body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("bad", BAD_BYTES)
def test_invalid_utf8_in_the_filing_form_is_no_500(client, directory, bad):
    token = page_token(client, "/feedback/new")
    response = _post_raw(client, "/feedback/new", token, {
        "category": b"delay", "subject": b"H%E1%BB%93 s%C6%A1 " + bad,
        "description": b"M%C3%B4 t%E1%BA%A3 chi ti%E1%BA%BFt " + bad + b" h%E1%BB%93 s%C6%A1",
        "contact_name": bad, "locality": bad + bad})
    assert response.status_code < 500
    assert response.status_code in (302, 400, 422)


@pytest.mark.parametrize("bad", BAD_BYTES)
def test_invalid_utf8_in_lookup_and_login_is_no_500(client, directory, bad):
    for url, fields in (("/track", {"code": b"PA-2026-" + bad, "receipt": bad}),
                        ("/login", {"username": bad, "password": bad})):
        token = page_token(client, url)
        assert _post_raw(client, url, token, fields).status_code in (400, 422), url
    # And in the query string of pages.
    assert client.get("/track?code=" + bad.decode("latin-1")).status_code < 500
    assert client.get("/?lang=" + bad.decode("latin-1")).status_code < 500


def test_invalid_utf8_in_staff_forms_is_no_500(client, staff, directory):
    code, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    officer = staff("officer", "TB-SXD")
    page = text(officer.get(f"/inbox/{code}"))
    from tests.helpers import csrf_token
    from tests.web.support import version_in
    body = (b"note-csrf_token=" + csrf_token(page).encode() + b"&note-version="
            + str(version_in(page)).encode() + b"&note-body=%ED%A0%80%FF")
    response = officer.post(f"/inbox/{code}/note", data=body,
                            content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


LONG = "x" * 20_000


@pytest.mark.parametrize("field,limit", [
    ("subject", 200), ("description", 10_000), ("dossier_number", 60), ("locality", 120),
    ("business_name", 200), ("contact_name", 120), ("contact_email", 254),
    ("contact_phone", 30)])
def test_over_long_filing_fields_are_422(client, directory, field, limit):
    before = ticket_count()
    response = post_report(client, **{field: "a" * (limit + 1)})
    assert response.status_code == 422, (field, response.status_code)
    assert ticket_count() == before


def test_over_long_reporter_and_staff_fields_are_422(new_client, staff, directory):
    reporter = new_client()
    code, receipt = file_report(reporter, agency_id=agency_id("TB-SXD"))
    assert track(reporter, code, receipt).status_code == 302
    assert reporter_post(reporter, code, "reply", body=LONG).status_code == 422
    token = page_token(reporter, "/track")
    assert reporter.post("/track", data={"csrf_token": token, "code": LONG, "receipt": LONG}
                         ).status_code == 422
    officer = staff("officer", "TB-SXD")
    assert inbox_act(officer, code, "note", body=LONG).status_code == 422
    assert inbox_act(officer, code, "answer", body="Trả lời", legal_basis=LONG
                     ).status_code == 422
    assert inbox_act(officer, code, "transfer", reason=LONG).status_code == 422
    browser = new_client()
    token = page_token(browser, "/login")
    assert browser.post("/login", data={"csrf_token": token, "username": LONG,
                                        "password": LONG}).status_code == 422


def test_over_long_reject_reason_is_refused_without_500(staff, make_ticket, directory):
    from tests.web.support import reject
    found, _ = make_ticket()
    coordinator = staff("coordinator")
    response = reject(coordinator, found.code, LONG)
    assert response.status_code in (302, 422)  # triage reports errors as a flash
    from tests.web.support import ticket
    assert ticket(found.code).status.value == "new"


def test_session_cookie_is_httponly_and_lax(new_client, staff, directory):
    browser = new_client()
    token = page_token(browser, "/login")
    staff("admin")  # admin1
    response = browser.post("/login", data={"csrf_token": token, "username": "admin1",
                                            "password": PASSWORD})
    assert response.status_code == 302
    cookies = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    session = [c for c in cookies if c.startswith("session=")]
    assert session, cookies
    assert "HttpOnly" in session[-1] and "SameSite=Lax" in session[-1]


def _finalized(**settings) -> Flask:
    """Config as create_app would build it, on a bare app (a second create_app would rebind
    the shared limiter)."""
    app = Flask("config-check")
    app.config.from_object("portal.config.Defaults")
    app.config.update(settings)
    config.finalize(app)
    return app


def test_session_cookie_is_secure_outside_debug_and_tests():
    production = _finalized(SECRET_KEY="x" * 32).config
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert _finalized(DEBUG=True).config["SESSION_COOKIE_SECURE"] is False
    assert _finalized(TESTING=True).config["SESSION_COOKIE_SECURE"] is False


def test_secure_cookie_is_sent_with_the_secure_flag():
    app = _finalized(SECRET_KEY="x" * 32)

    @app.route("/")
    def home():
        from flask import session
        session["x"] = 1
        return "ok"
    cookie = app.test_client().get("/").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("url", ["/", "/feedback/new", "/track", "/login", "/nowhere"])
def test_security_headers(client, directory, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_pages_carry_no_inline_script(client, directory):
    for url in ("/", "/feedback/new", "/track", "/login"):
        page = text(client.get(url))
        assert "<script>" not in page and " onclick=" not in page and " onload=" not in page
