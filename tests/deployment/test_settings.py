"""Settings that several hosts behind a proxy depend on (docs/deployment.md)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import create_app, prefork
from portal.extensions import db as _db, limiter
from tests.helpers import page_token


def test_the_redis_url_variable_reaches_the_limits_and_the_queue(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "x" * 32)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/7")
    monkeypatch.delenv("PORTAL_REDIS_URL", raising=False)
    monkeypatch.delenv("PORTAL_RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app()
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6379/7"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/7"


@pytest.fixture
def proxied(app, database_url):
    """A second app on the suite's database, behind one proxy, with a tight tracking limit."""
    made = []

    def make(proxies: int):
        limiter.reset()
        made.append(create_app({
            **{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "UPLOAD_FOLDER",
                                          "ROUTING_MODEL_DIR", "RATELIMIT_LOGIN",
                                          "RATELIMIT_FILING", "RATELIMIT_TRACKING_PER_CODE")},
            "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_TRACKING": "2 per minute",
            "TRUSTED_PROXIES": proxies}))
        return made[-1]
    yield make
    limiter.reset()
    for other in made:
        with other.app_context():
            _db.engine.dispose()


def _failed_lookups(app, client_address: str, count: int) -> list[int]:
    statuses = []
    for _ in range(count):
        browser = app.test_client()
        browser.environ_base.update(REMOTE_ADDR="10.0.0.1",  # the proxy
                                    HTTP_X_FORWARDED_FOR=client_address)
        token = page_token(browser, "/track")
        statuses.append(browser.post("/track", data={
            "csrf_token": token, "code": "PA-2024-000001", "receipt": "AAAAA-AAAAA-AAAAA-AAAAA"}
        ).status_code)
    return statuses


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(proxied, db):
    app = proxied(1)
    assert _failed_lookups(app, "203.0.113.5", 3) == [422, 422, 429]
    assert _failed_lookups(app, "203.0.113.6", 1) == [422]  # another client, its own limit


def test_without_a_trusted_proxy_the_header_is_ignored(proxied, db):
    """Nobody can dodge the limits by sending their own X-Forwarded-For."""
    app = proxied(0)
    assert _failed_lookups(app, "203.0.113.5", 2) == [422, 422]
    assert _failed_lookups(app, "203.0.113.6", 1) == [429]


def test_sqlite_runs_in_write_ahead_log_mode(tmp_path):
    """Several gunicorn workers share the embedded SQLite file: readers must not wait on a writer."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}"})
    with app.app_context():
        with _db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        _db.engine.dispose()


def test_prefork_warming_compiles_every_template_without_touching_the_database(app):
    app.jinja_env.cache.clear()
    connections = []
    with app.app_context():
        listener = lambda *args: connections.append(args)  # noqa: E731
        sa.event.listen(_db.engine, "engine_connect", listener)
        try:
            prefork.warm(app)
        finally:
            sa.event.remove(_db.engine, "engine_connect", listener)
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    assert set(app.jinja_env.list_templates()) <= cached
    assert connections == []
