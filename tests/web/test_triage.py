"""The coordinator's triage queue at /triage."""
from __future__ import annotations

import pytest

from portal.models import EventKind, Status
from tests.helpers import page_token
from tests.web.support import (agency_id, assign, events, file_report, flashes, inbox_act,
                               page_link, reject, text, ticket, triage_form)

CONFLICT = "Someone else changed this report while you were working on it."


@pytest.fixture
def coordinator(staff):
    return staff("coordinator")


@pytest.fixture
def unrouted(client, directory):
    """A report filed with no agency (status new); returns (code, receipt)."""
    return file_report(client, subject="Không biết nộp hồ sơ đất đai ở đâu")


def test_lists_new_and_transferred_reports_only(client, directory, staff, coordinator):
    new_code, _ = file_report(client)
    transferred_code, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    assigned_code, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    officer = staff("officer", "TB-SXD")
    assert inbox_act(officer, transferred_code, "transfer",
                     reason="Thuộc thẩm quyền Sở Tài nguyên và Môi trường.").status_code == 302

    page = text(coordinator.get("/triage"))
    assert new_code in page and transferred_code in page
    assert assigned_code not in page
    assert "Received, awaiting routing" in page and "Being re-routed" in page


def test_empty_queue_says_so(coordinator, directory):
    assert "Nothing waits for triage." in text(coordinator.get("/triage"))


def test_assign_sends_the_report_to_the_agency_inbox(unrouted, staff, coordinator):
    code, _ = unrouted
    officer = staff("officer", "TB-STNMT")
    assert code not in text(officer.get("/inbox"))
    before = len(events(code))

    response = assign(coordinator, code, "TB-STNMT")
    assert response.status_code == 302 and response.headers["Location"] == "/triage"
    assert "Saved." in flashes(text(coordinator.get("/triage")))

    routed = ticket(code)
    assert routed.status == Status.assigned and routed.agency.code == "TB-STNMT"
    new_events = events(code)[before:]
    assert [(e.kind, e.to_agency_id) for e in new_events] == [
        (EventKind.assigned, agency_id("TB-STNMT"))]
    assert code in text(officer.get("/inbox"))
    assert code not in text(coordinator.get("/triage"))


def test_reassigning_a_transferred_report_restarts_the_agencys_clock(client, directory, staff,
                                                                     coordinator):
    code, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    first_due = ticket(code).answer_due
    officer = staff("officer", "TB-SXD")
    inbox_act(officer, code, "transfer", reason="Không thuộc thẩm quyền.")
    assert ticket(code).agency is None
    assert assign(coordinator, code, "TB-SKHDT").status_code == 302
    routed = ticket(code)
    assert routed.agency.code == "TB-SKHDT" and routed.status == Status.assigned
    assert routed.answer_due >= first_due
    assert code in text(staff("officer", "TB-SKHDT").get("/inbox"))
    assert officer.get(f"/inbox/{code}").status_code == 404


def test_reject_with_a_reason_the_reporter_sees(client, unrouted, coordinator):
    code, _ = unrouted
    reason = "Trùng với phản ánh PA-2026-000001 đã được tiếp nhận."
    before = len(events(code))
    response = reject(coordinator, code, reason)
    assert response.status_code == 302
    rejected = ticket(code)
    assert rejected.status == Status.rejected and rejected.closed_at is not None
    assert [(e.kind, e.body, e.public) for e in events(code)[before:]] == [
        (EventKind.rejected, reason, True)]

    page = text(client.get(f"/track/{code}"))  # the reporter's browser
    assert reason in page and "Rejected" in page
    assert "Send reply" not in page  # a rejected report takes no more replies
    assert code not in text(coordinator.get("/triage"))


def test_reject_without_a_reason_changes_nothing(unrouted, coordinator):
    code, _ = unrouted
    before = len(events(code))
    response = reject(coordinator, code, "  ")
    assert response.status_code == 302
    assert "Give the reason the reporter will see." in flashes(text(coordinator.get("/triage")))
    assert ticket(code).status == Status.new and len(events(code)) == before


def test_assign_without_choosing_an_agency_changes_nothing(unrouted, coordinator):
    code, _ = unrouted
    ticket_id, token, version = triage_form(coordinator, code)
    response = coordinator.post(f"/triage/{code}/assign", data={
        f"t{ticket_id}-csrf_token": token, f"t{ticket_id}-version": version,
        f"t{ticket_id}-agency_id": "0"})
    assert response.status_code == 302
    assert "Choose an agency from the list." in flashes(text(coordinator.get("/triage")))
    assert ticket(code).status == Status.new and ticket(code).agency is None


def test_assigning_with_a_stale_version_changes_nothing(unrouted, staff, coordinator):
    code, _ = unrouted
    # Two coordinators load the queue; the other one assigns first.
    _, _, stale = triage_form(coordinator, code)
    other = staff("coordinator")
    assert assign(other, code, "TB-SXD").status_code == 302
    after_first = [(e.id, e.kind) for e in events(code)]
    version = ticket(code).version
    assert version != stale

    # The report went to TB-SXD; put it back in triage so only the version is wrong.
    officer = staff("officer", "TB-SXD")
    assert inbox_act(officer, code, "transfer", reason="Không thuộc Sở.").status_code == 302
    state = ticket(code)
    snapshot = (state.status, state.agency_id, state.version, len(events(code)))

    response = assign(coordinator, code, "TB-SKHDT", version=stale)
    assert response.status_code == 302
    assert any(CONFLICT in f for f in flashes(text(coordinator.get("/triage"))))
    state = ticket(code)
    assert (state.status, state.agency_id, state.version, len(events(code))) == snapshot
    assert state.status == Status.transferred and state.agency_id is None
    assert [(e.id, e.kind) for e in events(code)][:len(after_first)] == after_first


def test_assigning_an_already_assigned_report_is_refused(client, directory, coordinator):
    code, _ = file_report(client, agency_id=agency_id("TB-SXD"))
    # The page no longer offers it; a hand-made POST with the current version is refused.
    ticket_id, version = ticket(code).id, ticket(code).version
    token = page_token(coordinator, "/feedback/new")
    response = coordinator.post(f"/triage/{code}/assign", data={
        f"t{ticket_id}-csrf_token": token, f"t{ticket_id}-version": version,
        f"t{ticket_id}-agency_id": agency_id("TB-SKHDT")})
    assert response.status_code == 302
    assert any("not possible" in f for f in flashes(text(coordinator.get("/triage"))))
    assert ticket(code).agency.code == "TB-SXD"


def test_admin_can_triage_too(unrouted, staff):
    code, _ = unrouted
    admin = staff("admin")
    assert code in text(admin.get("/triage"))
    assert assign(admin, code, "TB-CT").status_code == 302
    assert ticket(code).agency.code == "TB-CT"


def test_triage_pages_with_previous_and_next_links(client, directory, coordinator, app, monkeypatch):
    monkeypatch.setitem(app.config, "INBOX_PAGE_SIZE", 2)
    codes = [file_report(client, subject=f"Không rõ cơ quan giải quyết hồ sơ số {n}")[0]
             for n in range(5)]
    first = text(coordinator.get("/triage"))
    assert page_link(first, "prev") is None
    second = text(coordinator.get(page_link(first, "next")))
    third = text(coordinator.get(page_link(second, "next")))
    assert page_link(third, "next") is None
    shown = [[c for c in codes if c in page] for page in (first, second, third)]
    assert shown == [codes[:2], codes[2:4], codes[4:]]  # one deadline: filing order
    assert [c for c in codes if c in text(coordinator.get(page_link(third, "prev")))] == codes[2:4]
