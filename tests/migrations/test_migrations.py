"""The migrations build exactly the schema the models describe, and undo it (STYLE §3.8).

Runs on the suite's database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), and
round-trips on a fresh database of the same kind.
"""
from __future__ import annotations

import os
from collections.abc import Iterator

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal import create_app
from portal.extensions import db as _db

FRESH_PG_DATABASE = f"portal_migrations_test_{os.getpid()}"  # concurrent runs never collide


def schema_diff(engine: sa.Engine) -> list:
    """What autogenerate would still write: [] when migrations and models agree."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, _db.metadata)


def table_names(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def test_suite_database_matches_the_models(db):
    assert schema_diff(db.engine) == []
    assert table_names(db.engine) == set(db.metadata.tables) | {"alembic_version"}


@pytest.fixture
def fresh_database_url(tmp_path) -> Iterator[str]:
    """An empty database nobody else uses: a new SQLite file or a new PostgreSQL database."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server = sa.engine.make_url(url)
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {FRESH_PG_DATABASE} WITH (FORCE)"))
            conn.execute(sa.text(f"CREATE DATABASE {FRESH_PG_DATABASE}"))
        yield server.set(database=FRESH_PG_DATABASE).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {FRESH_PG_DATABASE} WITH (FORCE)"))
    finally:
        admin.dispose()


def test_upgrade_downgrade_upgrade_on_a_fresh_database(app, fresh_database_url, tmp_path):
    # The limiter is one object shared by every app it is bound to: give the second app the
    # suite's settings so binding it does not change the rate limits of the tests that follow.
    limits = {k: v for k, v in app.config.items() if k.startswith("RATELIMIT_")}
    fresh = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                        "SQLALCHEMY_DATABASE_URI": fresh_database_url,
                        "UPLOAD_FOLDER": str(tmp_path / "uploads"), **limits})
    with fresh.app_context():
        try:
            assert table_names(_db.engine) == set()
            flask_migrate.upgrade()
            assert schema_diff(_db.engine) == []
            assert table_names(_db.engine) == set(_db.metadata.tables) | {"alembic_version"}

            flask_migrate.downgrade(revision="base")
            assert table_names(_db.engine) == {"alembic_version"}
            with _db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 0
                if conn.dialect.name == "postgresql":  # no sequence or type left behind
                    assert conn.execute(sa.text(
                        "SELECT count(*) FROM information_schema.sequences "
                        "WHERE sequence_schema = 'public'")).scalar() == 0
                    assert conn.execute(sa.text(
                        "SELECT count(*) FROM pg_type t JOIN pg_namespace n "
                        "ON n.oid = t.typnamespace WHERE n.nspname = 'public' "
                        "AND t.typtype = 'e'")).scalar() == 0

            flask_migrate.upgrade()
            assert schema_diff(_db.engine) == []
            with _db.engine.connect() as conn:
                head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            assert head is not None
        finally:
            _db.session.remove()
            _db.engine.dispose()
