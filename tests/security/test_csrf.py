"""Every POST form of the web refuses a request without its CSRF token, and changes nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Category
from tests.helpers import page_token
from tests.web.support import agency_id, file_report, inbox_act, submission, text, ticket, track

INBOX_ACTIONS = ("acknowledge", "request_info", "answer", "note", "transfer", "close", "extend")
TEXT = {"body": "Nội dung", "legal_basis": "Luật Xây dựng", "reason": "Lý do",
        "apology": "Xin lỗi vì sự chậm trễ."}


def fingerprint() -> dict:
    """Every row count, and every report's state and version."""
    db.session.expire_all()
    counts = {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
              for t in db.metadata.sorted_tables}
    tickets = db.session.execute(sa.text(
        "SELECT code, status, version, agency_id FROM tickets ORDER BY code")).all()
    calendar = db.session.execute(sa.text("SELECT * FROM calendar_overrides ORDER BY day")).all()
    sla = db.session.execute(sa.text("SELECT * FROM sla_policies ORDER BY category")).all()
    return {"counts": counts, "tickets": tickets, "calendar": calendar, "sla": sla}


@pytest.fixture
def world(new_client, staff, directory, make_ticket):
    reporter = new_client()
    code, receipt = file_report(reporter, agency_id=agency_id("TB-SXD"))
    assert track(reporter, code, receipt).status_code == 302
    triage_ticket, _ = make_ticket(subject="Chưa rõ cơ quan")
    officer = staff("officer", "TB-SXD")
    assert inbox_act(officer, code, "acknowledge").status_code == 302
    admin = staff("admin")
    token = page_token(admin, "/admin/calendar")
    day = "2026-03-10"
    response = admin.post("/admin/calendar", data={"csrf_token": token, "day": day,
                                                   "kind": "off", "note": "Nghỉ bù"})
    assert response.status_code == 302
    token = page_token(officer, "/account/tokens")
    assert officer.post("/account/tokens", data={"csrf_token": token, "label": "x"}).status_code == 302
    return {"reporter": reporter, "code": code, "receipt": receipt, "officer": officer,
            "coordinator": staff("coordinator"), "clerk": staff("clerk"), "admin": admin,
            "triage": triage_ticket.code, "triage_id": triage_ticket.id, "day": day,
            "anonymous": new_client(),
            "token_id": db.session.scalar(sa.text("SELECT max(id) FROM api_tokens"))}


def _cases():
    """(browser, url, form data) — data that would be accepted with a token."""
    yield "anonymous", "/feedback/new", lambda w: submission()
    yield "anonymous", "/track", lambda w: {"code": w["code"], "receipt": w["receipt"]}
    yield "reporter", "/track/{code}/reply", lambda w: {"body": "Tôi bổ sung thông tin."}
    yield "reporter", "/track/{code}/rate", lambda w: {"score": "5", "comment": "Tốt"}
    yield "reporter", "/track/{code}/reopen", lambda w: {"reason": "Chưa giải quyết"}
    yield "anonymous", "/login", lambda w: {"username": "admin1", "password": "x"}
    yield "officer", "/logout", lambda w: {}
    for action in INBOX_ACTIONS:
        yield "officer", f"/inbox/{{code}}/{action}", (
            lambda w, a=action: {f"{a}-version": ticket(w["code"]).version,
                                 **{f"{a}-{k}": v for k, v in TEXT.items()}})
    yield "coordinator", "/triage/{triage}/assign", lambda w: {
        f"t{w['triage_id']}-version": ticket(w["triage"]).version,
        f"t{w['triage_id']}-agency_id": agency_id("TB-SXD")}
    yield "coordinator", "/triage/{triage}/reject", lambda w: {
        f"r{w['triage_id']}-version": ticket(w["triage"]).version,
        f"r{w['triage_id']}-reason": "Trùng lặp"}
    yield "clerk", "/intake/new", lambda w: {**submission(), "channel": "hotline"}
    yield "admin", "/admin/calendar", lambda w: {"day": "2026-03-11", "kind": "off",
                                                 "note": "x"}
    yield "admin", "/admin/calendar/{day}/delete", lambda w: {}
    yield "admin", "/admin/sla", lambda w: {f"{c.value}-ack_days": "1" for c in Category}
    yield "officer", "/account/tokens", lambda w: {"label": "CI"}
    yield "officer", "/account/tokens/{token_id}/revoke", lambda w: {}
    yield "officer", "/account/totp", lambda w: {"code": "123456"}
    yield "officer", "/account/totp/disable", lambda w: {"code": "123456"}
    yield "officer", "/account/password", lambda w: {
        "current": "x", "new": "Một mật khẩu đủ dài", "confirm": "Một mật khẩu đủ dài"}
    yield "anonymous", "/login/code", lambda w: {"code": "123456"}
    yield "officer", "/inbox/{code}/identity", lambda w: {"reason": "Xác minh"}
    yield "admin", "/admin/scoring", lambda w: {}
    yield "coordinator", "/moderation/{code}/1", lambda w: {"body": "Bản công khai"}
    # Score review (issue 5): refused before any lookup, so ids need not exist.
    yield "admin", "/scores/admin/drafts", lambda w: {"period": "2026H1"}
    yield "admin", "/scores/admin/drafts/1/publish", lambda w: {}
    yield "admin", "/scores/review/1/{code}/flag", lambda w: {"reason": "x"}
    yield "admin", "/scores/flags/1/decide", lambda w: {"decision": "accept"}


CASES = list(_cases())


@pytest.mark.parametrize("who,url,data", CASES, ids=[c[1] for c in CASES])
def test_post_without_token_is_refused(world, who, url, data):
    browser = world[who]
    url = url.format(**world)
    before = fingerprint()
    response = browser.post(url, data=data(world))
    assert response.status_code == 400, (url, response.status_code)
    assert fingerprint() == before


def test_every_post_route_of_the_web_is_covered(app):
    """A new form must join CASES; the APIs (bearer tokens, no cookies) are exempt by design."""
    sample = {"code": "PA-2026-000001", "triage": "PA-2026-000002", "triage_id": 1,
              "day": "2026-03-10", "token_id": 1}
    urls = app.url_map.bind("localhost")
    covered = {urls.match(url.format(**sample), method="POST")[0] for _who, url, _data in CASES}
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.rule.startswith(("/api/", "/open311/"))}
    assert posts - covered == set()


@pytest.mark.parametrize("who,url,data", CASES[:3], ids=[c[1] for c in CASES[:3]])
def test_a_wrong_token_is_refused_too(world, who, url, data):
    browser = world[who]
    before = fingerprint()
    response = browser.post(url.format(**world), data={**data(world), "csrf_token": "forged"})
    assert response.status_code == 400
    assert fingerprint() == before


def test_lookup_without_token_does_not_open_the_report(world, new_client):
    browser = new_client()
    browser.post("/track", data={"code": world["code"], "receipt": world["receipt"]})
    assert browser.get(f"/track/{world['code']}").status_code == 404


def test_login_without_token_does_not_sign_in(world, new_client):
    from tests.factories import PASSWORD
    browser = new_client()
    assert browser.post("/login", data={"username": "admin1", "password": PASSWORD}
                        ).status_code == 400
    assert browser.get("/inbox").status_code == 302  # still sent to the login page


def test_logout_without_token_keeps_the_session(world):
    world["officer"].post("/logout", data={})
    assert world["officer"].get("/inbox").status_code == 200


def test_another_browsers_token_is_refused(world, new_client):
    """A token is bound to its session: a token from the attacker's own visit does not work."""
    attacker = new_client()
    token = page_token(attacker, "/track")
    before = fingerprint()
    response = world["reporter"].post(f"/track/{world['code']}/reply",
                                      data={"csrf_token": token, "body": "Giả mạo"})
    assert response.status_code == 400
    assert fingerprint() == before
    assert "Giả mạo" not in text(world["reporter"].get(f"/track/{world['code']}"))
