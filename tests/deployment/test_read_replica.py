"""Read-only public pages read a replica when one is configured; everything else, and every
write, uses the primary (portal/replica.py, docs/deployment.md).

The "replica" here is a second database built by the migrations, whose copy of one agency has
another name, so each test can tell which database answered."""
from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import g

from portal import create_app
from portal.extensions import db as _db
from portal.models import Agency
from tests import factories

CODE = "HY-SXD"
REPLICA_NAME = "Sở Xây dựng (bản sao chỉ đọc)"


@pytest.fixture
def replica_url(app, tmp_path):
    url = f"sqlite:///{tmp_path / 'replica.db'}"
    builder = create_app({"TESTING": True, "SECRET_KEY": "replica", "SQLALCHEMY_DATABASE_URI": url,
                          "ROUTING_MODEL_DIR": app.config["ROUTING_MODEL_DIR"]})
    with builder.app_context():
        flask_migrate.upgrade()
        factories.load_directory()
        _db.session.execute(sa.update(Agency).where(Agency.code == CODE)
                            .values(name_vi=REPLICA_NAME))
        _db.session.commit()
        _db.engine.dispose()
    return url


@pytest.fixture
def replicated(app, database_url, replica_url, directory):
    """An app on the suite's database as the primary, with the replica configured."""
    made = create_app({
        **{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "UPLOAD_FOLDER",
                                      "ROUTING_MODEL_DIR", "RATELIMIT_TRACKING")},
        "SQLALCHEMY_DATABASE_URI": database_url, "READ_REPLICA_URL": replica_url})
    yield made
    with made.app_context():
        for engine in _db.engines.values():
            engine.dispose()


def _replica_name(replica_url: str) -> str:
    engine = sa.create_engine(replica_url)
    with engine.connect() as conn:
        name = conn.scalar(sa.text("SELECT name_vi FROM agencies WHERE code = :code"),
                           {"code": CODE})
    engine.dispose()
    return name


def test_marked_public_pages_read_the_replica(replicated):
    client = replicated.test_client()
    assert REPLICA_NAME in client.get(f"/agencies/{CODE}").get_data(as_text=True)
    agencies = client.get("/api/v1/agencies").get_json()
    assert REPLICA_NAME in {a["name_vi"] for a in agencies["items"]}


def test_without_a_replica_the_same_pages_read_the_primary(client, directory):
    assert REPLICA_NAME not in client.get(f"/agencies/{CODE}").get_data(as_text=True)


def test_unmarked_requests_and_every_write_use_the_primary(replicated, replica_url):
    select_name = sa.select(Agency.name_vi).where(Agency.code == CODE)
    with replicated.test_request_context("/"):
        agency = _db.session.scalar(sa.select(Agency).where(Agency.code == CODE))
        assert agency.name_vi != REPLICA_NAME  # an unmarked request: the primary

        g.read_replica = True  # what @read_only sets
        assert _db.session.scalar(select_name) == REPLICA_NAME  # reads: the replica
        agency.name_en = "Department of Construction (edited)"
        _db.session.flush()  # writes: the primary
        _db.session.execute(sa.update(Agency).where(Agency.code == CODE)
                            .values(hotline="0227 000 000"))
        _db.session.commit()
        g.read_replica = False
        written = _db.session.execute(sa.select(Agency.name_en, Agency.hotline)
                                      .where(Agency.code == CODE)).one()
    assert tuple(written) == ("Department of Construction (edited)", "0227 000 000")
    assert _replica_name(replica_url) == REPLICA_NAME
