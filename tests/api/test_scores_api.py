"""GET /api/v1/scores/{period}: the published snapshot, public and rate limited."""
from __future__ import annotations

import json

import pytest

from portal.extensions import limiter
from tests import scoring_support as s

PROBLEM = "application/problem+json"


@pytest.fixture
def published(app, directory, make_user):
    return s.publish_two_periods(app.config, make_user("analyst0", "analyst"))[1]


def test_unpublished_and_malformed_periods_are_not_published(client, directory):
    for period in ("2025H1", "nonsense", "2025H9"):
        response = client.get(f"/api/v1/scores/{period}")
        assert response.status_code == 404
        assert response.mimetype == PROBLEM
        assert response.json["type"].endswith("/not-published")


def test_published_snapshot(client, published):
    body = client.get("/api/v1/scores/2025H1").json
    assert body["period"] == "2025H1" and body["version"] == 1
    assert body["method_version"] == published.method_version
    assert body["weights"] == published.weights and body["min_n"] == published.min_n
    assert body["input_pairs"] == published.input_pairs
    assert {a["code"] for a in body["agencies"]} >= {s.SXD, s.SKHDT}
    assert (s.figures_of(body, s.SXD)["composite"]
            == s.figures_of(published.figures, s.SXD)["composite"])
    raw = json.dumps(body, ensure_ascii=False)
    for identity in ("Nguyễn Thị Hoa", "hoa@example.vn", "Đỗ Văn Giang"):
        assert identity not in raw


def test_the_document_describes_the_snapshot(client, directory):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/scores/{period}"]["get"]
    assert set(operation["responses"]) == {"200", "404", "429"}
    assert "Scores" in spec["components"]["schemas"]


def test_the_endpoint_is_rate_limited(app, client, directory, monkeypatch):
    limiter.reset()
    monkeypatch.setitem(app.config, "RATELIMIT_TRACKING", "3 per minute")
    statuses = [client.get("/api/v1/scores/2025H1").status_code for _ in range(4)]
    limiter.reset()
    assert statuses == [404, 404, 404, 429]
