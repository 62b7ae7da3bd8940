"""Public endpoints are rate limited per client (denial paths)."""
import pytest

from portal.extensions import limiter
from tests.helpers import page_token


@pytest.fixture
def low_limits(app, monkeypatch):
    limiter.reset()
    for key in ("RATELIMIT_FILING", "RATELIMIT_TRACKING", "RATELIMIT_LOGIN"):
        monkeypatch.setitem(app.config, key, "3 per minute")
    yield
    limiter.reset()


@pytest.mark.parametrize("url,data", [
    ("/track", {"code": "PA-2026-000001", "receipt": "AAAAA-BBBBB-CCCCC-DDDDD"}),
    ("/login", {"username": "nobody", "password": "wrong"}),
    ("/feedback/new", {"category": "delay", "subject": "", "description": ""}),
])
def test_fourth_post_in_a_minute_is_refused(client, directory, low_limits, url, data):
    token = page_token(client, url)
    statuses = [client.post(url, data={**data, "csrf_token": token}).status_code for _ in range(4)]
    assert statuses[:3] == [422, 422, 422]
    assert statuses[3] == 429


def test_reading_pages_is_not_limited(client, low_limits):
    assert all(client.get("/track").status_code == 200 for _ in range(6))


def test_limit_page_explains_what_to_do(client, low_limits):
    token = page_token(client, "/track?lang=en")
    for _ in range(4):
        response = client.post("/track", data={"csrf_token": token, "code": "x", "receipt": "y"})
    assert response.status_code == 429
    assert "Wait a few minutes and try again." in response.get_data(as_text=True)
