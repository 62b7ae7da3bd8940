"""Inbox and triage pages with 1,000,000 reports on PostgreSQL: first page and a deep page.

    .venv/bin/python bench/bench_inbox.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_inbox
    .venv/bin/python bench/bench_inbox.py ... --explain      # also EXPLAIN (ANALYZE, BUFFERS) each query

Fills the database once (migrate, seed, `flask portal demo --bulk --reports N --seed S`) and
reuses it while it holds at least N reports (migrating it to the current head). Then, signed in
as the busiest agency's head and as the coordinator, requests /inbox and /triage through the
app (test client: query + rendering, no network) at the first page and at a deep page (a cursor
90% of the way down the list), and prints p50/p95 per case (target p95 < 50 ms).

The database given is EMPTIED when it holds fewer than N reports: use one of its own.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def flask(env: dict, *command: str) -> None:
    subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True)


def ensure_filled(url: str, reports: int, seed: int, env: dict) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        has_tickets = conn.execute(sa.text("SELECT to_regclass('public.tickets')")).scalar()
        count = conn.execute(sa.text("SELECT count(*) FROM tickets")).scalar() if has_tickets else 0
    if count >= reports:
        print(f"reusing {count:,} reports; migrating to the current head")
        flask(env, "db", "upgrade")
    else:
        print(f"filling {reports:,} reports (seed {seed}); this takes a while")
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        flask(env, "db", "upgrade")
        flask(env, "portal", "seed", "--demo")
        flask(env, "portal", "demo", "--bulk", "--reports", str(reports), "--seed", str(seed))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()


def signed_in(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": CSRF.search(page).group(1),
                                           "username": username, "password": "demo"})
    assert response.status_code == 302, f"cannot sign in as {username}"
    return client


def deep_token(query: sa.Select, fraction: float) -> tuple[str, int]:
    """The cursor of the row ``fraction`` of the way down the list (OFFSET once, to pick it)."""
    from portal.extensions import db
    from portal.models import Ticket
    from portal.tickets.queries import Cursor

    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    row = db.session.scalar(query.order_by(Ticket.priority.desc(), Ticket.answer_due, Ticket.id)
                            .offset(int(total * fraction)).limit(1))
    return (Cursor.of(row).token() if row else ""), total


def measure(client, url: str, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return sorted(timings)


def explain(app, client, url: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the page runs on the tickets table."""
    from portal.extensions import db

    seen: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

    def collect(conn, cursor, statement, parameters, context, executemany):
        if "FROM tickets" in statement:
            seen.append((statement, parameters))
    sa.event.listen(engine, "before_cursor_execute", collect)
    try:
        client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", collect)
    with engine.connect() as conn:
        for statement, parameters in seen:
            print(f"    -- {' '.join(statement.split())[:200]}")
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            for (line,) in plan:
                print(f"       {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_INBOX_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_inbox"))
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--as-is", action="store_true",
                        help="measure the database as it is: no fill, no migration")
    args = parser.parse_args()
    env = dict(os.environ, FLASK_APP="wsgi", PORTAL_DEMO_MODE="true",
               PORTAL_SQLALCHEMY_DATABASE_URI=args.pg_url)
    env.pop("DATABASE_URL", None)
    if not args.as_is:
        ensure_filled(args.pg_url, args.reports, args.seed, env)

    from portal import create_app
    from portal.extensions import db
    from portal.models import Agency, Ticket, User
    from portal.tickets import queries

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": args.pg_url,
                      "DEMO_MODE": True, "SESSION_COOKIE_SECURE": False,
                      "RATELIMIT_LOGIN": "1000 per minute"})
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load {load[0]:.2f} {load[1]:.2f}; {args.repeat} requests per case, page size "
          f"{app.config['INBOX_PAGE_SIZE']}")
    with app.app_context():
        busiest = db.session.execute(
            sa.select(Agency.code, sa.func.count()).join(Ticket, Ticket.agency_id == Agency.id)
            .group_by(Agency.code).order_by(sa.func.count().desc()).limit(1)).one()
        head = db.session.scalar(sa.select(User).where(User.username == f"head.{busiest[0].lower()}"))
        coordinator = db.session.scalar(sa.select(User).where(User.username == "coordinator"))
        cases = []
        for label, username, path, query in (
                (f"inbox {busiest[0]} (head)", head.username, "/inbox",
                 queries.inbox_query(head, queries.InboxFilter(), now=None)),
                ("inbox, every agency (coord.)", "coordinator", "/inbox",
                 queries.inbox_query(coordinator, queries.InboxFilter(), now=None)),
                ("triage (coordinator)", "coordinator", "/triage",
                 sa.select(Ticket).where(Ticket.status.in_(queries.TRIAGE_STATUSES)))):
            token, total = deep_token(query, 0.9)
            cases.append((label, username, path, token, total))
        db.session.remove()
    for label, username, path, token, total in cases:
        client = signed_in(app, username)
        for depth, url in (("first page", path), ("deep page ", f"{path}?after={token}")):
            timings = measure(client, url, args.repeat)
            p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
            print(f"{label:28} {depth} of {total:>9,}: p50 {statistics.median(timings):6.1f} ms, "
                  f"p95 {p95:6.1f} ms (target < 50)")
            if args.explain:
                explain(app, client, url)


if __name__ == "__main__":
    main()
