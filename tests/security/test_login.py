"""Signing in (issue 7): lockout with exponential back-off kept in the database, constant-cost
refusals, password rules, the optional TOTP second factor, and an audit of every attempt."""
from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal import clock
from portal.accounts import login as login_service
from portal.accounts import passwords, totp
from portal.accounts.users import hash_password
from portal.extensions import db
from portal.models import AuditEntry, Role, User
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import login, page_token
from tests.web.support import text

T0 = factories.utc(2026, 3, 2, 2, 0)
LOCKED = "locked until"
WRONG = "Wrong username or password."
KEY = "test-secret"  # the suite's SECRET_KEY, which TOTP_KEY defaults to


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(T0)  # the db fixture unfreezes


@pytest.fixture
def officer(db, directory):
    return factories.make_user("lan.officer", Role.officer, "TB-SXD")


def actions(username: str | None = None) -> list[tuple[str, str | None]]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.startswith("login."))
                              .order_by(AuditEntry.id))
    return [(e.action, (e.detail or {}).get("reason")) for e in rows
            if username is None or e.subject == username]


def user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def signed_in(browser) -> bool:
    return browser.get("/account/tokens").status_code == 200


def fail(browser, times: int, username: str = "lan.officer"):
    for _ in range(times):
        response = login(browser, username, "not the password")
    return response


# --- lockout ------------------------------------------------------------------------------

def test_five_failures_lock_the_account_even_against_the_right_password(new_client, officer):
    browser = new_client()
    assert WRONG in text(fail(browser, 4))
    assert LOCKED in text(fail(browser, 1))
    assert user("lan.officer").locked_until == T0 + timedelta(seconds=60)
    # Another browser (another worker, another attacker) meets the same lock.
    other = new_client()
    refused = login(other, "lan.officer", PASSWORD)
    assert refused.status_code == 422 and LOCKED in text(refused) and not signed_in(other)
    assert actions("lan.officer")[-3:] == [("login.failed", "password"), ("login.locked", None),
                                           ("login.refused", "locked")]


def test_the_lock_doubles_with_each_further_failure_and_success_resets_it(new_client, officer):
    browser = new_client()
    fail(browser, 5)
    clock.freeze(T0 + timedelta(seconds=61))
    fail(browser, 1)  # the sixth failure
    assert user("lan.officer").locked_until == T0 + timedelta(seconds=61 + 120)
    clock.freeze(T0 + timedelta(seconds=61 + 121))
    fail(browser, 1)
    assert user("lan.officer").locked_until == T0 + timedelta(seconds=182 + 240)
    clock.freeze(T0 + timedelta(seconds=182 + 241))
    assert login(browser, "lan.officer", PASSWORD).status_code == 302
    assert user("lan.officer").failed_logins == 0 and user("lan.officer").locked_until is None
    assert actions("lan.officer")[-1] == ("login.succeeded", None)


def test_the_lock_is_capped(app):
    config = app.config
    assert login_service.lock_delay(4, config) is None
    assert login_service.lock_delay(5, config) == timedelta(seconds=60)
    assert login_service.lock_delay(500, config) == timedelta(seconds=3600)


def test_refusals_during_a_lock_do_not_extend_it(new_client, officer):
    browser = new_client()
    fail(browser, 5)
    fail(browser, 3)
    assert user("lan.officer").locked_until == T0 + timedelta(seconds=60)


def test_unknown_usernames_get_the_same_answer_and_cost_one_hash(new_client, db, directory):
    response = login(new_client(), "nobody.here", "whatever password")
    assert response.status_code == 422 and WRONG in text(response)
    # What was typed is not kept (it may be a password typed in the wrong field), only a
    # keyed fingerprint that is the same for the same name.
    login(new_client(), "Correct-Horse-Battery", "x")
    login(new_client(), "nobody.here", "again")
    fingerprint = login_service.unknown_name_fingerprint("nobody.here", KEY)
    assert actions(fingerprint) == [("login.failed", "unknown user")] * 2
    db.session.expire_all()
    logged = [(e.subject, str(e.detail)) for e in db.session.scalars(sa.select(AuditEntry))]
    assert len(logged) == 3 and not any("nobody" in s or "horse" in s.lower() or
                                        "horse" in d.lower() for s, d in logged)
    # The dummy hash is made like real ones, so an unknown name costs the same work.
    assert login_service._DUMMY_HASH.split("$")[0] == hash_password("x").split("$")[0]


def test_inactive_and_demo_accounts_are_refused_like_a_wrong_password(app, new_client, officer,
                                                                     monkeypatch):
    officer.active = False
    db.session.commit()
    assert WRONG in text(login(new_client(), "lan.officer", PASSWORD))
    demo = factories.make_user("demo.head", Role.head, "TB-SXD")
    demo.is_demo = True
    db.session.commit()
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    assert WRONG in text(login(new_client(), "demo.head", PASSWORD))
    assert ("login.failed", "demo") in actions("demo.head")


# --- password rules -----------------------------------------------------------------------

@pytest.mark.parametrize("password,problem", [
    ("short-pass1", "at least 12"),
    ("lan.officer-2026!", "username"),
    ("matkhau123456", "too common"),
    ("aaaaaaaaaaaaaaaa", "too common"),
])
def test_password_rules(app, password, problem):
    with app.test_request_context(), force_locale("en"):
        found = " ".join(str(p) for p in passwords.problems(password, "lan.officer"))
    assert problem in found


def test_a_good_password_passes(app):
    with app.test_request_context():
        assert passwords.problems("Giấy phép xây dựng 2026", "lan.officer") == []


def test_create_user_applies_the_rules(runner, directory):
    result = runner.invoke(args=["portal", "create-user", "minh", "--role", "coordinator",
                                 "--password", "minh-minh-2026"])
    assert result.exit_code != 0 and "username" in result.output
    assert user("minh") is None


def change_password(browser, current: str, new: str, confirm: str | None = None):
    token = page_token(browser, "/account/password")
    return browser.post("/account/password", data={
        "csrf_token": token, "current": current, "new": new,
        "confirm": new if confirm is None else confirm})


def test_staff_change_their_password_under_the_rules(new_client, officer):
    browser = new_client()
    assert login(browser, "lan.officer", PASSWORD).status_code == 302
    assert change_password(browser, "wrong current", "Một mật khẩu đủ dài 2026").status_code == 422
    assert "too common" in text(change_password(browser, PASSWORD, "matkhau123456"))
    assert change_password(browser, PASSWORD, "Một mật khẩu đủ dài 2026", "other").status_code == 422
    assert change_password(browser, PASSWORD, "Một mật khẩu đủ dài 2026").status_code == 302
    assert login(new_client(), "lan.officer", PASSWORD).status_code == 422
    assert login(new_client(), "lan.officer", "Một mật khẩu đủ dài 2026").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "password.changed")) == 1


def test_the_password_page_needs_a_signed_in_user(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- TOTP ---------------------------------------------------------------------------------

def enrol(browser) -> str:
    page = text(browser.get("/account/totp"))
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    assert f"secret={secret}" in page.replace("&amp;", "&")  # the otpauth:// URI
    token = page_token(browser, "/account/totp")
    response = browser.post("/account/totp", data={"csrf_token": token,
                                                   "code": pyotp.TOTP(secret).at(clock.now_utc())})
    assert response.status_code == 302
    return secret


def code_login(browser, code: str):
    token = page_token(browser, "/login/code")
    return browser.post("/login/code", data={"csrf_token": token, "code": code})


@pytest.fixture
def enrolled(new_client, officer):
    browser = new_client()
    login(browser, "lan.officer", PASSWORD)
    secret = enrol(browser)
    stored = user("lan.officer").totp_secret
    assert secret not in stored and totp.unseal(stored, KEY) == secret  # sealed at rest
    clock.freeze(T0 + timedelta(minutes=1))
    return secret


def test_with_totp_the_password_alone_does_not_sign_in(new_client, enrolled):
    browser = new_client()
    response = login(browser, "lan.officer", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert not signed_in(browser)
    right_code = pyotp.TOTP(enrolled).at(clock.now_utc())
    wrong = code_login(browser, f"{(int(right_code) + 1) % 10**6:06d}")
    assert wrong.status_code == 422 and not signed_in(browser)
    right = code_login(browser, right_code)
    assert right.status_code == 302 and signed_in(browser)
    assert actions("lan.officer")[-1] == ("login.succeeded", None)


def test_a_code_cannot_be_replayed(new_client, enrolled):
    code = pyotp.TOTP(enrolled).at(clock.now_utc())
    first = new_client()
    login(first, "lan.officer", PASSWORD)
    assert code_login(first, code).status_code == 302
    second = new_client()
    login(second, "lan.officer", PASSWORD)
    assert code_login(second, code).status_code == 422 and not signed_in(second)


def test_the_code_step_needs_a_recent_password(new_client, enrolled):
    assert new_client().get("/login/code").headers["Location"].endswith("/login")
    browser = new_client()
    login(browser, "lan.officer", PASSWORD)
    clock.freeze(T0 + timedelta(minutes=7))
    response = browser.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_wrong_codes_count_towards_the_lock(new_client, enrolled):
    browser = new_client()
    login(browser, "lan.officer", PASSWORD)
    for _ in range(4):
        code_login(browser, "000000")
    assert LOCKED in text(code_login(browser, "000001"))
    assert user("lan.officer").locked_until is not None
    assert ("login.failed", "code") in actions("lan.officer")


def test_disabling_totp_needs_a_current_code(new_client, enrolled):
    browser = new_client()
    login(browser, "lan.officer", PASSWORD)
    clock.freeze(T0 + timedelta(minutes=2))
    code_login(browser, pyotp.TOTP(enrolled).at(clock.now_utc()))
    token = page_token(browser, "/account/totp")
    assert browser.post("/account/totp/disable",
                        data={"csrf_token": token, "code": "000000"}).status_code == 422
    clock.freeze(T0 + timedelta(minutes=3))
    response = browser.post("/account/totp/disable", data={
        "csrf_token": token, "code": pyotp.TOTP(enrolled).at(clock.now_utc())})
    assert response.status_code == 302 and user("lan.officer").totp_secret is None


def test_an_administrator_resets_a_lost_authenticator_and_a_lock(runner, new_client, enrolled):
    """A staff member who lost the phone is locked out for good: the administrator's
    `flask portal reset-sign-in` lifts the lock and, when asked, removes the second factor."""
    browser = new_client()
    login(browser, "lan.officer", PASSWORD)
    for _ in range(5):
        code_login(browser, "000000")
    assert user("lan.officer").locked_until is not None

    refused = runner.invoke(args=["portal", "reset-sign-in", "lan.officer"])
    assert refused.exit_code != 0 and "--reason" in refused.output  # a reason is required
    assert runner.invoke(args=["portal", "reset-sign-in", "nobody", "--reason", "x"]).exit_code != 0

    lifted = runner.invoke(args=["portal", "reset-sign-in", "lan.officer",
                                 "--reason", "Ticket 42: locked out"])
    assert lifted.exit_code == 0 and "reset lock" in lifted.output
    reset = user("lan.officer")
    assert reset.locked_until is None and reset.failed_logins == 0
    assert totp.unseal(reset.totp_secret, KEY) == enrolled  # the lock only: the factor stays
    again = new_client()
    login(again, "lan.officer", PASSWORD)
    assert not signed_in(again)  # still asks for the code

    removed = runner.invoke(args=["portal", "reset-sign-in", "lan.officer", "--second-factor",
                                  "--reason", "Ticket 43: phone lost"])
    assert removed.exit_code == 0 and "reset totp" in removed.output
    assert user("lan.officer").totp_secret is None
    browser = new_client()
    login(browser, "lan.officer", PASSWORD)
    assert signed_in(browser)
    db.session.expire_all()
    resets = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "login.reset")
                                .order_by(AuditEntry.id)).all()
    assert [(e.actor_id, e.subject, e.detail) for e in resets] == [
        (None, "lan.officer", {"reset": ["lock"], "reason": "Ticket 42: locked out"}),
        (None, "lan.officer", {"reset": ["totp"], "reason": "Ticket 43: phone lost"})]


def test_a_sealed_secret_opens_only_with_its_key_and_an_old_clear_one_is_sealed(new_client,
                                                                                 officer):
    sealed = totp.seal("JBSWY3DPEHPK3PXP", KEY)
    assert sealed.startswith(totp.SEALED) and "JBSWY3DPEHPK3PXP" not in sealed
    assert totp.unseal(sealed, KEY) == "JBSWY3DPEHPK3PXP"
    assert totp.unseal(sealed, "another key") == ""  # a changed key: no codes match
    # A secret stored in clear before sealing still signs in, and is sealed on that use.
    clear = pyotp.random_base32()
    db.session.execute(sa.update(User).where(User.username == "lan.officer")
                       .values(totp_secret=clear))
    db.session.commit()
    browser = new_client()
    login(browser, "lan.officer", PASSWORD)
    assert code_login(browser, pyotp.TOTP(clear).at(clock.now_utc())).status_code == 302
    stored = user("lan.officer").totp_secret
    assert stored.startswith(totp.SEALED) and totp.unseal(stored, KEY) == clear
