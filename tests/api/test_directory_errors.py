"""Directory, scores, the OpenAPI document and problem+json for every kind of error."""
from __future__ import annotations

import io

import pytest

from portal.api.v1 import bp
from portal.extensions import limiter
from tests.api.conftest import assert_problem


def test_agencies_and_procedures(client, directory):
    agencies = client.get("/api/v1/agencies?on=all").get_json()["items"]
    assert {"TB-SXD", "HY-SXD"} <= {a["code"] for a in agencies}
    procedures = client.get("/api/v1/procedures").get_json()["items"]
    assert procedures and all(p["agency"] for p in procedures)
    assert {p["agency"] for p in procedures} <= {a["code"] for a in agencies}


def test_the_agencies_offered_for_filing_are_those_valid_today(client, directory):
    today = {a["code"] for a in client.get("/api/v1/agencies").get_json()["items"]}
    assert "HY-SXD" in today and "HQ-KV3" in today and not any(c.startswith("TB-") for c in today)
    before = {a["code"] for a in client.get("/api/v1/agencies?on=2024-05-10").get_json()["items"]}
    assert "TB-SXD" in before and not any(c.startswith("HY-") for c in before)
    assert_problem(client.get("/api/v1/agencies?on=yesterday"), 422, "validation-failed")


def test_scores_are_not_published(client):
    assert_problem(client.get("/api/v1/scores/2026-Q3"), 404, "not-published")


@pytest.mark.parametrize("method,url,status,slug", [
    ("get", "/api/v1/nothing-here", 404, "not-found"),
    ("get", "/api/v1", 404, "not-found"),
    ("delete", "/api/v1/reports", 405, "method-not-allowed"),
    ("get", "/api/v1/staff/reports/PA-2026-000001/close", 405, "method-not-allowed"),
    ("post", "/api/v1/staff/reports/PA-2026-000001/delete", 404, "not-found"),
])
def test_routing_errors_are_problems(client, method, url, status, slug):
    assert_problem(getattr(client, method)(url), status, slug)


def test_web_errors_stay_html(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_too_large_is_413(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post("/api/v1/reports", data={"data": "{}", "attachments": (
        io.BytesIO(b"x" * 4096), "big.pdf")}, content_type="multipart/form-data")
    assert_problem(response, 413, "payload-too-large")


def test_unexpected_error_is_a_500_problem(client, app, monkeypatch):
    from portal.directory import lookup

    def broken():
        raise RuntimeError("boom")
    monkeypatch.setattr(lookup, "agencies", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    body = assert_problem(client.get("/api/v1/agencies"), 500, "server-error")
    assert "boom" not in str(body)


def test_titles_are_translated(client):
    body = client.get("/api/v1/scores/2026", headers={"Accept-Language": "vi"}).get_json()
    assert body["title"] != "These scores are not published."


def test_api_sets_no_cookies(client, directory):
    response = client.post("/api/v1/reports", json={"category": "delay"})
    assert "Set-Cookie" not in response.headers


@pytest.fixture
def low_limits(app, monkeypatch):
    limiter.reset()
    for key in ("RATELIMIT_FILING", "RATELIMIT_TRACKING"):
        monkeypatch.setitem(app.config, key, "3 per minute")
    yield
    limiter.reset()


@pytest.mark.parametrize("url,headers", [
    ("/api/v1/reports", {}),
    ("/api/v1/reports/PA-2026-000001/replies", {"X-Receipt": "AAAAA-BBBBB-CCCCC-DDDDD"})])
def test_fourth_post_in_a_minute_is_429(client, directory, low_limits, url, headers):
    statuses = [client.post(url, json={}, headers=headers).status_code for _ in range(4)]
    assert statuses[:3] in ([422] * 3, [404] * 3)
    response = client.post(url, json={}, headers=headers)
    assert_problem(response, 429, "rate-limited")


def test_receipt_guessing_is_limited(client, low_limits):
    for _ in range(3):
        client.get("/api/v1/reports/PA-2026-000001", headers={"X-Receipt": "x"})
    assert_problem(client.get("/api/v1/reports/PA-2026-000001", headers={"X-Receipt": "x"}),
                   429, "rate-limited")


def test_directory_is_not_limited(client, low_limits):
    assert all(client.get("/api/v1/agencies").status_code == 200 for _ in range(6))


def test_openapi_lists_every_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(bp.name + "."):
            continue
        path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        paths = [path]
        if "{action}" in path or "any(" in path:
            stem = path.split("/{any(")[0]
            paths = [f"{stem}/{a}" for a in ("acknowledge", "answer", "notes", "transfer",
                                              "extension", "close")]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routed |= {(p, method) for p in paths}
    assert documented == routed


def test_openapi_is_a_valid_31_document(client):
    from jsonschema_rs import validator_for  # noqa: F401 - installed with schemathesis
    import schemathesis

    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").get_json())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 17
