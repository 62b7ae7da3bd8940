"""Fixtures shared by the whole suite: one app per session on SQLite or PostgreSQL.

TEST_DATABASE_URL selects PostgreSQL; without it a temporary SQLite file is used (a file, not
:memory:, so the live server of the browser tests sees the same committed data).
"""
from __future__ import annotations

import os
from pathlib import Path
import smtplib

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from portal import clock, create_app
from portal.extensions import db as _db
from portal.routing import models_cache
from tests import factories
from tests.smtp import SmtpSink


ROUTING_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "routing"


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The ``db`` fixture keeps an app context pushed for the whole test. Without a fresh context a
    request would reuse it, and with it ``flask.g`` and the database session: Flask-Login's
    cached user and Flask-WTF's CSRF token would leak from one client (browser) to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _reset_database(url: str) -> None:
    """Start from an empty database so the migrations build every table."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")), "DEMO_MODE": True,
        # Limits stay on (tests/web/test_rate_limits.py lowers them); high enough for the suite.
        "RATELIMIT_FILING": "10000 per minute", "RATELIMIT_TRACKING": "10000 per minute",
        "RATELIMIT_LOGIN": "10000 per minute", "RATELIMIT_TRACKING_PER_CODE": "10000 per minute",
        # Reports without an agency stay in triage unless a routing test turns this on.
        "ROUTING_AUTO_ASSIGN": False,
        # Shared between test sessions: the model is keyed by the corpus hash, so a changed
        # corpus retrains and an unchanged one loads in a fraction of a second.
        "ROUTING_MODEL_DIR": str(ROUTING_CACHE),
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        flask_migrate.upgrade()
    # Train (or load) the routing model up front, so no test or live server waits on it.
    models_cache.current_model(app.config)
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, emptied after each test (tests and live servers really commit)."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        for table in reversed(_db.metadata.sorted_tables):
            _db.session.execute(table.delete())
        _db.session.commit()
        _db.session.remove()
    clock.freeze(None)


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def directory(db):
    """The shipped directory (agencies and procedures), loaded through the real loader."""
    return factories.load_directory()


@pytest.fixture
def make_user(db):
    return factories.make_user


@pytest.fixture
def make_ticket(db, app):
    def make(**kwargs):
        return factories.make_ticket(app.config, **kwargs)
    return make


@pytest.fixture(autouse=True)
def mail_guard(request, monkeypatch):
    """No test reaches a mail server (STYLE §3.9): mail is logged, and SMTP connections fail,
    unless the test asks for ``smtp_server``, which switches the app to that local server."""
    if "smtp_server" in request.fixturenames:
        return

    def refuse(self, host="localhost", port=0, source_address=None):
        raise AssertionError(f"a test tried to reach a mail server at {host}:{port}; "
                             "use the smtp_server fixture")
    monkeypatch.setattr(smtplib.SMTP, "connect", refuse)
    if "app" in request.fixturenames:
        monkeypatch.setitem(request.getfixturevalue("app").config, "MAIL_BACKEND", "log")


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on 127.0.0.1 (aiosmtpd); the app sends its mail there."""
    server = SmtpSink().start()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", server.host)
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    yield server
    server.stop()
