"""Shared fixtures and helpers of the Open311 tests (imported by tests/api/test_open311*.py)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from portal import clock
from portal.accounts import tokens
from portal.models import Role

BASE = "/open311/v2"
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                  "lat", "long", "media_url"]
# A reporter who must never appear in an Open311 answer.
IDENTITY = {"contact_name": "Nguyễn Thị Bí Mật", "contact_email": "bimat@example.vn",
            "contact_phone": "0912 345 678", "business_name": "Công ty TNHH Kín Đáo"}


def issue_key(app, db, user) -> str:
    issued = tokens.issue(user, label="open311", now=clock.now_utc(),
                          key=app.config["RECEIPT_KEY"])
    db.session.commit()
    return issued.secret


def clerk_key(app, db, make_user) -> str:
    """The API token of an intake clerk (the province's integration platform, say)."""
    return issue_key(app, db, make_user("lgsp", Role.clerk))


def xml_of(response) -> ET.Element:
    assert response.content_type == XML_TYPE
    assert response.data.startswith(DECLARATION)
    return ET.fromstring(response.data)


def json_of(response):
    assert response.content_type == JSON_TYPE
    return json.loads(response.data)


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def errors_of(response, fmt: str) -> list[tuple[str, str]]:
    """(code, description) pairs of an error body, checking its exact shape."""
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "errors" and tags(root) == ["error"] * len(root)
        assert all(tags(error) == ["code", "description"] for error in root)
        return [(e.findtext("code"), e.findtext("description")) for e in root]
    body = json_of(response)
    assert isinstance(body, list) and all(set(e) == {"code", "description"} for e in body)
    return [(str(e["code"]), e["description"]) for e in body]
