"""The inspector's audited identity reveal (issue 7, DESIGN §6): for a harassment report without
consent nobody sees the reporter; the inspector alone may reveal it, giving a reason; each
reveal is an audit entry and a public event the reporter sees on /track, and the accused
agency is not told."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal import clock
from portal.errors import NotFound, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.models import AuditEntry, EventKind, Role
from portal.tickets import identity
from tests import factories
from tests.helpers import page_token
from tests.web.support import agency_id, events, file_report, text, ticket, track

IDENTITY = ("Vũ Minh Hải", "hai@doanhnghiep.vn", "0900111222", "Công ty TNHH Hải Minh")
REASON = "Xác minh nội dung tố cáo theo Luật Tố cáo 2018"


@pytest.fixture
def filed(client, directory):
    code, receipt = file_report(client, category="harassment", agency_id=agency_id("TB-SXD"),
                                subject="Cán bộ gợi ý bồi dưỡng để hồ sơ đi nhanh",
                                contact_name=IDENTITY[0], contact_email=IDENTITY[1],
                                contact_phone=IDENTITY[2], business_name=IDENTITY[3])
    return code, receipt


def shows_identity(page: str) -> bool:
    found = {needle in page for needle in IDENTITY}
    assert len(found) == 1, page  # all or nothing
    return found.pop()


def reveal(browser, code: str, reason: str = REASON):
    token = page_token(browser, "/account/tokens")  # any page of the session carries it
    return browser.post(f"/inbox/{code}/identity", data={"csrf_token": token, "reason": reason})


def test_the_inspector_reveals_with_a_reason_and_everyone_concerned_can_tell(
        client, staff, filed):
    code, receipt = filed
    inspector = staff("inspector")
    assert not shows_identity(text(inspector.get(f"/inbox/{code}")))
    response = reveal(inspector, code)
    assert response.status_code == 302
    assert shows_identity(text(inspector.get(f"/inbox/{code}")))
    # One public event and one audit entry, both carrying who and why.
    [event] = [e for e in events(code) if e.kind == EventKind.identity_viewed]
    assert event.public and event.body == REASON and event.actor.username == "inspector1"
    db.session.expire_all()
    [entry] = db.session.scalars(sa.select(AuditEntry)
                                 .where(AuditEntry.action == "ticket.identity_viewed")).all()
    assert entry.ticket.code == code and entry.actor.username == "inspector1"
    # The reporter sees it on the tracking page.
    assert track(client, code, receipt).status_code == 302
    page = text(client.get(f"/track/{code}"))
    assert "Identity viewed by the inspectorate" in page and REASON in page


def test_the_reveal_lasts_a_few_minutes_then_needs_a_new_reason(staff, filed):
    code, _ = filed
    inspector = staff("inspector")
    reveal(inspector, code)
    clock.freeze(clock.now_utc() + timedelta(minutes=11))
    assert not shows_identity(text(inspector.get(f"/inbox/{code}")))
    reveal(inspector, code, "Bổ sung hồ sơ thanh tra")
    assert shows_identity(text(inspector.get(f"/inbox/{code}")))
    assert [e.body for e in events(code) if e.kind == EventKind.identity_viewed] == [
        REASON, "Bổ sung hồ sơ thanh tra"]


def test_a_reason_is_required(staff, filed):
    code, _ = filed
    inspector = staff("inspector")
    response = reveal(inspector, code, "   ")
    assert response.status_code == 422 and not shows_identity(text(response))
    assert reveal(inspector, code, "x" * 501).status_code == 422
    assert not [e for e in events(code) if e.kind == EventKind.identity_viewed]


@pytest.mark.parametrize("role,agency,status", [
    ("head", "TB-SXD", 403),          # the accused agency's head sees the report, not the reporter
    ("coordinator", None, 403), ("admin", None, 403),
    ("officer", "TB-SXD", 404),       # officers never see harassment reports
    ("head", "TB-SKHDT", 404), ("clerk", None, 403), ("analyst", None, 403),
])
def test_nobody_else_can_reveal(staff, filed, role, agency, status):
    code, _ = filed
    browser = staff(role, agency)
    response = reveal(browser, code)
    assert response.status_code == status
    if browser.get(f"/inbox/{code}").status_code == 200:
        page = text(browser.get(f"/inbox/{code}"))
        assert not shows_identity(page) and f"/inbox/{code}/identity" not in page
    assert not [e for e in events(code) if e.kind == EventKind.identity_viewed]


def test_the_accused_agency_is_not_told_of_the_reveal(staff, filed):
    code, _ = filed
    reveal(staff("inspector"), code)
    head = staff("head", "TB-SXD")
    page = text(head.get(f"/inbox/{code}"))
    assert "Identity viewed" not in page and REASON not in page and not shows_identity(page)
    # Nor does another inspector's browser inherit the reveal.
    assert not shows_identity(text(staff("inspector").get(f"/inbox/{code}")))


def test_nothing_to_reveal_when_the_reporter_consented_or_was_anonymous(client, staff, directory):
    consented, _ = file_report(client, category="harassment", agency_id=agency_id("TB-SXD"),
                               contact_name=IDENTITY[0], identity_consent="y")
    anonymous, _ = file_report(client, category="harassment", agency_id=agency_id("TB-SXD"),
                               anonymous="y")
    inspector = staff("inspector")
    for code in (consented, anonymous):
        assert f"/inbox/{code}/identity" not in text(inspector.get(f"/inbox/{code}"))
        assert reveal(inspector, code).status_code == 403


def test_the_service_refuses_others_whatever_the_entry_point(app, filed, db):
    code = filed[0]
    found = ticket(code)
    now = clock.now_utc()
    head = factories.make_user("svc.head", Role.head, "TB-SXD")
    officer = factories.make_user("svc.officer", Role.officer, "TB-SXD")
    inspector = factories.make_user("svc.inspector", Role.inspector)
    with pytest.raises(PermissionDenied):
        identity.reveal(found, REASON, actor=head, now=now)
    with pytest.raises(NotFound):
        identity.reveal(found, REASON, actor=officer, now=now)
    with pytest.raises(ValidationFailed):
        identity.reveal(found, "", actor=inspector, now=now)
    db.session.rollback()
