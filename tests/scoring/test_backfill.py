"""The scores migration fills the new hold-segment facts of existing reports exactly as the
workflow now records them: build reports at head, drop the facts (downgrade one step),
upgrade again and compare."""
from __future__ import annotations

import flask_migrate
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db as _db
from portal.models import AgencyGroup, HoldSegment, Role
from tests import factories
from tests.migrations.test_migrations import fresh_database_url  # noqa: F401 (fixture)
from portal.tickets import workflow
from tests.scoring.story import WORKING_DAY, Story, at, head, live, make_agency
from tests.scoring.test_worked_example import STORIES

SCORES_REVISION = "2f56294137fd"
FACTS = ("counted_from", "answer_working_days", "cites_legal_basis", "rating", "reopened_at",
         "repeat_hold", "report_received_at", "harassment", "report_rejected", "paused")


def facts() -> list[tuple]:
    columns = [HoldSegment.id, *[getattr(HoldSegment, name) for name in FACTS]]
    return [tuple(row) for row in _db.session.execute(sa.select(*columns).order_by(HoldSegment.id))]


def test_the_migration_backfills_what_the_workflow_records(app, fresh_database_url, tmp_path):  # noqa: F811
    limits = {k: v for k, v in app.config.items() if k.startswith("RATELIMIT_")}
    fresh = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DEMO_MODE": True,
                        "SQLALCHEMY_DATABASE_URI": fresh_database_url, "ROUTING_ENABLED": False,
                        "UPLOAD_FOLDER": str(tmp_path / "uploads"), **limits})
    with fresh.app_context():
        try:
            flask_migrate.upgrade()
            coordinator = factories.make_user("coord", Role.coordinator)
            for (code, group), stories in STORIES.items():
                agency = make_agency(code, group)
                for story in stories:
                    live(fresh.config, agency, story)
            g = make_agency("G", AgencyGroup.local)
            waiting, rejected = (live(fresh.config, g, Story(answer=None)) for _ in range(2))
            workflow.request_info(waiting, "Cần bổ sung hồ sơ", actor=head(g),
                                  now=at(WORKING_DAY[2], 9), expected_version=None)
            workflow.transfer(rejected, "Ngoài phạm vi", actor=head(g), now=at(WORKING_DAY[2], 9),
                              expected_version=None)
            workflow.reject(rejected, "Ngoài phạm vi", actor=coordinator,
                            now=at(WORKING_DAY[2], 10), expected_version=None)
            _db.session.commit()
            recorded = facts()
            # A reopening, a report waiting on the reporter and a rejected one are among them.
            assert any(row[5] is not None for row in recorded)
            assert any(row[10] for row in recorded) and any(row[9] for row in recorded)
            _db.session.remove()
            flask_migrate.downgrade(revision=f"{SCORES_REVISION}-1")
            columns = {c["name"] for c in sa.inspect(_db.engine).get_columns("hold_segments")}
            assert not columns & set(FACTS)
            flask_migrate.upgrade()
            assert facts() == recorded
        finally:
            _db.session.remove()
            _db.engine.dispose()
