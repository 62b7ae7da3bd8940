"""Public calls: filing (JSON, multipart, idempotent), following, replying, rating, reopening."""
from __future__ import annotations

import io
import json

import pytest

from portal.extensions import db
from tests.api.conftest import assert_problem
from tests.web.support import (agency_id, events, exe_bytes, pdf_bytes, png_bytes, ticket,
                               ticket_count)

REPORT = {"category": "delay", "subject": "Chậm cấp phép xây dựng",
          "description": "Nộp hồ sơ 30 ngày chưa có kết quả.", "contact_name": "Lê Văn An",
          "contact_email": "an@example.vn"}


def test_file_json_report(client, directory):
    response = client.post("/api/v1/reports", json={**REPORT, "agency_id": agency_id("HY-SXD")})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"code", "receipt", "status", "agency", "answer_due"}
    assert body["status"] == "assigned" and body["agency"]["code"] == "HY-SXD"
    assert response.headers["Location"].endswith(f"/api/v1/reports/{body['code']}")
    filed = ticket(body["code"])
    assert filed.channel.value == "api" and filed.contact_name == "Lê Văn An"
    assert body["receipt"] not in filed.receipt_hash


def test_unrouted_report_has_no_agency(client, directory):
    body = client.post("/api/v1/reports", json=REPORT).get_json()
    assert body["status"] == "new" and body["agency"] is None


def test_multipart_with_attachments(client, directory):
    data = {"data": json.dumps({**REPORT, "agency_id": agency_id("HY-SXD")}),
            "attachments": [(io.BytesIO(pdf_bytes()), "bien-nhan.pdf"),
                            (io.BytesIO(png_bytes()), "anh.png")]}
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    names = [a.original_name for a in ticket(response.get_json()["code"]).attachments]
    assert names == ["bien-nhan.pdf", "anh.png"]


def test_multipart_rejects_a_disguised_file(client, directory):
    data = {"data": json.dumps(REPORT), "attachments": [(io.BytesIO(exe_bytes()), "scan.pdf")]}
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    body = assert_problem(response, 422, "validation-failed")
    assert [e["field"] for e in body["errors"]] == ["attachments"]
    assert ticket_count() == 0


def test_multipart_without_data_part(client, directory):
    response = client.post("/api/v1/reports", data={"x": "1"}, content_type="multipart/form-data")
    assert assert_problem(response, 422, "validation-failed")["errors"][0]["field"] == "data"


@pytest.mark.parametrize("body,fields", [
    ({}, ["category", "subject", "description"]),
    ({**REPORT, "subject": ""}, ["subject"]),
    ({**REPORT, "subject": "x" * 201}, ["subject"]),
    ({**REPORT, "category": "weather"}, ["category"]),
    ({**REPORT, "agency_id": "HY-SXD"}, ["agency_id"]),
    ({**REPORT, "agency_id": 999_999}, ["agency_id"]),
    ({**REPORT, "agency_id": 2**40}, ["agency_id"]),
    ({**REPORT, "anonymous": "yes"}, ["anonymous"]),
    ({**REPORT, "contact_email": "not-an-address"}, ["contact_email"]),
    ({**REPORT, "locality": "x" * 121}, ["locality"]),
    ({**REPORT, "subject": "a\x00b"}, ["subject"]),
    ({**REPORT, "description": "lone \ud800 surrogate"}, ["description"]),
    ({**REPORT, "channel": "web"}, ["channel"]),
])
def test_bad_input_is_422_with_field_errors(client, directory, body, fields):
    response = client.post("/api/v1/reports", json=body)
    problem = assert_problem(response, 422, "validation-failed")
    assert sorted({e["field"] for e in problem["errors"]}) == sorted(fields)
    assert all(e["message"] for e in problem["errors"])
    assert ticket_count() == 0


@pytest.mark.parametrize("data", [b"{not json", b"[1, 2]", b"\xff\xfe", b"[" * 100_000,
                                  b'{"agency_id": ' + b"9" * 5000 + b"}"])
def test_malformed_json_is_400(client, data):
    response = client.post("/api/v1/reports", data=data, content_type="application/json")
    assert_problem(response, 400, "malformed-json")


def test_form_encoding_is_415(client):
    response = client.post("/api/v1/reports", data={"subject": "x"})
    assert_problem(response, 415, "unsupported-media-type")


def test_idempotent_retry_returns_the_same_response(client, directory):
    headers = {"Idempotency-Key": "lgsp-7f3a-0001"}
    first = client.post("/api/v1/reports", json=REPORT, headers=headers)
    again = client.post("/api/v1/reports", json=REPORT, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert ticket_count() == 1
    other = client.post("/api/v1/reports", json={**REPORT, "subject": "Khác"}, headers=headers)
    assert_problem(other, 422, "idempotency-key-reused")
    assert ticket_count() == 1
    assert client.post("/api/v1/reports", json=REPORT,
                       headers={"Idempotency-Key": "lgsp-7f3a-0002"}).status_code == 201
    assert ticket_count() == 2


def test_stored_replay_holds_no_readable_receipt(client, directory):
    from portal.models import IdempotencyKey

    body = client.post("/api/v1/reports", json=REPORT, headers={"Idempotency-Key": "k1"}).get_json()
    stored = db.session.query(IdempotencyKey).one()
    assert body["receipt"] not in json.dumps(stored.response)


@pytest.mark.parametrize("key", ["", "x" * 201, "bad key"])
def test_invalid_idempotency_key(client, directory, key):
    response = client.post("/api/v1/reports", json=REPORT, headers={"Idempotency-Key": key})
    assert_problem(response, 422, "validation-failed")


def _filed(client, **extra):
    body = client.post("/api/v1/reports", json={**REPORT, **extra}).get_json()
    return body["code"], {"X-Receipt": body["receipt"]}


def test_reporter_view(client, directory):
    code, receipt = _filed(client, agency_id=agency_id("HY-SXD"))
    response = client.get(f"/api/v1/reports/{code}", headers=receipt)
    assert response.status_code == 200
    view = response.get_json()
    assert view["code"] == code and view["status"] == "assigned"
    assert [i["kind"] for i in view["timeline"]] == ["filed", "assigned"]
    assert view["answers"] == [] and view["can_rate"] is False and view["can_reopen"] is False
    assert "contact_name" not in json.dumps(view) and "Lê Văn An" not in json.dumps(view)


@pytest.mark.parametrize("code,receipt", [
    ("PA-2026-999999", None), (None, "AAAAA-BBBBB-CCCCC-DDDDD"), (None, "")])
def test_unknown_code_or_wrong_receipt_is_the_same_404(client, directory, code, receipt):
    real_code, real = _filed(client)
    headers = {"X-Receipt": receipt if receipt is not None else real["X-Receipt"]}
    response = client.get(f"/api/v1/reports/{code or real_code}", headers=headers)
    body = assert_problem(response, 404, "not-found")
    assert body == assert_problem(client.get("/api/v1/reports/PA-2026-999999", headers=headers),
                                  404, "not-found")


def test_reply_rate_reopen(client, directory, bearer):
    code, receipt = _filed(client, agency_id=agency_id("HY-SXD"))
    reply = client.post(f"/api/v1/reports/{code}/replies", json={"body": "Bổ sung giấy tờ"},
                        headers=receipt)
    assert reply.status_code == 200
    assert reply.get_json()["timeline"][-1]["kind"] == "reporter_replied"
    assert_problem(client.post(f"/api/v1/reports/{code}/rating", json={"score": 5},
                               headers=receipt), 409, "invalid-transition")
    officer = bearer("officer", "HY-SXD")
    version = ticket(code).version
    answered = client.post(f"/api/v1/staff/reports/{code}/answer", headers=officer, json={
        "version": version, "body": "Đã cấp phép.", "legal_basis": "Luật Xây dựng 2014"})
    assert answered.status_code == 200, answered.get_json()
    view = client.get(f"/api/v1/reports/{code}", headers=receipt).get_json()
    assert view["answers"][0]["legal_basis"] == "Luật Xây dựng 2014"
    assert view["can_rate"] and view["can_reopen"]
    assert_problem(client.post(f"/api/v1/reports/{code}/rating", json={"score": 9},
                               headers=receipt), 422, "validation-failed")
    rated = client.post(f"/api/v1/reports/{code}/rating", json={"score": 2, "comment": "Chậm"},
                        headers=receipt)
    assert rated.status_code == 200 and rated.get_json()["can_rate"] is False
    reopened = client.post(f"/api/v1/reports/{code}/reopen", json={"reason": "Chưa giải quyết"},
                           headers=receipt)
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "reopened"


@pytest.mark.parametrize("action,body", [
    ("replies", {"body": "x"}), ("rating", {"score": 5}), ("reopen", {"reason": "x"})])
def test_reporter_actions_need_the_receipt(client, directory, action, body):
    code, _ = _filed(client)
    response = client.post(f"/api/v1/reports/{code}/{action}", json=body,
                           headers={"X-Receipt": "AAAAA-BBBBB-CCCCC-DDDDD"})
    assert_problem(response, 404, "not-found")
    assert [e.kind.value for e in events(code)] == ["filed"]


@pytest.mark.parametrize("action,body,field", [
    ("replies", {"body": ""}, "body"), ("replies", {}, "body"),
    ("rating", {"score": "5"}, "score"), ("reopen", {"reason": 3}, "reason"),
    ("replies", {"body": "x", "extra": 1}, "extra")])
def test_reporter_actions_bad_input(client, directory, action, body, field):
    code, receipt = _filed(client)
    response = client.post(f"/api/v1/reports/{code}/{action}", json=body, headers=receipt)
    problem = assert_problem(response, 422, "validation-failed")
    assert field in [e["field"] for e in problem["errors"]]


def test_idempotency_keys_expire_after_a_day(client, directory):
    from datetime import timedelta

    from portal import clock

    headers = {"Idempotency-Key": "nightly-batch-1"}
    assert client.post("/api/v1/reports", json=REPORT, headers=headers).status_code == 201
    clock.freeze(clock.now_utc() + timedelta(hours=25))
    other = client.post("/api/v1/reports", json={**REPORT, "subject": "Khác"}, headers=headers)
    assert other.status_code == 201 and ticket_count() == 2
