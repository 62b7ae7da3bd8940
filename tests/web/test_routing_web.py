"""Routing seen through the pages: the router's suggestions on /triage, corrections, the
priority flag in the inbox, and harassment kept away from officers (DESIGN §5)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db as _db
from portal.models import RoutingCorrection, RoutingSuggestion, Status, User
from portal.routing import models_cache
from tests.factories import utc
from tests.helpers import page_token
from tests.web.support import (agency_id, assign, file_report, inbox_act, inbox_codes, text,
                               ticket)

NOW = utc(2024, 5, 10, 3, 0)  # the 2023 directory is valid
CUSTOMS = ("Lô hàng linh kiện nhập khẩu bị phân luồng đỏ, tờ khai hải quan nộp từ thứ hai đến "
           "nay chưa được thông quan, hàng nằm ở cảng phát sinh phí lưu container.")
HARASSMENT = ("Cán bộ hải quan gây khó dễ, đòi bồi dưỡng mới cho thông quan lô hàng xuất khẩu "
              "của công ty, nếu không thì kiểm hóa toàn bộ container.")


@pytest.fixture(scope="session")
def routing_model(app):
    """The shipped corpus's model (loaded once; the app fixture already trained it)."""
    return models_cache.current_model(app.config)


@pytest.fixture
def routed(directory, routing_model):
    clock.freeze(NOW)  # the db fixture unfreezes it


@pytest.fixture
def coordinator(staff):
    return staff("coordinator")


@pytest.fixture
def auto_assign(app, monkeypatch, routed):
    monkeypatch.setitem(app.config, "ROUTING_AUTO_ASSIGN", True)


def _article(page: str, code: str) -> str:
    match = re.search(rf'<article[^>]*>(?:(?!</article>).)*{code}.*?</article>', page, re.S)
    assert match, f"{code} is not on the page"
    return match.group(0)


def _selected(article: str, ticket_id: int) -> list[str]:
    select = re.search(rf'<select[^>]*name="t{ticket_id}-agency_id".*?</select>', article, re.S)
    assert select, "no agency list"
    return re.findall(r'<option[^>]*\bselected\b[^>]*value="(\d+)"|'
                      r'<option[^>]*value="(\d+)"[^>]*\bselected\b', select.group(0))


def corrections() -> list[RoutingCorrection]:
    _db.session.expire_all()
    return list(_db.session.scalars(sa.select(RoutingCorrection).order_by(RoutingCorrection.id)))


def test_triage_shows_the_three_suggestions_and_preselects_the_agency(client, routed,
                                                                      coordinator):
    code, _ = file_report(client, subject="Hàng nhập khẩu chưa được thông quan",
                          description=CUSTOMS)
    report = ticket(code)
    assert report.status == Status.new and report.agency is None  # auto-assignment is off
    article = _article(text(coordinator.get("/triage")), code)
    assert "Router suggestions" in article
    hints = re.findall(r"<li>(.*?)</li>", re.search(
        r'<ol class="suggestions">(.*?)</ol>', article, re.S).group(1), re.S)
    assert len(hints) == 3
    assert hints[0].startswith("Customs — ") and "Thai Binh Customs Branch" in hints[0]
    stored = _db.session.get(RoutingSuggestion, report.id)
    assert [a["sector"] for a in stored.alternatives][0] == "customs"
    selected = [a or b for a, b in _selected(article, report.id)]
    assert selected == [str(agency_id("TB-HQ"))]


def test_a_report_without_suggestion_preselects_nothing(app, client, routed, coordinator,
                                                       monkeypatch):
    monkeypatch.setitem(app.config, "ROUTING_ENABLED", False)
    code, _ = file_report(client, subject="Hàng nhập khẩu chưa được thông quan",
                          description=CUSTOMS)
    article = _article(text(coordinator.get("/triage")), code)
    assert "Router suggestions" not in article
    assert [a or b for a, b in _selected(article, ticket(code).id)] in ([], ["0"])
    assert assign(coordinator, code, "TB-CT").status_code == 302
    assert corrections() == []


def test_assigning_another_sector_records_one_correction(client, routed, coordinator):
    wrong, _ = file_report(client, subject="Hàng nhập khẩu chưa được thông quan",
                           description=CUSTOMS)
    right, _ = file_report(client, subject="Tờ khai hải quan chưa thông quan",
                           description=CUSTOMS)

    assert assign(coordinator, right, "TB-HQ").status_code == 302  # as suggested
    assert ticket(right).agency.code == "TB-HQ" and corrections() == []

    assert assign(coordinator, wrong, "TB-CT").status_code == 302
    assert ticket(wrong).agency.code == "TB-CT"
    [correction] = corrections()
    assert correction.ticket_id == ticket(wrong).id
    assert (correction.sector, correction.category) == ("tax", "delay")
    assert correction.text == f"Hàng nhập khẩu chưa được thông quan\n{CUSTOMS}"
    assert _db.session.get(User, correction.actor_id).role.value == "coordinator"


def test_the_inbox_flags_urgent_reports(client, auto_assign, staff):
    urgent, _ = file_report(client, subject="Đề nghị xử lý khẩn cấp",
                            description=CUSTOMS + " Doanh nghiệp rất bức xúc.")
    calm, _ = file_report(client, subject="Hàng nhập khẩu chưa được thông quan",
                          description=CUSTOMS)
    assert ticket(urgent).priority and not ticket(calm).priority
    page = text(staff("officer", "TB-HQ").get("/inbox"))
    rows = {code: row for row in re.findall(r"<tr>.*?</tr>", page, re.S)
            for code in inbox_codes(row)}
    assert set(rows) == {urgent, calm}
    assert "Priority" in rows[urgent] and "Priority" not in rows[calm]


# --- harassment never reaches an officer --------------------------------------------------------

@pytest.fixture(params=["auto-assigned", "assigned by the coordinator"])
def harassment(request, app, client, routed, staff, monkeypatch):
    """A harassment report about the customs branch, routed there; returns its code."""
    auto = request.param == "auto-assigned"
    monkeypatch.setitem(app.config, "ROUTING_AUTO_ASSIGN", auto)
    code, _ = file_report(client, category="harassment",
                          subject="Cán bộ hải quan đòi bồi dưỡng", description=HARASSMENT)
    if not auto:
        assert ticket(code).status == Status.new
        assert assign(staff("coordinator"), code, "TB-HQ").status_code == 302
    routed_to = ticket(code)
    assert routed_to.status == Status.assigned and routed_to.agency.code == "TB-HQ"
    return code


def test_harassment_is_seen_by_the_head_and_the_inspector(harassment, staff):
    for role, agency_code in (("head", "TB-HQ"), ("inspector", None)):
        browser = staff(role, agency_code)
        assert harassment in inbox_codes(text(browser.get("/inbox"))), role
        assert browser.get(f"/inbox/{harassment}").status_code == 200, role
    head = staff("head", "TB-HQ")
    assert inbox_act(head, harassment, "acknowledge").status_code == 302
    assert ticket(harassment).status == Status.acknowledged


def test_harassment_is_hidden_from_the_agencys_officers(client, harassment, staff):
    other, _ = file_report(client, agency_id=agency_id("TB-HQ"),
                           subject="Hàng nhập khẩu chưa được thông quan", description=CUSTOMS)
    officer = staff("officer", "TB-HQ")
    for url in ("/inbox", "/inbox?category=harassment", f"/inbox?status={Status.assigned.value}"):
        codes = inbox_codes(text(officer.get(url)))
        assert harassment not in codes, url
    assert other in inbox_codes(text(officer.get("/inbox")))
    assert officer.get(f"/inbox/{harassment}").status_code == 404
    token = page_token(officer, f"/inbox/{other}")  # a real token: only visibility can refuse
    for action in ("acknowledge", "note", "transfer"):
        response = officer.post(f"/inbox/{harassment}/{action}", data={
            f"{action}-csrf_token": token, f"{action}-version": ticket(harassment).version,
            f"{action}-body": "x", f"{action}-reason": "x"})
        assert response.status_code == 404, action
    assert ticket(harassment).status == Status.assigned
