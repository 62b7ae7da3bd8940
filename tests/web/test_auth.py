"""Staff sign-in and sign-out, demo accounts and redirects."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.factories import PASSWORD
from tests.helpers import login, page_token
from tests.web.support import error_summary, flashes, text

WRONG = "Wrong username or password."


def sign_in(browser, username, password, url="/login"):
    token = page_token(browser, "/login")
    return browser.post(url, data={"csrf_token": token, "username": username,
                                   "password": password})


@pytest.mark.parametrize("role,agency,home", [
    ("officer", "TB-SXD", "/inbox"), ("head", "TB-SXD", "/inbox"), ("inspector", None, "/inbox"),
    ("coordinator", None, "/triage"), ("admin", None, "/triage"), ("clerk", None, "/intake/new"),
    ("analyst", None, "/"),
])
def test_login_lands_on_the_roles_home(new_client, make_user, directory, role, agency, home):
    make_user("nv.an", role, agency)
    browser = new_client()
    response = login(browser, "nv.an", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert "Signed in." in flashes(text(browser.get(home)))


def test_username_is_case_insensitive(new_client, make_user, directory):
    make_user("nv.an", "officer", "TB-SXD")
    assert login(new_client(), "  NV.An ", PASSWORD).status_code == 302


def test_logout_is_a_post_with_csrf(new_client, make_user, directory):
    make_user("nv.an", "officer", "TB-SXD")
    browser = new_client()
    login(browser, "nv.an", PASSWORD)
    page = text(browser.get("/inbox"))
    assert "Sign out (nv.an)" in page

    assert browser.get("/logout").status_code == 405
    assert browser.post("/logout").status_code == 400  # no CSRF token
    assert browser.get("/inbox").status_code == 200  # still signed in

    token = page_token(browser, "/feedback/new")
    response = browser.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Signed out." in flashes(text(browser.get("/")))
    after = browser.get("/inbox")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")


@pytest.mark.parametrize("username,password", [
    ("nv.an", "wrong password"), ("nobody", PASSWORD), ("nv.an", PASSWORD.upper()),
])
def test_wrong_credentials_get_one_message(new_client, make_user, directory, username, password):
    make_user("nv.an", "officer", "TB-SXD")
    browser = new_client()
    response = sign_in(browser, username, password)
    assert response.status_code == 422
    assert WRONG in error_summary(text(response))
    assert browser.get("/inbox").status_code == 302  # not signed in


def test_empty_fields_are_refused(client):
    response = sign_in(client, "", "")
    summary = error_summary(text(response))
    assert response.status_code == 422
    assert "Enter your username." in summary and "Enter your password." in summary


def test_inactive_user_cannot_sign_in(new_client, make_user, directory, db):
    user = make_user("nv.an", "officer", "TB-SXD")
    user.active = False  # deactivation is an admin action; no page for it yet
    db.session.commit()
    response = sign_in(new_client(), "nv.an", PASSWORD)
    assert response.status_code == 422 and WRONG in error_summary(text(response))


@pytest.fixture
def demo_accounts(runner, directory):
    result = runner.invoke(args=["portal", "seed", "--demo"])
    assert result.exit_code == 0, result.output
    assert "demo accounts:" in result.output


def test_demo_accounts_work_in_demo_mode(new_client, demo_accounts, app):
    assert app.config["DEMO_MODE"] is True
    response = sign_in(new_client(), "officer.tb-skhdt", "demo")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"


@pytest.mark.parametrize("username", ["officer.tb-skhdt", "head.tb-sxd", "admin", "coordinator"])
def test_demo_accounts_are_refused_outside_demo_and_debug(new_client, demo_accounts, app,
                                                          monkeypatch, username):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    assert app.config["DEBUG"] is False
    browser = new_client()
    response = sign_in(browser, username, "demo")
    assert response.status_code == 422
    assert WRONG in error_summary(text(response))  # no hint that the account exists
    assert browser.get("/inbox").status_code == 302


def test_real_accounts_still_work_outside_demo_mode(new_client, make_user, directory, app,
                                                    monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    make_user("nv.an", "officer", "TB-SXD")
    assert sign_in(new_client(), "nv.an", PASSWORD).status_code == 302


def test_login_required_pages_remember_where_you_were(new_client, make_user, directory):
    make_user("nv.an", "officer", "TB-SXD")
    browser = new_client()
    response = browser.get("/inbox?status=answered")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    target = parse_qs(location.query)["next"][0]
    assert target == "/inbox?status=answered"
    response = sign_in(browser, "nv.an", PASSWORD, url=f"/login?next={target}")
    assert response.headers["Location"] == "/inbox?status=answered"


@pytest.mark.parametrize("target", [
    "//evil.example", "//evil.example/inbox", "https://evil.example/", "http:/evil.example",
    "\\\\evil.example", "javascript:alert(1)", "evil.example",
])
def test_next_never_leaves_the_site(new_client, make_user, directory, target):
    make_user("nv.an", "officer", "TB-SXD")
    response = sign_in(new_client(), "nv.an", PASSWORD,
                       url="/login?" + urlencode({"next": target}))
    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox"


def test_signed_in_user_visiting_login_goes_home(new_client, make_user, directory):
    make_user("nv.an", "coordinator")
    browser = new_client()
    login(browser, "nv.an", PASSWORD)
    response = browser.get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/triage"


def test_login_without_csrf_is_refused(new_client, make_user, directory):
    make_user("nv.an", "officer", "TB-SXD")
    browser = new_client()
    response = browser.post("/login", data={"username": "nv.an", "password": PASSWORD})
    assert response.status_code == 400
    assert browser.get("/inbox").status_code == 302


def test_backslash_next_stays_on_the_site(new_client, make_user, directory):
    """Browsers read ``/\\host`` as ``//host``; the redirect must not reach another host."""
    make_user("nv.an", "officer", "TB-SXD")
    response = sign_in(new_client(), "nv.an", PASSWORD,
                       url="/login?" + urlencode({"next": "/\\evil.example"}))
    location = response.headers["Location"]
    assert location.startswith("/") and location[1:2] not in ("/", "\\")
    assert not urlsplit(location).netloc
