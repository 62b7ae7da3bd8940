"""mySociety servicerequestupdates, and no reporter identity in any Open311 answer, for any key."""
from __future__ import annotations

import pytest

from portal import clock
from portal.models import Role
from portal.tickets import workflow
from tests.api.open311_support import (
    BASE,
    IDENTITY,
    clerk_key,
    errors_of,
    issue_key,
    json_of,
    tags,
    xml_of,
)


@pytest.fixture
def api_key(app, db, directory, make_user):
    return clerk_key(app, db, make_user)

# Reporters sign their reports and agencies greet them by name: both are masked when published.
SIGNED = f"Hồ sơ chậm 20 ngày. Liên hệ {IDENTITY['contact_name'].upper()}, ĐT 0912.345.678."
ANSWER = f"Kính gửi {IDENTITY['contact_name']} ({IDENTITY['business_name']}): kết quả đã được trả."
UPDATE_FIELDS = ["update_id", "service_request_id", "status", "updated_datetime", "description",
                 "media_url"]


@pytest.fixture
def worked(make_ticket, make_user, directory, db):
    """A delay report answered by its agency after a reporter's reply, and a harassment report."""
    ticket, _ = make_ticket(agency_code="TB-SXD", description=SIGNED, **IDENTITY)
    officer = make_user("officer", Role.officer, "TB-SXD")
    workflow.reporter_reply(ticket, f"Gọi tôi: {IDENTITY['contact_phone']}", now=clock.now_utc())
    workflow.answer(ticket, ANSWER, "", actor=officer, now=clock.now_utc(),
                    expected_version=None)
    harassment, _ = make_ticket(category="harassment", agency_code="TB-SXD", **IDENTITY)
    db.session.commit()
    return ticket.code, harassment.code


@pytest.mark.parametrize("fmt", FORMATS := ("xml", "json"))
@pytest.mark.parametrize("key", [None, "pat_unknown"])
def test_updates_need_an_api_key(client, db, fmt, key):
    response = client.get(f"{BASE}/servicerequestupdates.{fmt}",
                          query_string={"api_key": key} if key else {})
    assert response.status_code == 403
    assert errors_of(response, fmt)[0][0] == "403"


def test_updates_xml(client, api_key, worked):
    code, _harassment = worked
    root = xml_of(client.get(f"{BASE}/servicerequestupdates.xml?api_key={api_key}"))
    assert root.tag == "service_requests_updates" and set(tags(root)) == {"request_update"}
    assert all(tags(u) == UPDATE_FIELDS for u in root)
    mine = [(u.findtext("status"), u.findtext("description")) for u in root
            if u.findtext("service_request_id") == code]
    # filed is not a status change; assigned, then the answer; the reporter's reply is not published.
    assert [s for s, _ in mine] == ["open", "closed"]
    assert mine[-1][1] == "Kính gửi […] ([…]): kết quả đã được trả."


def test_updates_json_and_harassment_has_no_staff_text(client, api_key, worked):
    _code, harassment = worked
    body = json_of(client.get(f"{BASE}/servicerequestupdates.json?api_key={api_key}&lang=en"))
    assert all(list(u) == UPDATE_FIELDS for u in body)
    assert [u["description"] for u in body if u["service_request_id"] == harassment] == [
        "Assigned to agency"]


def test_updates_range_is_limited(client, api_key):
    response = client.get(f"{BASE}/servicerequestupdates.json", query_string={
        "api_key": api_key, "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"})
    assert response.status_code == 400


ROLES = [(None, None), (Role.admin, None), (Role.coordinator, None), (Role.inspector, None),
         (Role.head, "TB-SXD"), (Role.officer, "TB-SXD"), (Role.analyst, None), (Role.clerk, None)]


@pytest.mark.parametrize("role,agency", ROLES)
def test_no_identity_in_any_answer_for_any_role(client, app, db, make_user, worked, role, agency):
    code, harassment = worked
    key = issue_key(app, db, make_user(f"u-{role}", role, agency)) if role else ""
    urls = ["/requests.{fmt}", f"/requests/{code}.{{fmt}}", f"/requests/{harassment}.{{fmt}}",
            f"/requests.{{fmt}}?service_request_id={code},{harassment}",
            "/servicerequestupdates.{fmt}"]
    for fmt in FORMATS:
        for url in urls:
            url = url.format(fmt=fmt)
            joiner = "&" if "?" in url else "?"
            response = client.get(f"{BASE}{url}{joiner}api_key={key}")
            assert response.status_code == (403 if "updates" in url and not key else 200), url
            text = response.get_data(as_text=True)
            assert "<service_request_id>PA-" in text or '"service_request_id": "PA-' in text \
                or "updates" in url
            for value in IDENTITY.values():
                assert value not in text, (role, url)
            assert "bimat" not in text.lower() and "345.678" not in text
            assert "BÍ MẬT" not in text


def test_filing_answer_does_not_echo_identity(client, api_key):
    response = client.post(f"{BASE}/requests.json", data={
        "api_key": api_key, "service_code": "other", "description": "Thủ tục không rõ.",
        "first_name": "Bí", "last_name": "Mật", "email": IDENTITY["contact_email"],
        "phone": IDENTITY["contact_phone"]})
    assert response.status_code == 200
    assert IDENTITY["contact_email"] not in response.get_data(as_text=True)


def test_published_texts_mask_the_reporters_details(client, worked):
    record = json_of(client.get(f"{BASE}/requests/{worked[0]}.json"))[0]
    assert record["description"] == "Hồ sơ chậm 20 ngày. Liên hệ […], ĐT […]."
    assert record["status_notes"] == "Kính gửi […] ([…]): kết quả đã được trả."
