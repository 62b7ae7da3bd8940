"""Computing a period's scores over 1,000,000 reports, against one hand-written GROUP BY.

    .venv/bin/python bench/bench_scores.py --url postgresql+psycopg://postgres@127.0.0.1:5432/h_score_bench
    .venv/bin/python bench/bench_scores.py --url sqlite:////tmp/scores_bench.db
    ... --explain     # also print PostgreSQL's plan of each query

Data. The database is filled once and reused while it holds the target: migrate, seed the
directory, `portal.demo.bulk` writes BASE demo reports (seed 1, the demo's clock on 1/1/2026:
reports received in 2024 and 2025, with every kind of history), then the tickets and hold
segments (what the scores read) are copied COPIES times with new ids, the reports of 2024
moved one year later, so that the period 2025 holds about BASE/2 + COPIES × BASE reports.
The database given is EMPTIED when it does not hold them: use one of its own.

Timing. The median of --repeat runs after one warm-up, of
  * compute_period(PERIOD): everything a caller gets (SQL totals, agencies, the method), and
  * the reference: one hand-written SELECT ... GROUP BY agency over the raw inputs, reports
    joined to their holds, with the period filter (counts, on-time answers and
    acknowledgements, ratings, legal basis, reopenings, working days), fetched to Python, and
  * the same GROUP BY over hold_segments alone (the report's facts copied on each hold, which
    is what compute_period reads),
and prints both, the ratio, and the number of reports in the period. On PostgreSQL both run
with JIT off (compute_period turns it off for its transaction: compiling its expressions
costs more than the scan it would speed up). Targets (issue 5): under
1 s on PostgreSQL and at most 1.5x the reference; under 4 s on SQLite.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import HoldSegment, Ticket  # noqa: E402
from portal.scoring.compute import compute_period  # noqa: E402
from portal.scoring.periods import parse_period  # noqa: E402

DEMO_NOW = datetime(2026, 1, 1, 3, tzinfo=timezone.utc)
AS_OF = datetime(2026, 1, 15, tzinfo=timezone.utc)

# The indicators both hand-written queries sum; {harassment} is where each finds that fact.
_SUMS = """
SELECT s.agency_id, count(*) AS holds,
       sum(CASE WHEN {harassment} THEN 1 ELSE 0 END) AS harassment,
       sum(CASE WHEN s.acknowledged_at <= s.ack_due THEN 1 ELSE 0 END) AS acknowledged,
       sum(CASE WHEN s.outcome = 'answered' THEN 1 ELSE 0 END) AS answered,
       sum(CASE WHEN s.outcome = 'answered' AND s.on_time THEN 1 ELSE 0 END) AS on_time,
       sum(CASE WHEN s.cites_legal_basis THEN 1 ELSE 0 END) AS citing,
       sum(CASE WHEN s.rating IS NOT NULL THEN 1 ELSE 0 END) AS rated,
       sum(CASE WHEN s.rating >= 4 THEN 1 ELSE 0 END) AS rated_high,
       sum(CASE WHEN s.reopened_at IS NOT NULL THEN 1 ELSE 0 END) AS reopened,
       sum(s.answer_working_days) AS working_days
"""
# The raw inputs: the reports and the holds, joined as a hand-written query would.
REFERENCE = _SUMS.format(harassment="t.category = 'harassment'") + """\
FROM hold_segments s JOIN tickets t ON t.id = s.ticket_id
WHERE t.received_at >= :start AND t.received_at < :end AND t.status <> 'rejected'
GROUP BY s.agency_id
"""
# The same over hold_segments alone, reading the report's facts copied onto each hold (what
# compute_period reads).
REFERENCE_HOLDS = _SUMS.format(harassment="s.harassment") + """\
FROM hold_segments s
WHERE s.report_received_at >= :start AND s.report_received_at < :end AND NOT s.report_rejected
GROUP BY s.agency_id
"""


def _shifted(column: sa.Column, shift: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    """``column`` one year later where ``shift`` holds (timestamps only)."""
    if dialect == "postgresql":
        moved = column + sa.literal_column("interval '1 year'", sa.Interval)
    else:  # SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff': add one to the year, keep the rest
        moved = sa.func.printf("%04d", sa.cast(sa.func.substr(column, 1, 4), sa.Integer) + 1) \
            .op("||")(sa.func.substr(column, 5))
    return sa.case((shift, moved), else_=column)


def _copy(table: sa.Table, copy: int, offsets: dict[str, int], dialect: str) -> sa.Insert:
    """INSERT ... SELECT of ``table``'s base rows as copy number ``copy``; ``offsets``: the
    largest base id of each table."""
    tickets = Ticket.__table__
    base = table.alias("base")
    ticket = tickets.alias("ticket")
    ticket_key = base.c.id if table is tickets else base.c.ticket_id
    shift = ticket.c.received_at < sa.literal(datetime(2025, 1, 1, tzinfo=timezone.utc),
                                              Ticket.__table__.c.received_at.type)
    columns = []
    for column in table.columns:
        value = base.c[column.name]
        if column.name == "ticket_id" or (column.name == "id" and table is tickets):
            value = value + copy * offsets["tickets"]
        elif column.name == "id":
            value = value + copy * offsets[table.name]
        elif column.name == "code":
            value = value.op("||")(f"-{copy}")
        elif isinstance(column.type, sa.DateTime) or column.type.__class__.__name__ == "UTCDateTime":
            value = _shifted(value, shift, dialect)
        columns.append(value)
    select = (sa.select(*columns).select_from(base.join(ticket, ticket.c.id == ticket_key))
              .where(ticket_key <= offsets["tickets"]))
    return table.insert().from_select([c.name for c in table.columns], select)


def fill(app, base: int, copies: int) -> None:
    from portal.demo import bulk
    from tests.factories import load_directory

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade()
        load_directory()
        started = time.perf_counter()
        result = bulk.load(reports=base, seed=1, now=DEMO_NOW)
        db.session.commit()
        print(f"  demo bulk: {result.reports:,} reports in {time.perf_counter() - started:.0f} s")
        offsets = {"tickets": db.session.scalar(sa.select(sa.func.max(Ticket.id))),
                   "hold_segments": db.session.scalar(sa.select(sa.func.max(HoldSegment.id)))}
        dialect = engine.dialect.name
        started = time.perf_counter()
        for copy in range(1, copies + 1):  # the holds' copy of received_at moves with them
            for table in (Ticket.__table__, HoldSegment.__table__):
                db.session.execute(_copy(table, copy, offsets, dialect))
            db.session.commit()
        print(f"  {copies} copies in {time.perf_counter() - started:.0f} s")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE"))


def reports_in(period) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
        Ticket.received_at >= period.starts_at, Ticket.received_at < period.ends_before))


def timed(run, repeat: int) -> tuple[float, list[float]]:
    run()  # warm-up: caches, plans
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def explain(sql: str, params: dict) -> None:
    for line in db.session.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS) " + sql), params):
        print("   ", line[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a database of its own (it may be emptied)")
    parser.add_argument("--base", type=int, default=100_000)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--period", default="2025")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": "bench",
                      "DEMO_MODE": True, "TESTING": True})
    period = parse_period(args.period)
    target = args.copies * args.base
    with app.app_context():
        try:
            held = reports_in(period)
        except sa.exc.DatabaseError:
            held = 0
        db.session.rollback()
    if held < target:
        print(f"filling: {args.base:,} demo reports, then {args.copies} copies (slow, once)")
        fill(app, args.base, args.copies)
    with app.app_context():
        flask_migrate.upgrade()
        held = reports_in(period)
        params = {"start": period.starts_at, "end": period.ends_before}
        if db.engine.dialect.name == "sqlite":  # stored as naive UTC text
            params = {k: v.replace(tzinfo=None).isoformat(sep=" ") for k, v in params.items()}
        scores = compute_period(db.session, period, as_of=AS_OF)
        counted = sum(a.n for a in scores.agencies)
        compute_s, compute_all = timed(lambda: compute_period(db.session, period, as_of=AS_OF),
                                       args.repeat)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("SET LOCAL jit = off"))  # as compute_period does
        reference_s, reference_all = timed(
            lambda: db.session.execute(sa.text(REFERENCE), params).all(), args.repeat)
        holds_s, holds_all = timed(
            lambda: db.session.execute(sa.text(REFERENCE_HOLDS), params).all(), args.repeat)
        if args.explain and db.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql
            from portal.scoring import facts
            for query in facts.agency_totals(period, as_of=AS_OF):
                explain(str(query.compile(dialect=postgresql.dialect(),
                                          compile_kwargs={"literal_binds": True})), {})
            explain(REFERENCE, params)
            explain(REFERENCE_HOLDS, params)
        print(f"{db.engine.dialect.name}: period {period.code}, {held:,} reports received, "
              f"{counted:,} counted report-agency pairs, {len(scores.agencies)} agencies")
        print(f"  compute_period   median {compute_s:.3f} s  "
              f"(runs: {', '.join(f'{t:.3f}' for t in compute_all)})")
        print(f"  reference GROUP BY median {reference_s:.3f} s  "
              f"(runs: {', '.join(f'{t:.3f}' for t in reference_all)})")
        print(f"  same GROUP BY over hold_segments alone median {holds_s:.3f} s  "
              f"(runs: {', '.join(f'{t:.3f}' for t in holds_all)})")
        print(f"  ratio to the reference {compute_s / reference_s:.2f}, "
              f"to the hold_segments GROUP BY {compute_s / holds_s:.2f}")


if __name__ == "__main__":
    main()
