"""Fixtures for the web suite: isolated test clients and signed-in staff."""
from __future__ import annotations

import itertools
from functools import lru_cache

import pytest
from werkzeug.security import generate_password_hash

from portal import clock
from portal.accounts.users import ensure_user
from portal.directory import loader
from portal.models import Role
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import login


@pytest.fixture
def new_client(app, db):
    """A fresh browser. English by default so assertions do not depend on the vi catalogue."""
    def make(lang: str | None = "en"):
        browser = app.test_client()  # an IsolatedClient (tests/conftest.py)
        if lang:
            assert browser.get(f"/?lang={lang}").status_code == 200
        return browser
    return make


@pytest.fixture
def client(new_client):
    return new_client()


@lru_cache(maxsize=1)
def _directory_records():
    return loader.shipped_data()


@pytest.fixture
def directory(db):
    """The shipped directory through the real loader; the YAML is parsed once per session."""
    result = loader.load_data(_directory_records())
    db.session.commit()
    return result


@lru_cache(maxsize=1)
def _cheap_hash() -> str:
    # Staff fixtures sign in hundreds of times; test_auth covers the default (scrypt) hash.
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


@pytest.fixture
def staff(new_client, db):
    """Create a user with ``role`` (and agency) and return a browser signed in as them."""
    numbers = itertools.count(1)

    def make(role: str, agency_code: str | None = None):
        username = f"{role}{next(numbers)}"
        ensure_user(username, role=Role(role), full_name=f"Test {username}",
                    password_hash=_cheap_hash(), now=clock.now_utc(),
                    agency=factories.agency(agency_code) if agency_code else None)
        db.session.commit()
        browser = new_client()
        response = login(browser, username, PASSWORD)
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser
    return make
