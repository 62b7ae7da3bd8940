"""Fixtures for the API suite: staff users with bearer tokens, reports filed through intake."""
from __future__ import annotations

import itertools

import pytest

from portal import clock
from portal.accounts import tokens
from portal.models import Role
from portal.tickets.attachments import Upload
from tests import factories
from tests.web.conftest import directory  # noqa: F401 - the fast directory fixture
from tests.web.support import pdf_bytes

PROBLEM = "application/problem+json"


@pytest.fixture
def bearer(app, db):
    """``bearer(role, agency_code)`` → headers carrying a fresh token of a new user."""
    numbers = itertools.count(1)

    def make(role: str, agency_code: str | None = None) -> dict[str, str]:
        user = factories.make_user(f"api.{role}{next(numbers)}", Role(role), agency_code)
        issued = tokens.issue(user, label="test", now=clock.now_utc(),
                              key=app.config["RECEIPT_KEY"])
        db.session.commit()
        return {"Authorization": f"Bearer {issued.secret}"}
    return make


@pytest.fixture
def world(directory, make_ticket):
    """One report per agency, a harassment report with a named reporter, one unrouted."""
    sxd, sxd_receipt = make_ticket(agency_code="TB-SXD",
                                   uploads=[Upload("ban-ve.pdf", pdf_bytes())],
                                   contact_name="Trần Thị Hoa", contact_email="hoa@example.vn")
    skhdt, _ = make_ticket(agency_code="TB-SKHDT")
    harassment, harassment_receipt = make_ticket(
        agency_code="TB-SXD", category="harassment", subject="Đòi tiền bồi dưỡng",
        contact_name="Đỗ Văn Giang", contact_email="giang@example.vn",
        contact_phone="0912 345 678", business_name="Công ty TNHH Giang Sơn",
        uploads=[Upload("CCCD_Do_Van_Giang.pdf", pdf_bytes())])
    unrouted, _ = make_ticket()
    return {"sxd": sxd.code, "sxd_receipt": sxd_receipt, "skhdt": skhdt.code,
            "harassment": harassment.code, "harassment_receipt": harassment_receipt,
            "new": unrouted.code}


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == f"https://portal.invalid/problems/{slug}"
    assert body["status"] == status and body["title"]
    return body
