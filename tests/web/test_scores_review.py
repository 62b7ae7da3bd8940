"""The staff pages of the scores: who may compute, review, flag, decide and publish; CSRF."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.models import FlagDecision, PublishedRanking, ReviewFlag, ScoreDraft
from tests import scoring_support as s
from tests.helpers import csrf_token
from tests.web.support import flashes, text, ticket


@pytest.fixture
def world(app, directory, make_user):
    reports = s.scored_world(app.config)
    analyst = make_user("analyst0", "analyst")
    draft = s.compute_draft(analyst)
    other = s.file_reports(app.config, s.SKHDT, 1)[0]  # counted for TB-SKHDT only
    db.session.commit()
    return {"draft": draft.id, "sxd": reports.reports[s.SXD][0].code,
            "harassment": reports.harassment.code, "skhdt": reports.reports[s.SKHDT][0].code,
            "late": other.code, "reports": reports}


def _state():
    db.session.expire_all()
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (ScoreDraft, ReviewFlag, PublishedRanking)] + [
        [(f.id, f.decision) for f in db.session.scalars(sa.select(ReviewFlag))]]


def _pending_flag(world, staff):
    officer = staff("officer", s.SXD)
    response = _flag(officer, world, world["sxd"])
    assert response.status_code == 302, response.status_code
    return db.session.scalar(sa.select(ReviewFlag.id))


def _flag(browser, world, code, kind="misrouted"):
    prefix = f"f{world['draft']}-{_ticket_id(code)}"
    return browser.post(f"/scores/review/{world['draft']}/{code}/flag", data={
        f"{prefix}-csrf_token": _token(browser), f"{prefix}-kind": kind,
        f"{prefix}-reason": "Hồ sơ thuộc thẩm quyền của Sở Tài nguyên và Môi trường"})


def _token(browser) -> str:
    """A CSRF token of this browser's session (any page with a form has one)."""
    return csrf_token(text(browser.get("/track")))


def _ticket_id(code):
    return ticket(code).id


def _decide(browser, flag_id, decision="accept"):
    return browser.post(f"/scores/flags/{flag_id}/decide", data={
        f"d{flag_id}-csrf_token": _token(browser), f"d{flag_id}-decision": decision,
        f"d{flag_id}-reason": "Đã đối chiếu hồ sơ"})


def _publish(browser, draft_id):
    return browser.post(f"/scores/admin/drafts/{draft_id}/publish",
                        data={"csrf_token": _token(browser)})


def _compute(browser, period="2025H1", review_ends="2025-07-30"):
    return browser.post("/scores/admin/drafts", data={
        "csrf_token": _token(browser), "period": period, "review_ends": review_ends})


# --- who may do what ---------------------------------------------------------------------------

PAGES = [("GET", "/scores/admin"), ("POST", "/scores/admin/drafts"),
         ("POST", "/scores/admin/drafts/{draft}/publish"), ("GET", "/scores/review"),
         ("POST", "/scores/review/{draft}/{sxd}/flag"), ("GET", "/scores/flags"),
         ("POST", "/scores/flags/{flag}/decide")]
ALLOWED = {"/scores/admin": {"analyst"}, "/scores/admin/drafts": {"analyst"},
           "/scores/admin/drafts/{draft}/publish": {"analyst"},
           "/scores/review": {"officer", "head"},
           "/scores/review/{draft}/{sxd}/flag": {"officer", "head"},
           "/scores/flags": {"coordinator"}, "/scores/flags/{flag}/decide": {"coordinator"}}
ROLES = ("analyst", "coordinator", "admin", "clerk", "inspector", "officer", "head")


def _post_data(url, world, flag_id, token):
    if url.endswith("/flag"):
        prefix = f"f{world['draft']}-{_ticket_id(world['sxd'])}"
        return {f"{prefix}-csrf_token": token, f"{prefix}-kind": "duplicate",
                f"{prefix}-reason": "Trùng với phản ánh khác"}
    if url.endswith("/decide"):
        return {f"d{flag_id}-csrf_token": token, f"d{flag_id}-decision": "accept",
                f"d{flag_id}-reason": "Đồng ý"}
    return {"csrf_token": token, "period": "2025H1", "review_ends": "2025-07-30"}


def _call(browser, method, url, world, flag_id):
    url = url.format(flag=flag_id, **world)
    if method == "GET":
        return browser.get(url)
    return browser.post(url, data=_post_data(url, world, flag_id, _token(browser)))


@pytest.mark.parametrize("method,url", PAGES)
def test_anonymous_is_sent_to_login(client, world, staff, method, url):
    flag_id = _pending_flag(world, staff)
    before = _state()
    response = _call(client, method, url, world, flag_id)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert _state() == before


@pytest.mark.parametrize("role,method,url", [(role, m, u) for m, u in PAGES for role in ROLES
                                             if role not in ALLOWED[u]])
def test_other_roles_are_forbidden(staff, world, role, method, url):
    flag_id = _pending_flag(world, staff)
    browser = staff(role, s.SXD if role in ("officer", "head") else None)
    before = _state()
    response = _call(browser, method, url, world, flag_id)
    assert response.status_code == 403, (role, url, response.status_code)
    assert _state() == before


@pytest.mark.parametrize("role", ["officer", "head"])
def test_staff_of_another_agency_neither_see_nor_flag_the_draft(staff, world, role):
    browser = staff(role, s.SKHDT)
    page = text(browser.get("/scores/review"))
    assert world["skhdt"] in page
    assert world["sxd"] not in page and world["harassment"] not in page
    before = _state()
    assert _flag(browser, world, world["sxd"]).status_code == 404
    assert _state() == before


def test_officers_do_not_see_or_flag_harassment_reports_but_heads_do(staff, world):
    officer, head = staff("officer", s.SXD), staff("head", s.SXD)
    assert world["harassment"] not in text(officer.get("/scores/review"))
    assert _flag(officer, world, world["harassment"]).status_code == 404
    page = text(head.get("/scores/review"))
    assert world["harassment"] in page
    assert "Đỗ Văn Giang" not in page  # the accused agency never sees who filed it
    assert _flag(head, world, world["harassment"]).status_code == 302


def test_a_report_not_counted_for_the_agency_cannot_be_flagged(staff, world):
    before = _state()
    response = _flag(staff("officer", s.SKHDT), world, world["late"])  # filed after the draft
    assert response.status_code == 404
    assert _state() == before


def test_the_review_shows_the_agencys_own_figures(staff, world):
    page = text(staff("officer", s.SXD).get("/scores/review"))
    assert "Counted reports: 13" in page
    assert world["sxd"] in page and world["skhdt"] not in page


# --- the whole round through the pages ----------------------------------------------------------

def test_flag_decide_publish_round(staff, world):
    officer, coordinator, analyst = staff("officer", s.SXD), staff("coordinator"), staff("analyst")
    assert _flag(officer, world, world["sxd"]).status_code == 302
    flag_id = db.session.scalar(sa.select(ReviewFlag.id))
    assert "Misrouted" in text(officer.get("/scores/review"))
    assert world["sxd"] in text(coordinator.get("/scores/flags"))
    clock.freeze(s.AFTER_REVIEW)
    assert _publish(analyst, world["draft"]).status_code == 302
    assert "not decided every flag" in " ".join(flashes(text(analyst.get("/scores/admin"))))
    assert _decide(coordinator, flag_id).status_code == 302
    db.session.expire_all()
    assert db.session.get(ReviewFlag, flag_id).decision == FlagDecision.accepted
    response = _publish(analyst, world["draft"])
    assert response.status_code == 302
    ranking = db.session.scalar(sa.select(PublishedRanking))
    assert ranking.version == 1 and len(ranking.excluded_pairs) == 1
    assert "/scores/2025H1" in text(analyst.get("/scores/admin"))


def test_the_analyst_computes_a_draft_from_the_page(staff, world):
    analyst = staff("analyst")
    clock.freeze(s.DRAFT_AT)
    assert _compute(analyst).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreDraft)) == 2
    assert _compute(analyst, period="2025H3").status_code == 302
    assert _compute(analyst, review_ends="2025-01-01").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScoreDraft)) == 2


def test_publishing_during_the_review_is_refused(staff, world):
    analyst = staff("analyst")
    before = _state()
    _publish(analyst, world["draft"])
    assert _state() == before


# --- CSRF --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,url", [("analyst", "/scores/admin/drafts"),
                                      ("analyst", "/scores/admin/drafts/{draft}/publish"),
                                      ("officer", "/scores/review/{draft}/{sxd}/flag"),
                                      ("coordinator", "/scores/flags/{flag}/decide")])
def test_posts_without_a_csrf_token_are_refused(staff, world, role, url):
    flag_id = _pending_flag(world, staff)
    clock.freeze(s.AFTER_REVIEW)
    browser = staff(role, s.SXD if role == "officer" else None)
    target = url.format(flag=flag_id, **world)
    data = {k: v for k, v in _post_data(target, world, flag_id, "x").items()
            if not k.endswith("csrf_token")}
    before = _state()
    assert browser.post(target, data=data).status_code == 400
    assert _state() == before
