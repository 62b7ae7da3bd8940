"""Staff issue, use and revoke API tokens in the web UI (issue 6)."""
from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ApiToken
from tests.helpers import csrf_token, page_token
from tests.web.support import text

SECRET = re.compile(r'id="token-secret">(pat_[^<]+)<')


def _create(browser, label="LGSP tỉnh"):
    token = page_token(browser, "/account/tokens")
    response = browser.post("/account/tokens", data={"csrf_token": token, "label": label})
    assert response.status_code == 302
    page = text(browser.get("/account/tokens"))
    return SECRET.search(page).group(1), page


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(staff, directory):
    officer = staff("officer", "TB-SXD")
    secret, page = _create(officer)
    assert "LGSP tỉnh" in page
    assert SECRET.search(text(officer.get("/account/tokens"))) is None  # gone on reload
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.token_hash != secret and secret not in stored.token_hash


def test_the_token_works_on_the_api_until_revoked(staff, directory, client):
    officer = staff("officer", "TB-SXD")
    secret, page = _create(officer)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/staff/reports", headers=headers).status_code == 200
    token_id = db.session.scalar(sa.select(ApiToken.id))
    revoke = officer.post(f"/account/tokens/{token_id}/revoke",
                          data={f"t{token_id}-csrf_token": csrf_token(page)})
    assert revoke.status_code == 302
    assert client.get("/api/v1/staff/reports", headers=headers).status_code == 401
    assert "Revoked" in text(officer.get("/account/tokens"))


def test_nobody_revokes_someone_elses_token(staff, directory):
    owner, other = staff("officer", "TB-SXD"), staff("head", "TB-SXD")
    _create(owner)
    token_id = db.session.scalar(sa.select(ApiToken.id))
    page = text(other.get("/account/tokens"))
    response = other.post(f"/account/tokens/{token_id}/revoke",
                          data={f"t{token_id}-csrf_token": csrf_token(page)})
    assert response.status_code == 404
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is None


def test_tokens_need_a_login_a_name_and_csrf(client, staff, directory):
    assert client.get("/account/tokens").status_code == 302
    officer = staff("officer", "TB-SXD")
    token = page_token(officer, "/account/tokens")
    assert officer.post("/account/tokens", data={"csrf_token": token, "label": ""}).status_code == 422
    assert officer.post("/account/tokens", data={"label": "no csrf"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
