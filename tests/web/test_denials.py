"""Denial paths for every staff page: no login, the wrong role, another agency's report."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from portal.tickets.attachments import Upload
from tests.helpers import page_token
from tests.web.support import events, pdf_bytes, submission, text, ticket

ACTIONS = ("acknowledge", "request_info", "answer", "note", "transfer", "close")


@pytest.fixture
def world(directory, make_ticket):
    """Reports filed through the intake service: one per agency, one harassment, one unrouted."""
    sxd, _ = make_ticket(agency_code="TB-SXD", uploads=[Upload("ban-ve.pdf", pdf_bytes())])
    skhdt, _ = make_ticket(agency_code="TB-SKHDT", uploads=[Upload("dkkd.pdf", pdf_bytes())])
    harassment, _ = make_ticket(agency_code="TB-SXD", category="harassment",
                                subject="Đòi tiền bồi dưỡng", contact_name="Đỗ Văn Giang",
                                uploads=[Upload("ghi-am.pdf", pdf_bytes())])
    unrouted, _ = make_ticket()
    return {"sxd": sxd.code, "sxd_att": sxd.attachments[0].id, "sxd_id": sxd.id,
            "skhdt": skhdt.code, "skhdt_att": skhdt.attachments[0].id,
            "harassment": harassment.code, "harassment_att": harassment.attachments[0].id,
            "new": unrouted.code, "new_id": unrouted.id}


def _data(world: dict, url: str, token: str) -> dict:
    """Form data that would succeed if the user were allowed (so only permission stops it)."""
    data = {"csrf_token": token}
    if url.startswith("/inbox/"):
        code, action = url.split("/")[2], url.split("/")[-1]
        data.update({f"{action}-{name}": value for name, value in {
            "version": ticket(code).version, "body": "Nội dung trả lời",
            "legal_basis": "Luật Xây dựng", "reason": "Không thuộc thẩm quyền"}.items()})
    elif url.startswith("/triage/"):
        data.update({f"t{world['new_id']}-version": ticket(world["new"]).version,
                     f"t{world['new_id']}-agency_id": "1",
                     f"r{world['new_id']}-version": ticket(world["new"]).version,
                     f"r{world['new_id']}-reason": "Trùng lặp"})
    elif url == "/intake/new":
        data.update(submission(channel="hotline"))
    return data


def _state(world: dict) -> list[tuple]:
    return [(ticket(world[k]).status, ticket(world[k]).agency_id, len(events(world[k])))
            for k in ("sxd", "skhdt", "harassment", "new")]


def request(browser, world, method: str, url: str):
    url = url.format(**world)
    if method == "GET":
        return browser.get(url)
    token = page_token(browser, "/feedback/new")
    return browser.post(url, data=_data(world, url, token))


STAFF_PAGES = [
    ("GET", "/inbox"), ("GET", "/inbox/{sxd}"), ("GET", "/inbox/attachments/{sxd_att}"),
    ("GET", "/triage"), ("GET", "/intake/new"),
    *[("POST", f"/inbox/{{sxd}}/{action}") for action in ACTIONS],
    ("POST", "/triage/{new}/assign"), ("POST", "/triage/{new}/reject"),
    ("POST", "/intake/new"), ("POST", "/logout"),
]


@pytest.mark.parametrize("method,url", STAFF_PAGES)
def test_without_login_redirects_to_login(client, world, method, url):
    before = _state(world)
    response = request(client, world, method, url)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert _state(world) == before


WRONG_ROLE = [
    *[(role, "GET", "/inbox") for role in ("clerk", "analyst")],
    *[(role, "GET", "/inbox/{sxd}") for role in ("clerk", "analyst")],
    *[(role, "GET", "/inbox/attachments/{sxd_att}") for role in ("clerk", "analyst")],
    *[(role, "GET", "/triage") for role in ("clerk", "officer", "head", "inspector", "analyst")],
    *[(role, "POST", f"/triage/{{new}}/{verb}") for verb in ("assign", "reject")
      for role in ("clerk", "officer", "head", "inspector", "analyst")],
    *[(role, method, "/intake/new") for method in ("GET", "POST")
      for role in ("officer", "head", "inspector", "analyst")],
    # Clerks and analysts have no inbox; coordinators and admins read reports but the
    # agency holding the report does the work.
    *[(role, "POST", f"/inbox/{{sxd}}/{action}") for action in ACTIONS
      for role in ("clerk", "analyst", "coordinator", "admin")],
    # The inspectorate oversees harassment reports but does not answer them.
    *[("inspector", "POST", f"/inbox/{{harassment}}/{action}") for action in ACTIONS],
]


def _agency_for(role: str) -> str | None:
    return "TB-SXD" if role in ("officer", "head") else None


@pytest.mark.parametrize("role,method,url", WRONG_ROLE)
def test_wrong_role_is_forbidden(staff, world, role, method, url):
    browser = staff(role, _agency_for(role))
    before = _state(world)
    response = request(browser, world, method, url)
    assert response.status_code == 403
    assert "Access denied" in text(response)
    assert _state(world) == before


ACROSS = [
    *[(role, "GET", url) for role in ("officer", "head")
      for url in ("/inbox/{sxd}", "/inbox/attachments/{sxd_att}")],
    *[(role, "POST", f"/inbox/{{sxd}}/{action}") for role in ("officer", "head")
      for action in ACTIONS],
]


@pytest.mark.parametrize("role,method,url", ACROSS)
def test_another_agencys_report_is_not_found(staff, world, role, method, url):
    browser = staff(role, "TB-SKHDT")
    before = _state(world)
    response = request(browser, world, method, url)
    assert response.status_code == 404
    assert _state(world) == before


@pytest.mark.parametrize("role,url", [("officer", "/inbox/{harassment}"),
                                      ("officer", "/inbox/attachments/{harassment_att}"),
                                      ("officer", "/inbox/{harassment}/answer"),
                                      ("inspector", "/inbox/{sxd}"),
                                      ("inspector", "/inbox/attachments/{sxd_att}")])
def test_reports_outside_the_roles_remit_are_not_found(staff, world, role, url):
    browser = staff(role, _agency_for(role))
    before = _state(world)
    method = "POST" if url.endswith("/answer") else "GET"
    assert request(browser, world, method, url).status_code == 404
    assert _state(world) == before


def test_not_found_looks_the_same_as_a_missing_report(staff, world):
    browser = staff("officer", "TB-SKHDT")
    browser.get("/inbox")  # shows, and so clears, the "Signed in." message
    hidden = browser.get("/inbox/{sxd}".format(**world))
    missing = browser.get("/inbox/PA-1999-999999")
    assert hidden.status_code == missing.status_code == 404
    # Identical apart from the requested address (echoed in the language links) and the CSRF
    # token of the sign-out form, which carries the second it was made.
    def same(page: str, code: str) -> str:
        return re.sub(r'name="csrf_token" value="[^"]+"', "CSRF", page.replace(code, "X"))
    assert same(text(hidden), world["sxd"]) == same(text(missing), "PA-1999-999999")
    assert ticket(world["sxd"]).subject not in text(hidden)


def test_other_agencys_reports_are_not_listed(staff, world):
    page = text(staff("head", "TB-SKHDT").get("/inbox"))
    assert world["skhdt"] in page
    assert world["sxd"] not in page and world["harassment"] not in page


@pytest.mark.parametrize("role,agency,method,url,status", [
    ("officer", "TB-SXD", "GET", "/inbox/{sxd}", 200),
    ("officer", "TB-SXD", "GET", "/inbox/attachments/{sxd_att}", 200),
    ("officer", "TB-SXD", "POST", "/inbox/{sxd}/note", 302),
    ("head", "TB-SXD", "GET", "/inbox/{harassment}", 200),
    ("head", "TB-SXD", "POST", "/inbox/{harassment}/acknowledge", 302),
    ("inspector", None, "GET", "/inbox/attachments/{harassment_att}", 200),
    ("coordinator", None, "GET", "/inbox/{skhdt}", 200),
    ("coordinator", None, "POST", "/triage/{new}/reject", 302),
    ("admin", None, "GET", "/triage", 200),
    ("clerk", None, "GET", "/intake/new", 200),
])
def test_the_right_role_gets_in(staff, world, role, agency, method, url, status):
    """Controls for the denials above: the same requests succeed for the right person."""
    browser = staff(role, agency)
    before = _state(world)
    with request(browser, world, method, url) as response:
        assert response.status_code == status
    if method == "POST":  # and the action really happened
        assert _state(world) != before
