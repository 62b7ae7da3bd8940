"""The staff audit log (issue 7): every staff action is recorded, nobody can change an entry,
and only administrators read and export it."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from portal import audit, clock
from portal.accounts import tokens
from portal.extensions import db
from portal.models import AuditEntry, Role, User
from portal.models.audit import ImmutableAuditError
from tests import factories
from tests.helpers import page_token
from tests.web.support import assign, file_report, inbox_act, next_page_url, reject, text
from tests.web.test_admin_clock import sla_data

ROLES_DENIED = ["coordinator", "clerk", "inspector", "analyst", "officer", "head"]


def entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def username_of(entry: AuditEntry) -> str | None:
    return entry.actor.username if entry.actor else None


def test_ticket_workflow_actions_are_audited_with_actor_and_report(client, directory, staff):
    code, _receipt = file_report(client)
    coordinator = staff("coordinator")
    assert assign(coordinator, code, "TB-SXD").status_code == 302
    officer = staff("officer", "TB-SXD")
    assert inbox_act(officer, code, "acknowledge").status_code == 302
    assert inbox_act(officer, code, "note", body="Đã gọi bộ phận một cửa").status_code == 302
    assert inbox_act(officer, code, "answer", body="Đã trả kết quả.", legal_basis="").status_code == 302
    assert inbox_act(officer, code, "close").status_code == 302

    log = [(e.action, username_of(e), e.ticket.code if e.ticket else None) for e in entries()
           if e.action.startswith("ticket.")]
    # The reporter's own filing is no staff action and is not in the staff log.
    assert log == [("ticket.assigned", "coordinator1", code),
                   ("ticket.acknowledged", "officer2", code), ("ticket.note", "officer2", code),
                   ("ticket.answered", "officer2", code), ("ticket.closed", "officer2", code)]
    assert entries("ticket.assigned")[0].detail == {"to_agency": "TB-SXD"}


def test_rejection_and_clerk_intake_are_audited(client, directory, staff):
    clerk = staff("clerk")
    code, _ = file_report(clerk, "/intake/new", channel="hotline")
    assert [(e.action, username_of(e)) for e in entries() if e.ticket] == [("ticket.filed", "clerk1")]
    assert reject(staff("coordinator"), code, "Trùng với phản ánh khác").status_code == 302
    assert username_of(entries("ticket.rejected")[0]) == "coordinator2"


def test_admin_calendar_and_time_limit_changes_are_audited(staff):
    clock.freeze(factories.utc(2026, 3, 2, 2))
    admin = staff("admin")
    token = page_token(admin, "/admin/calendar")
    assert admin.post("/admin/calendar", data={"csrf_token": token, "day": "2026-03-10",
                                               "kind": "off", "note": "Nghỉ bù"}).status_code == 302
    token = page_token(admin, "/admin/calendar")
    assert admin.post("/admin/calendar/2026-03-10/delete",
                      data={"d20260310-csrf_token": token}).status_code == 302
    added, removed = entries("calendar.added"), entries("calendar.removed")
    assert [(e.subject, username_of(e), e.detail["working"]) for e in added + removed] == [
        ("2026-03-10", "admin1", False), ("2026-03-10", "admin1", False)]

    page = text(admin.get("/admin/sla"))
    assert admin.post("/admin/sla", data=sla_data(page, **{"delay-answer_days": "15"})).status_code == 302
    saved = {e.subject: e for e in entries("sla.saved")}
    assert saved["delay"].detail["answer_days"] == 15 and username_of(saved["delay"]) == "admin1"


def test_token_creation_and_revocation_are_audited(app, staff):
    browser = staff("officer", None)
    token = page_token(browser, "/account/tokens")
    assert browser.post("/account/tokens", data={"csrf_token": token, "label": "CI"}).status_code == 302
    created = entries("token.created")
    assert [(e.subject, username_of(e), e.detail["label"]) for e in created] == [
        ("officer1", "officer1", "CI")]
    user = db.session.scalar(sa.select(User).where(User.username == "officer1"))
    token_id = tokens.for_user(user)[0].id
    token = page_token(browser, "/account/tokens")
    assert browser.post(f"/account/tokens/{token_id}/revoke",
                        data={f"t{token_id}-csrf_token": token}).status_code == 302
    assert [username_of(e) for e in entries("token.revoked")] == ["officer1"]
    assert "pat_" not in str([e.detail for e in entries()]).replace(created[0].detail["prefix"], "")


def test_user_creation_from_the_command_line_is_audited(runner, directory):
    result = runner.invoke(args=["portal", "create-user", "lan.nguyen", "--role", "officer",
                                 "--agency", "TB-SXD", "--password", "Mat-khau-that-dai-2026"])
    assert result.exit_code == 0, result.output
    [created] = entries("user.created")
    assert created.subject == "lan.nguyen" and created.actor is None
    assert created.detail == {"role": "officer", "agency": "TB-SXD", "demo": False}


def test_staff_api_actions_are_audited(app, client, directory, make_ticket):
    ticket, _ = make_ticket(agency_code="TB-SXD")
    user = factories.make_user("api.officer", Role.officer, "TB-SXD")
    issued = tokens.issue(user, label="t", now=clock.now_utc(), key=app.config["RECEIPT_KEY"])
    db.session.commit()
    response = client.post(f"/api/v1/staff/reports/{ticket.code}/acknowledge",
                           json={"version": ticket.version},
                           headers={"Authorization": f"Bearer {issued.secret}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [(username_of(e), e.ticket.code) for e in entries("ticket.acknowledged")] == [
        ("api.officer", ticket.code)]


def test_entries_cannot_be_changed_or_deleted(db):
    entry = audit.record(db.session, actor=None, action="test.action", subject="x")
    db.session.commit()
    entry.subject = "rewritten"
    with pytest.raises(ImmutableAuditError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(ImmutableAuditError):
        db.session.flush()
    db.session.rollback()
    assert [e.subject for e in entries()] == ["x"]


def _seed(n: int, action: str = "test.action", actor: User | None = None) -> None:
    for i in range(n):
        audit.record(db.session, actor=actor, action=action, subject=f"s{i}")
    db.session.commit()


def test_admin_reads_the_log_filtered_and_paginated(app, staff, monkeypatch):
    monkeypatch.setitem(app.config, "INBOX_PAGE_SIZE", 3)
    admin = staff("admin")
    _seed(4, "demo.one")
    _seed(2, "demo.two")
    page = text(admin.get("/admin/audit?action=demo"))
    assert page.count("<code>demo.two</code>") == 2 and page.count("<code>demo.one</code>") == 1
    older = text(admin.get(next_page_url(page)))
    assert older.count("<code>demo.one</code>") == 3 and next_page_url(older) is None
    only_two = text(admin.get("/admin/audit?action=demo.two"))
    assert "demo.one" not in only_two and only_two.count("<code>demo.two</code>") == 2
    # "demo" must not match "demonstration.x": the filter is a dotted prefix.
    _seed(1, "demonstration.x")
    assert "demonstration.x" not in text(admin.get("/admin/audit?action=demo"))
    assert admin.get("/admin/audit?since=2026-02-31").status_code == 422


def test_admin_filters_by_staff_member_and_report(client, directory, staff):
    code, _ = file_report(client)
    other, _ = file_report(client)
    coordinator = staff("coordinator")
    assign(coordinator, code, "TB-SXD")
    assign(coordinator, other, "TB-SKHDT")
    admin = staff("admin")
    page = text(admin.get(f"/admin/audit?ticket={code}"))
    assert code in page and other not in page
    assert "ticket.assigned" in text(admin.get("/admin/audit?actor=coordinator1"))
    assert "ticket.assigned" not in text(admin.get("/admin/audit?actor=admin2"))


def test_admin_exports_the_log_as_csv(staff):
    admin = staff("admin")
    _seed(2, "demo.export")
    response = admin.get("/admin/audit.csv?action=demo.export")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0] == list(audit.CSV_HEADER)
    assert [(r[3], r[5]) for r in rows[1:]] == [("demo.export", "s0"), ("demo.export", "s1")]


@pytest.mark.parametrize("role", ROLES_DENIED)
@pytest.mark.parametrize("url", ["/admin/audit", "/admin/audit.csv"])
def test_only_administrators_read_the_log(directory, staff, role, url):
    browser = staff(role, "TB-SXD" if role in ("officer", "head") else None)
    assert browser.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ("/admin/audit", "/admin/audit.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_log_has_no_way_to_write(staff):
    admin = staff("admin")
    token = page_token(admin, "/admin/calendar")
    for url in ("/admin/audit", "/admin/audit.csv"):
        assert admin.post(url, data={"csrf_token": token}).status_code == 405
