"""Staff calls with a bearer token: the token acts exactly as its user."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from portal import clock
from portal.accounts import tokens
from portal.extensions import db
from portal.models import ApiToken
from tests.api.conftest import assert_problem
from tests.web.support import events, ticket

ACTIONS = {
    "acknowledge": {}, "answer": {"body": "Trả lời", "legal_basis": "Nghị định 61/2018"},
    "notes": {"body": "Ghi chú nội bộ"}, "transfer": {"reason": "Không thuộc thẩm quyền"},
    "extension": {"reason": "Cần xác minh", "apology": "Xin lỗi vì sự chậm trễ"}, "close": {},
}


def _act(client, headers, code, action, version=None, **body):
    if version is None:
        version = ticket(code).version
    return client.post(f"/api/v1/staff/reports/{code}/{action}", headers=headers,
                       json={"version": version, **body})


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer pat_wrong"}, {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer "}, {"Authorization": "pat_nobearer"}])
@pytest.mark.parametrize("method,url", [
    ("get", "/api/v1/staff/reports"), ("get", "/api/v1/staff/reports/PA-2026-000001"),
    ("post", "/api/v1/staff/reports/PA-2026-000001/acknowledge")])
def test_missing_or_wrong_token_is_401(client, world, headers, method, url):
    response = getattr(client, method)(url, headers=headers, json={"version": 0})
    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_and_inactive_user_are_401(client, world, bearer, app):
    headers = bearer("officer", "TB-SXD")
    assert client.get("/api/v1/staff/reports", headers=headers).status_code == 200
    token = db.session.query(ApiToken).one()
    tokens.revoke(token.user, token.id, now=clock.now_utc())
    db.session.commit()
    assert_problem(client.get("/api/v1/staff/reports", headers=headers), 401, "unauthorized")
    headers = bearer("officer", "TB-SXD")
    db.session.query(ApiToken).filter(ApiToken.revoked_at.is_(None)).one().user.active = False
    db.session.commit()
    assert_problem(client.get("/api/v1/staff/reports", headers=headers), 401, "unauthorized")


def test_list_shows_only_the_users_reports(client, world, bearer):
    officer = bearer("officer", "TB-SXD")
    body = client.get("/api/v1/staff/reports", headers=officer).get_json()
    # Officers never see harassment reports; other agencies' reports are not listed.
    assert [i["code"] for i in body["items"]] == [world["sxd"]] and body["next"] is None
    head = client.get("/api/v1/staff/reports", headers=bearer("head", "TB-SXD")).get_json()
    assert {i["code"] for i in head["items"]} == {world["sxd"], world["harassment"]}
    inspector = client.get("/api/v1/staff/reports", headers=bearer("inspector")).get_json()
    assert [i["code"] for i in inspector["items"]] == [world["harassment"]]
    coordinator = client.get("/api/v1/staff/reports", headers=bearer("coordinator")).get_json()
    assert len(coordinator["items"]) == 4


def test_list_filters_and_cursor(client, world, bearer, make_ticket):
    for _ in range(3):
        make_ticket(agency_code="TB-SXD", category="policy")
    head = bearer("head", "TB-SXD")
    first = client.get("/api/v1/staff/reports?limit=2", headers=head).get_json()
    page = "/api/v1/staff/reports?limit=2&after={}"
    second = client.get(page.format(first["next"]), headers=head).get_json()
    third = client.get(page.format(second["next"]), headers=head).get_json()
    codes = [i["code"] for page in (first, second, third) for i in page["items"]]
    assert len(codes) == len(set(codes)) == 5 and third["next"] is None
    policy = client.get("/api/v1/staff/reports?category=policy", headers=head).get_json()
    assert len(policy["items"]) == 3
    assert client.get("/api/v1/staff/reports?status=closed", headers=head).get_json()["items"] == []
    clock.freeze(clock.now_utc() + timedelta(days=60))
    overdue = client.get("/api/v1/staff/reports?overdue=true", headers=head).get_json()
    assert len(overdue["items"]) == 5 and all(i["overdue"] for i in overdue["items"])


@pytest.mark.parametrize("query,field", [
    ("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"), ("limit=²", "limit"),
    ("after=" + "9" * 5000, "after"), ("after=-1", "after"),
    ("after=99999999999", "after"), ("status=lost", "status"), ("category=x", "category"),
    ("overdue=1", "overdue")])
def test_list_bad_filters_are_422(client, world, bearer, query, field):
    response = client.get(f"/api/v1/staff/reports?{query}", headers=bearer("head", "TB-SXD"))
    problem = assert_problem(response, 422, "validation-failed")
    assert [e["field"] for e in problem["errors"]] == [field]


@pytest.mark.parametrize("role", ["clerk", "analyst"])
def test_roles_without_an_inbox_are_403_on_the_list(client, world, bearer, role):
    headers = bearer(role)
    assert_problem(client.get("/api/v1/staff/reports", headers=headers), 403, "forbidden")
    assert_problem(client.get(f"/api/v1/staff/reports/{world['sxd']}", headers=headers),
                   404, "not-found")


@pytest.mark.parametrize("role,agency,key,status", [
    ("officer", "TB-SXD", "sxd", 200), ("officer", "TB-SKHDT", "sxd", 404),
    ("officer", "TB-SXD", "harassment", 404), ("head", "TB-SKHDT", "harassment", 404),
    ("inspector", None, "sxd", 404), ("inspector", None, "harassment", 200),
    ("coordinator", None, "new", 200), ("officer", "TB-SXD", "new", 404)])
def test_detail_visibility(client, world, bearer, role, agency, key, status):
    response = client.get(f"/api/v1/staff/reports/{world[key]}", headers=bearer(role, agency))
    if status == 404:
        assert_problem(response, 404, "not-found")
    else:
        assert response.status_code == 200 and response.get_json()["code"] == world[key]


def test_unknown_code_is_404(client, world, bearer):
    headers = bearer("head", "TB-SXD")
    unknown = "PA-1999-000001"
    response = client.get(f"/api/v1/staff/reports/{unknown}", headers=headers)
    assert_problem(response, 404, "not-found")
    assert_problem(_act(client, headers, unknown, "acknowledge", version=1), 404, "not-found")


def test_harassment_identity_is_not_in_the_api(client, world, bearer):
    """DESIGN §6: the accused agency's head sees no name, e-mail or phone; the inspector opens
    it only through the audited reveal of the web inbox (tests/security/test_reveal.py)."""
    code = world["harassment"]
    head = client.get(f"/api/v1/staff/reports/{code}", headers=bearer("head", "TB-SXD"))
    coordinator = client.get(f"/api/v1/staff/reports/{code}", headers=bearer("coordinator"))
    inspector = client.get(f"/api/v1/staff/reports/{code}", headers=bearer("inspector"))
    for response in (head, coordinator, inspector):
        assert response.status_code == 200 and response.get_json()["reporter"] is None
        text = response.get_data(as_text=True)
        assert response.get_json()["attachments"][0]["name"] == "attachment-1.pdf"
        for secret in ("Đỗ Văn Giang", "giang@example.vn", "0912 345 678", "Giang Sơn",
                       "CCCD_Do_Van_Giang"):
            assert secret not in text and json.dumps(secret)[1:-1] not in text
    listed = client.get("/api/v1/staff/reports", headers=bearer("head", "TB-SXD"))
    assert "Giang" not in listed.get_data(as_text=True)


def test_ordinary_report_identity_visible_to_its_agency(client, world, bearer):
    body = client.get(f"/api/v1/staff/reports/{world['sxd']}",
                      headers=bearer("officer", "TB-SXD")).get_json()
    assert body["reporter"]["contact_email"] == "hoa@example.vn"
    assert body["attachments"][0]["name"] == "ban-ve.pdf" and body["can_act"] is True


def test_work_a_report_end_to_end(client, world, bearer):
    officer, code = bearer("officer", "TB-SXD"), world["sxd"]
    acked = _act(client, officer, code, "acknowledge")
    assert acked.status_code == 200 and acked.get_json()["status"] == "acknowledged"
    noted = _act(client, officer, code, "notes", body="Đã gọi điện")
    assert noted.get_json()["timeline"][-1] == {**noted.get_json()["timeline"][-1],
                                                "kind": "note", "public": False}
    extended = _act(client, officer, code, "extension", **ACTIONS["extension"])
    assert extended.status_code == 200, extended.get_json()
    assert_problem(_act(client, officer, code, "extension", **ACTIONS["extension"]),
                   409, "invalid-transition")
    answered = _act(client, officer, code, "answer", **ACTIONS["answer"])
    assert answered.get_json()["status"] == "answered"
    closed = _act(client, officer, code, "close")
    assert closed.get_json()["status"] == "closed"
    assert [e.kind.value for e in events(code)][-5:] == [
        "acknowledged", "note", "extended", "answered", "closed"]


def test_transfer_returns_the_report_to_triage(client, world, bearer):
    response = _act(client, bearer("officer", "TB-SXD"), world["sxd"], "transfer",
                    **ACTIONS["transfer"])
    assert response.status_code == 200 and response.get_json()["status"] == "transferred"


def test_stale_version_is_409(client, world, bearer):
    officer, code = bearer("officer", "TB-SXD"), world["sxd"]
    stale = ticket(code).version
    assert _act(client, officer, code, "notes", body="Một").status_code == 200
    response = _act(client, officer, code, "notes", version=stale, body="Hai")
    assert_problem(response, 409, "conflict")
    assert [e.body for e in events(code)].count("Hai") == 0


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_actions_require_a_version(client, world, bearer, action):
    response = client.post(f"/api/v1/staff/reports/{world['sxd']}/{action}",
                           headers=bearer("officer", "TB-SXD"), json=ACTIONS[action])
    problem = assert_problem(response, 422, "validation-failed")
    assert "version" in [e["field"] for e in problem["errors"]]


@pytest.mark.parametrize("action,body,field", [
    ("answer", {"body": ""}, "body"),
    ("answer", {"body": "x", "legal_basis": "y" * 501}, "legal_basis"),
    ("notes", {"body": 5}, "body"), ("transfer", {}, "reason"),
    ("extension", {"reason": "x"}, "apology"), ("acknowledge", {"extra": True}, "extra")])
def test_action_bad_input(client, world, bearer, action, body, field):
    response = _act(client, bearer("officer", "TB-SXD"), world["sxd"], action, **body)
    problem = assert_problem(response, 422, "validation-failed")
    assert field in [e["field"] for e in problem["errors"]]


def test_invalid_transition_is_409(client, world, bearer):
    assert_problem(_act(client, bearer("officer", "TB-SXD"), world["sxd"], "close"),
                   409, "invalid-transition")


@pytest.mark.parametrize("role,agency,key,status,slug", [
    ("officer", "TB-SKHDT", "sxd", 404, "not-found"),  # another agency: never "forbidden"
    ("officer", "TB-SXD", "harassment", 404, "not-found"),
    ("inspector", None, "harassment", 403, "forbidden"),  # may read it, not work it
    ("coordinator", None, "sxd", 403, "forbidden"),
    ("clerk", None, "sxd", 404, "not-found")])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_wrong_role_or_agency_cannot_act(client, world, bearer, role, agency, key, status,
                                         slug, action):
    code = world[key]
    before = len(events(code))
    response = _act(client, bearer(role, agency), code, action, **ACTIONS[action])
    assert_problem(response, status, slug)
    assert len(events(code)) == before


def test_malformed_json_for_staff(client, world, bearer):
    response = client.post(f"/api/v1/staff/reports/{world['sxd']}/notes", data=b"{",
                           content_type="application/json", headers=bearer("officer", "TB-SXD"))
    assert_problem(response, 400, "malformed-json")
