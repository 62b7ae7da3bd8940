"""Open311 GeoReport v2 contract: every endpoint in both formats, as the specification says."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal import clock
from portal.api.open311 import views
from portal.extensions import limiter
from portal.models import Channel, Role
from portal.tickets import queries, tracking, workflow
from tests.api.open311_support import (
    BASE,
    REQUEST_FIELDS,
    clerk_key,
    errors_of,
    json_of,
    tags,
    xml_of,
)


@pytest.fixture
def api_key(app, db, directory, make_user):
    return clerk_key(app, db, make_user)
from tests.factories import utc

FORMATS = ("xml", "json")


def _post(client, fmt, key, **fields):
    data = {"api_key": key, "service_code": "delay",
            "description": "Hồ sơ cấp phép xây dựng quá hạn\nĐã nộp 30 ngày.", **fields}
    return client.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


# discovery ----------------------------------------------------------------------------------

def test_discovery_xml(client):
    root = xml_of(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert tags(root) == ["changeset", "contact", "key_service", "max_requests", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert tags(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url").endswith("/open311/v2")
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]


def test_discovery_json(client):
    body = json_of(client.get(f"{BASE}/discovery.json"))
    assert list(body) == ["changeset", "contact", "key_service", "max_requests", "endpoints"]
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["max_requests"] == 1000


# services -----------------------------------------------------------------------------------

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"]


def test_services_xml(client):
    root = xml_of(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and set(tags(root)) == {"service"}
    codes = [s.findtext("service_code") for s in root]
    assert codes == ["delay", "harassment", "unclear_procedure", "policy", "other"]
    for service in root:
        assert tags(service) == SERVICE_FIELDS
        assert service.findtext("metadata") == "false" and service.findtext("type") == "realtime"
        assert service.findtext("service_name") and service.findtext("keywords")


def test_services_json_in_english_on_request(client):
    body = json_of(client.get(f"{BASE}/services.json?lang=en"))
    assert [list(s) for s in body] == [SERVICE_FIELDS] * 5
    assert body[0]["service_name"] == "Delay in a procedure" and body[0]["metadata"] is False


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_has_no_attributes(client, fmt):
    response = client.get(f"{BASE}/services/delay.{fmt}")
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "service_definition" and tags(root) == ["service_code", "attributes"]
        assert list(root.find("attributes")) == []
    else:
        assert json_of(response) == {"service_code": "delay", "attributes": []}


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_is_404(client, fmt):
    response = client.get(f"{BASE}/services/potholes.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == "404"


# POST requests ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_a_report_and_returns_id_and_receipt(client, api_key, fmt):
    response = _post(client, fmt, api_key, address_string="Phường Lê Hồng Phong, TP Thái Bình",
                     email="a@example.vn", first_name="An", last_name="Trần", phone="0912345678")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "service_requests" and tags(root) == ["request"]
        assert tags(root[0]) == ["service_request_id", "service_notice", "account_id"]
        code, notice = root[0].findtext("service_request_id"), root[0].findtext("service_notice")
    else:
        body = json_of(response)
        assert list(body[0]) == ["service_request_id", "service_notice", "account_id"]
        code, notice = body[0]["service_request_id"], body[0]["service_notice"]
    ticket = queries.by_code(code)
    assert ticket.channel == Channel.api and ticket.subject == "Hồ sơ cấp phép xây dựng quá hạn"
    assert ticket.locality == "Phường Lê Hồng Phong, TP Thái Bình"
    assert (ticket.contact_name, ticket.contact_email, ticket.contact_phone) == (
        "An Trần", "a@example.vn", "0912345678")
    receipt = re.search(r"[A-Z2-7]{5}(?:-[A-Z2-7]{5}){3}", notice).group(0)
    assert tracking.find_for_reporter(code, receipt, client.application.config["RECEIPT_KEY"])
    assert "/track" in notice


def test_post_stores_lat_long_as_text_and_location_is_optional(client, api_key):
    code = json_of(_post(client, "json", api_key, lat="20.45", long="106.34"))[0]["service_request_id"]
    assert queries.by_code(code).locality == "20.450000,106.340000"
    code = json_of(_post(client, "json", api_key))[0]["service_request_id"]
    assert queries.by_code(code).locality is None


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "pat_not-a-real-token", "wrong"])
def test_post_without_a_valid_key_is_403(client, directory, fmt, key):
    response = _post(client, fmt, key)
    assert response.status_code == 403
    assert errors_of(response, fmt)[0][0] == "403"


def test_revoked_key_is_403(client, app, db, directory, make_user):
    from portal.accounts import tokens
    from tests.api.open311_support import issue_key
    user = make_user("gone", Role.clerk)
    key = issue_key(app, db, user)
    tokens.revoke(user, tokens.for_user(user)[0].id, now=clock.now_utc())
    db.session.commit()
    assert _post(client, "xml", key).status_code == 403


@pytest.mark.parametrize("fields,status,argument", [
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "potholes"}, 404, "service_code"),
    ({"description": None}, 400, "description"),
    ({"description": "x" * 4001}, 400, "description"),
    ({"lat": "20.4"}, 400, "lat"),
    ({"lat": "north", "long": "106"}, 400, "lat"),
    ({"lat": "95", "long": "106"}, 400, "lat"),
    ({"address_string": "x" * 121}, 400, "address_string"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"phone": "call me"}, 400, "phone"),
])
@pytest.mark.parametrize("fmt", FORMATS)
def test_post_bad_input(client, api_key, fields, status, argument, fmt):
    response = _post(client, fmt, api_key, **fields)
    assert response.status_code == status
    assert argument in errors_of(response, fmt)[0][1]


def test_post_is_rate_limited(client, app, api_key, monkeypatch):
    limiter.reset()
    monkeypatch.setitem(app.config, "RATELIMIT_FILING", "2 per minute")
    statuses = [_post(client, "xml", api_key).status_code for _ in range(3)]
    limiter.reset()
    assert statuses == [200, 200, 429]


# GET requests -------------------------------------------------------------------------------

def _ids(response, fmt="json"):
    if fmt == "xml":
        return [r.findtext("service_request_id") for r in xml_of(response)]
    return [r["service_request_id"] for r in json_of(response)]


@pytest.fixture
def three(make_ticket, directory):
    """Three reports filed 100, 10 and 1 day(s) ago; the middle one is a harassment report."""
    now = clock.now_utc()
    old = make_ticket(now=now - timedelta(days=100))[0].code
    harassment = make_ticket(category="harassment", agency_code="TB-SXD", locality="Xã Vũ Hội",
                             now=now - timedelta(days=10))[0].code
    new = make_ticket(agency_code="TB-SXD", locality="Phường Tiền Phong",
                      now=now - timedelta(days=1))[0].code
    return old, harassment, new


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_default_to_the_last_90_days_newest_first(client, three, fmt):
    _old, harassment, new = three
    response = client.get(f"{BASE}/requests.{fmt}")
    assert response.status_code == 200
    assert _ids(response, fmt) == [new, harassment]
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "service_requests"
        assert all(tags(r) == REQUEST_FIELDS for r in root)
    else:
        assert all(list(r) == REQUEST_FIELDS for r in json_of(response))


def test_request_record_fields(client, three):
    record = json_of(client.get(f"{BASE}/requests/{three[2]}.json?lang=en"))[0]
    assert record["status"] == "open" and record["service_code"] == "delay"
    assert record["service_name"] == "Delay in a procedure"
    assert record["agency_responsible"] and record["address"] == "Phường Tiền Phong"
    assert record["description"] == "Đã nộp hồ sơ 25 ngày chưa có kết quả."
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert record[field].endswith("+07:00")


def test_service_request_id_overrides_other_filters(client, three):
    old, _harassment, new = three
    response = client.get(f"{BASE}/requests.json?service_request_id={old},{new}"
                          "&service_code=policy&status=closed")
    assert sorted(_ids(response)) == sorted([old, new])


def test_filters(client, three):
    old, harassment, new = three
    assert _ids(client.get(f"{BASE}/requests.json?service_code=harassment")) == [harassment]
    assert _ids(client.get(f"{BASE}/requests.json?service_code=delay,policy")) == [new]
    assert _ids(client.get(f"{BASE}/requests.json?status=closed")) == []
    assert _ids(client.get(f"{BASE}/requests.json?status=open,closed")) == [new, harassment]
    start = (clock.now_utc() - timedelta(days=120)).isoformat()
    end = (clock.now_utc() - timedelta(days=60)).isoformat()
    response = client.get(f"{BASE}/requests.json", query_string={"start_date": start, "end_date": end})
    assert _ids(response) == [old]
    # Empty arguments mean the same as absent ones.
    assert _ids(client.get(f"{BASE}/requests.json?service_code=&status=&start_date=")) == [
        new, harassment]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", [
    "start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z",  # 91 days
    "start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z",  # backwards
    "start_date=yesterday",
    "status=pending",
])
def test_bad_request_filters_are_400(client, db, query, fmt):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert errors_of(response, fmt)[0][0] == "400"


def test_exactly_90_days_is_allowed(client, db):
    response = client.get(f"{BASE}/requests.xml?start_date=2026-01-01T00:00:00Z"
                          "&end_date=2026-04-01T00:00:00Z")
    assert response.status_code == 200


def test_unknown_service_code_filter_is_404(client, db):
    assert client.get(f"{BASE}/requests.json?service_code=potholes").status_code == 404


def test_at_most_max_requests_records(client, make_ticket, directory, monkeypatch):
    monkeypatch.setattr(views, "MAX_REQUESTS", 3)
    codes = [make_ticket(now=clock.now_utc() - timedelta(hours=5 - i))[0].code for i in range(5)]
    assert _ids(client.get(f"{BASE}/requests.json")) == codes[::-1][:3]


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_is_a_one_element_list(client, three, fmt):
    response = client.get(f"{BASE}/requests/{three[2]}.{fmt}")
    assert _ids(response, fmt) == [three[2]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_is_404(client, db, fmt):
    response = client.get(f"{BASE}/requests/PA-2020-999999.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == "404"


def test_answered_report_is_closed_with_the_answer_as_status_notes(client, make_ticket, make_user,
                                                                   directory, db):
    ticket, _ = make_ticket(agency_code="TB-SXD")
    officer = make_user("officer", Role.officer, "TB-SXD")
    workflow.answer(ticket, "Đã trả kết quả ngày 5/3.", "", actor=officer, now=clock.now_utc(),
                    expected_version=None)
    db.session.commit()
    record = json_of(client.get(f"{BASE}/requests/{ticket.code}.json"))[0]
    assert record["status"] == "closed" and record["status_notes"] == "Đã trả kết quả ngày 5/3."
    assert _ids(client.get(f"{BASE}/requests.json?status=closed")) == [ticket.code]


def test_harassment_record_has_no_description_address_or_notes(client, three):
    record = json_of(client.get(f"{BASE}/requests/{three[1]}.json"))[0]
    assert record["service_code"] == "harassment"
    assert record["description"] is None and record["address"] is None
    assert record["status_notes"] is None
    root = xml_of(client.get(f"{BASE}/requests/{three[1]}.xml"))
    assert root.findtext("request/description") == "" and root.findtext("request/address") == ""


# tokens, unknown resources -------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_tokens_are_never_issued(client, db, fmt):
    response = client.get(f"{BASE}/tokens/12345.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt)[0][0] == "404"


@pytest.mark.parametrize("path,method,status", [
    ("/potholes.json", "get", 404), ("/services.csv", "get", 404),
    ("/requests.xml", "delete", 405), ("/services.xml", "post", 405),
])
def test_unknown_resources_and_methods_get_an_error_body(client, db, path, method, status):
    response = getattr(client, method)(BASE + path)
    assert response.status_code == status
    errors_of(response, "json" if path.endswith(".json") else "xml")


def test_dates_parse_with_z_and_offsets(client, make_ticket, directory):
    make_ticket(now=utc(2026, 3, 2, 2, 0))
    query = "start_date=2026-03-02T08:59:00+07:00&end_date=2026-03-02T02:01:00Z"
    assert len(json_of(client.get(f"{BASE}/requests.json?{query}"))) == 1


def test_post_mails_the_reporter_like_the_web_form(client, api_key, db):
    import sqlalchemy as sa

    from portal.models import OutboxMessage
    _post(client, "json", api_key, email="reporter@example.vn")
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.recipient == "reporter@example.vn" and message.template == "received"
    assert message.sent_at is not None
