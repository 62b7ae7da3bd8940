"""/admin/scoring: the administrator sets the component weights and the minimum n (issue 5)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry
from portal.scoring.method import DEFAULT_WEIGHTS
from portal.scoring.settings import load_settings
from tests.helpers import csrf_token, page_token
from tests.web.support import error_summary, flashes, input_value

WEIGHTS = ("time", "integrity", "satisfaction", "transparency", "accountability")


def form_data(page: str, **changes: str) -> dict:
    data = {name: input_value(page, name) for name in (*WEIGHTS, "min_n")}
    return {"csrf_token": csrf_token(page), **data, **changes}


@pytest.mark.parametrize("role", ["coordinator", "clerk", "officer", "head", "inspector",
                                  "analyst"])
def test_only_administrators_reach_the_scoring_settings(staff, directory, role):
    browser = staff(role, "TB-SKHDT" if role in ("officer", "head") else None)
    assert browser.get("/admin/scoring").status_code == 403
    assert browser.post("/admin/scoring", data={"min_n": "1"}).status_code in (400, 403)
    assert load_settings(db.session).min_n == 10


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/scoring")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_administrator_changes_weights_and_minimum(staff):
    admin = staff("admin")
    page = admin.get("/admin/scoring").get_data(as_text=True)
    assert [input_value(page, n) for n in WEIGHTS] == [str(int(DEFAULT_WEIGHTS[n])) for n in WEIGHTS]
    assert input_value(page, "min_n") == "10"
    response = admin.post("/admin/scoring", data=form_data(page, time="50", accountability="0",
                                                           min_n="5"))
    assert response.status_code == 302
    settings = load_settings(db.session)
    assert settings.min_n == 5
    assert settings.weights == {"time": 50.0, "integrity": 20.0, "satisfaction": 20.0,
                                "transparency": 15.0, "accountability": 0.0}
    assert flashes(admin.get("/admin/scoring").get_data(as_text=True))
    entry = db.session.scalars(sa.select(AuditEntry)
                               .where(AuditEntry.action == "scoring.settings_saved")).one()
    assert entry.detail["min_n"] == 5 and entry.detail["weights"]["time"] == 50.0
    assert entry.actor.role.value == "admin"


@pytest.mark.parametrize("changes,message", [
    ({"min_n": "0"}, "Enter a number from 1 to 1000."),
    ({"min_n": "ten"}, "Enter a whole number."),
    ({"time": "101"}, "Enter a weight from 0 to 100."),
    ({"integrity": "-1"}, "Enter a weight from 0 to 100."),
    ({"satisfaction": ""}, "Enter a weight."),
    (dict.fromkeys(WEIGHTS, "0"), "At least one weight must be above 0."),
])
def test_invalid_settings_are_refused_with_a_message(staff, changes, message):
    admin = staff("admin")
    page = admin.get("/admin/scoring").get_data(as_text=True)
    response = admin.post("/admin/scoring", data=form_data(page, **changes))
    assert response.status_code == 422
    assert message in error_summary(response.get_data(as_text=True))
    assert load_settings(db.session).min_n == 10


def test_a_post_without_the_csrf_token_is_refused(staff):
    admin = staff("admin")
    page = admin.get("/admin/scoring").get_data(as_text=True)
    data = form_data(page, min_n="3")
    del data["csrf_token"]
    assert admin.post("/admin/scoring", data=data).status_code in (400, 422)
    assert load_settings(db.session).min_n == 10


def test_the_page_speaks_vietnamese_by_default(staff):
    admin = staff("admin")
    page_token(admin, "/admin/scoring?lang=vi")
    assert "Trọng số" in admin.get("/admin/scoring").get_data(as_text=True)
