"""`flask portal demo --bulk`: consistent rows, unique codes, later filings, the safety rule."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.accounts.demo import load_demo_accounts
from portal.deadlines.working_days import (WorkCalendar, add_working_days, deadline,
                                           working_days_between)
from portal.demo.calendar import WorkdayIndex, at_local
from portal.extensions import db
from portal.scoring.compute import compute_period
from portal.scoring.inputs import input_rows
from portal.scoring.periods import parse_period
from portal.models import (EventKind, HoldSegment, Rating, Status, Ticket, TicketEvent,
                           TrackingCounter)
from tests import demo_checks, factories

NOW = datetime(2025, 6, 20, 3, 0, tzinfo=timezone.utc)  # the 2023 directory is valid until 30/6


@pytest.fixture
def demo_world(directory):
    clock.freeze(NOW)
    load_demo_accounts(now=NOW)
    db.session.commit()


def _counts() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Ticket, HoldSegment, TicketEvent, Rating)}


def _bulk(runner, reports: int, seed: int = 1):
    return runner.invoke(args=["portal", "demo", "--bulk", "--reports", str(reports),
                               "--seed", str(seed)])


def _wipe_reports() -> None:
    for table in ("audit_entries", "ratings", "ticket_events", "hold_segments", "tickets",
                  "tracking_counters"):
        db.session.execute(sa.text(f"DELETE FROM {table}"))
    db.session.commit()


def test_bulk_rows_are_a_valid_history(runner, demo_world):
    # A seed whose draw leaves some open reports overdue with the shipped (2023 + 2025) directory.
    result = runner.invoke(args=["portal", "demo", "--bulk", "--reports", "400", "--seed", "3"])
    assert result.exit_code == 0, result.output
    counts = _counts()
    assert counts["tickets"] == 400
    assert f"bulk: 400 reports, {counts['hold_segments']} hold segments, " \
           f"{counts['ticket_events']} events, {counts['ratings']} ratings" in result.output
    assert "reports/s" in result.output
    db.session.expire_all()
    assert demo_checks.problems(NOW) == []
    statuses = set(db.session.scalars(sa.select(Ticket.status)))
    assert {Status.closed, Status.answered, Status.acknowledged, Status.rejected} <= statuses
    kinds = set(db.session.scalars(sa.select(TicketEvent.kind)))
    assert {EventKind.transferred, EventKind.reopened, EventKind.escalated, EventKind.rated,
            EventKind.extended, EventKind.info_requested} <= kinds
    overdue = db.session.scalar(sa.select(sa.func.count()).select_from(Ticket).where(
        Ticket.status.in_([Status.assigned, Status.acknowledged]), Ticket.answer_due < NOW))
    assert overdue > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)
                             .where(Ticket.category == "harassment")) > 0


def test_bulk_reports_fall_in_the_window_and_on_valid_agencies(runner, demo_world):
    assert runner.invoke(args=["portal", "demo", "--bulk", "--reports", "300"]).exit_code == 0
    rows = db.session.execute(sa.text(
        "SELECT t.received_at, a.valid_from, a.valid_to, a.\"group\" FROM hold_segments s "
        "JOIN tickets t ON t.id = s.ticket_id JOIN agencies a ON a.id = s.agency_id")).all()
    assert rows
    for received_at, valid_from, valid_to, group in rows:
        day = clock.to_local(received_at if isinstance(received_at, datetime)
                             else datetime.fromisoformat(received_at)).date()
        assert date(2023, 1, 1) <= day < NOW.date()
        assert str(valid_from) <= str(day) <= str(valid_to or "9999")
        assert group != "none"


def test_bulk_is_deterministic_for_a_seed(runner, demo_world):
    def snapshot():
        return db.session.execute(sa.select(Ticket.code, Ticket.status, Ticket.agency_id,
                                            Ticket.answer_due).order_by(Ticket.id)).all()
    assert _bulk(runner, 150, 3).exit_code == 0
    first, counts = snapshot(), _counts()
    _wipe_reports()
    assert _bulk(runner, 150, 3).exit_code == 0
    assert snapshot() == first and _counts() == counts
    _wipe_reports()
    assert _bulk(runner, 150, 4).exit_code == 0
    assert snapshot() != first


def test_a_real_filing_after_bulk_gets_the_next_code(app, runner, demo_world):
    assert runner.invoke(args=["portal", "demo", "--bulk", "--reports", "200"]).exit_code == 0
    last = db.session.scalar(sa.select(Ticket.code).where(Ticket.code.like("PA-2025-%"))
                             .order_by(Ticket.code.desc()).limit(1))
    ticket, _receipt = factories.make_ticket(app.config, agency_code="TB-SKHDT", now=NOW)
    assert ticket.code == f"PA-2025-{int(last.rsplit('-', 1)[1]) + 1:06d}"
    assert db.session.get(TrackingCounter, 2025).value == int(ticket.code.rsplit("-", 1)[1])
    # Ids continue after the bulk rows (PostgreSQL sequences were moved past them).
    assert ticket.id == 201


def test_bulk_appends_to_existing_reports(runner, demo_world):
    assert runner.invoke(args=["portal", "demo", "--bulk", "--reports", "100"]).exit_code == 0
    assert _bulk(runner, 100, 2).exit_code == 0
    assert _counts()["tickets"] == 200
    assert demo_checks.problems(NOW) == []


def test_refuses_a_database_with_reports_outside_demo_mode(app, runner, demo_world, monkeypatch):
    factories.make_ticket(app.config, agency_code="TB-SKHDT", now=NOW)
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["portal", "demo", "--bulk", "--reports", "10"])
    assert result.exit_code == 1
    assert "already holds reports" in result.output
    assert _counts()["tickets"] == 1


def test_refuses_a_database_with_real_accounts_outside_demo_mode(app, runner, directory,
                                                                  monkeypatch):
    factories.make_user("alice", "coordinator")
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["portal", "demo", "--bulk", "--reports", "10"])
    assert result.exit_code == 1 and "real (non-demo) accounts" in result.output
    assert _counts()["tickets"] == 0


def test_a_scratch_database_takes_bulk_data_outside_demo_mode(app, runner, directory,
                                                              monkeypatch):
    clock.freeze(NOW)
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["portal", "demo", "--bulk", "--reports", "50"])
    assert result.exit_code == 0, result.output
    assert _counts()["tickets"] == 50


def test_refuses_without_a_directory(runner, db):
    result = runner.invoke(args=["portal", "demo", "--bulk", "--reports", "10"])
    assert result.exit_code == 1 and "portal seed" in result.output


def test_workday_index_agrees_with_the_legal_clock():
    calendar = WorkCalendar({date(2025, 1, 2): False, date(2025, 2, 8): True})
    index = WorkdayIndex(date(2024, 12, 1), date(2025, 12, 31), calendar)
    for day in (date(2024, 12, 31) + timedelta(days=k) for k in range(0, 200, 3)):
        for n in (0, 1, 5, 20, 30):
            assert index.add(day, n) == add_working_days(day, n, calendar)
            moment = at_local(day, 9 * 60)
            assert index.deadline(day, n) == deadline(moment, n, calendar)
        end = date(2025, 6, 1)
        assert index.between(day, end) == working_days_between(day, end, calendar)


def test_the_scores_count_bulk_reports(runner, demo_world):
    """Each report held for a working day counts once per holder; agencies get ranked."""
    assert _bulk(runner, 1500, 2).exit_code == 0
    period = parse_period("2024H2")
    rows = list(input_rows(db.session, period, as_of=NOW))
    codes = set(db.session.scalars(sa.select(Ticket.code)))
    assert len(rows) > 300 and {row["ticket_code"] for row in rows} <= codes
    scores = compute_period(db.session, period, as_of=NOW)
    ranked = [a for a in scores.agencies if a.rank is not None]
    assert len({a.group for a in ranked}) >= 2 and len({a.composite for a in ranked}) > 5
