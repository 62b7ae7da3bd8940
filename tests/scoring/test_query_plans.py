"""The plans the score queries rely on for speed (bench/bench_scores.py times them; these tests
only check the shape, so they fail when an index stops serving its query)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models.hold import REPEAT_HOLD_COLUMNS
from portal.scoring import facts
from portal.scoring.periods import parse_period

AS_OF = datetime(2026, 1, 15, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def database(db):
    return db


def _repeated_query() -> sa.Select:
    single, repeated = facts.agency_totals(parse_period("2025"), as_of=AS_OF)
    return repeated


def _plan(query: sa.Select, prefix: str) -> str:
    compiled = query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(sa.text(f"{prefix} {compiled}"))
    return "\n".join(" ".join(str(value) for value in row) for row in rows)


def test_repeated_holds_are_read_from_their_index_alone():
    """The pairs held more than once are read from the partial index. On PostgreSQL that is an
    index-only scan, which the planner can only choose if the index includes each column the
    query reads (REPEAT_HOLD_COLUMNS); the test table is tiny, so scans of the table are off."""
    if db.engine.dialect.name == "postgresql":
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            db.session.execute(sa.text(f"SET LOCAL {setting} = off"))
        plan = _plan(_repeated_query(), "EXPLAIN")
        assert "Index Only Scan using ix_hold_segments_repeat_received_at" in plan, plan
        # The migration built what the model declares (the migrations' own check compares
        # index columns, not INCLUDE lists).
        indexes = {i["name"]: i for i in sa.inspect(db.engine).get_indexes("hold_segments")}
        index = indexes["ix_hold_segments_repeat_received_at"]
        assert index["dialect_options"]["postgresql_include"] == list(REPEAT_HOLD_COLUMNS)
    else:
        plan = _plan(_repeated_query(), "EXPLAIN QUERY PLAN")
        assert "USING INDEX ix_hold_segments_repeat_received_at" in plan, plan


def test_single_holds_are_one_scan_without_the_repeated_index():
    """The single holds are one pass: the partial index (repeated holds only) cannot serve it."""
    single, _ = facts.agency_totals(parse_period("2025"), as_of=AS_OF)
    prefix = "EXPLAIN" if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
    assert "ix_hold_segments_repeat_received_at" not in _plan(single, prefix)

