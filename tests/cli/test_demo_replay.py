"""`flask portal demo` (realistic mode): stories replayed through the domain services."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from portal import clock
from portal.extensions import db
from portal.scoring.compute import compute_period
from portal.scoring.periods import parse_period
from portal.models import (AuditEntry, EventKind, HoldSegment, PublishedRanking, Rating, Status,
                           Ticket, TicketEvent, User)
from tests import demo_checks, factories

NOW = datetime(2025, 6, 20, 3, 0, tzinfo=timezone.utc)  # the 2023 directory is valid until 30/6


@pytest.fixture
def frozen(directory):
    clock.freeze(NOW)


def _snapshot():
    return db.session.execute(sa.select(Ticket.code, Ticket.status, Ticket.agency_id,
                                        Ticket.answer_due, Ticket.updated_at)
                              .order_by(Ticket.id)).all()


def _wipe_reports() -> None:
    for table in ("published_rankings", "review_flags", "score_drafts",
                  "routing_suggestions", "routing_corrections", "outbox_messages",
                  "audit_entries", "ratings", "ticket_events", "hold_segments", "tickets",
                  "tracking_counters"):
        db.session.execute(sa.text(f"DELETE FROM {table}"))
    db.session.commit()


def test_replayed_history_is_valid_and_varied(runner, frozen):
    result = runner.invoke(args=["portal", "demo", "--reports", "150", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "demo: 150 reports" in result.output and "reports/s" in result.output
    db.session.expire_all()
    assert demo_checks.problems(NOW) == []
    assert clock.now_utc() == NOW  # the clock is back where it was
    statuses = set(db.session.scalars(sa.select(Ticket.status)))
    assert {Status.closed, Status.answered} <= statuses
    assert statuses & {Status.assigned, Status.acknowledged, Status.reopened}
    kinds = set(db.session.scalars(sa.select(TicketEvent.kind)))
    assert {EventKind.transferred, EventKind.escalated, EventKind.rated, EventKind.answered,
            EventKind.assigned} <= kinds
    late = db.session.scalar(sa.select(sa.func.count()).select_from(HoldSegment)
                             .where(HoldSegment.on_time.is_(False)))
    assert late > 0
    # The association published each complete half-year after a two-week review.
    published = db.session.execute(sa.select(PublishedRanking.period,
                                             PublishedRanking.published_at)
                                   .order_by(PublishedRanking.period)).all()
    assert [period for period, _ in published] == ["2023H1", "2023H2", "2024H1", "2024H2"]
    assert all(at < NOW for _, at in published)
    assert any(f["n"] for f in db.session.scalar(
        sa.select(PublishedRanking.figures).where(PublishedRanking.period == "2024H2"))["agencies"])
    # The demo accounts acted: officers answered, the coordinator routed.
    actors = set(db.session.scalars(sa.select(User.role).join(
        TicketEvent, TicketEvent.actor_id == User.id)))
    assert {"officer", "coordinator"} <= {str(a) for a in actors}


def test_replay_is_deterministic_for_a_seed(runner, frozen):
    assert runner.invoke(args=["portal", "demo", "--reports", "60", "--seed", "9"]).exit_code == 0
    first = _snapshot()
    _wipe_reports()
    assert runner.invoke(args=["portal", "demo", "--reports", "60", "--seed", "9"]).exit_code == 0
    assert _snapshot() == first


def test_replay_refuses_when_reports_exist_unless_asked_to_skip(app, runner, frozen):
    factories.make_ticket(app.config, agency_code="TB-SKHDT", now=NOW)
    result = runner.invoke(args=["portal", "demo", "--reports", "20"])
    assert result.exit_code == 1 and "already has 1 reports" in result.output
    result = runner.invoke(args=["portal", "demo", "--reports", "20", "--if-empty"])
    assert result.exit_code == 0 and "nothing to do" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1


def test_replay_refuses_production_outside_demo_mode(app, runner, frozen, monkeypatch):
    factories.make_user("alice", "coordinator")
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["portal", "demo", "--reports", "20", "--if-empty"])
    assert result.exit_code == 1 and "refusing" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 0


def test_bulk_rows_equal_what_the_services_record(runner, frozen):
    """The bulk writer follows the services' rules: for the same seed, the same reports end in
    the same state, with the same hold segments, history (escalations included) and ratings."""
    def state():
        tickets = db.session.execute(sa.select(
            Ticket.code, Ticket.status, Ticket.agency_id, Ticket.ack_due, Ticket.answer_due,
            Ticket.acknowledged_at, Ticket.answered_at, Ticket.closed_at, Ticket.paused_at,
            Ticket.extended_at, Ticket.filed_by_id).order_by(Ticket.id)).all()
        # Reports by code: ids differ between the runs on PostgreSQL (sequences move on).
        segments = db.session.execute(sa.select(
            Ticket.code, HoldSegment.agency_id, HoldSegment.started_at,
            HoldSegment.ended_at, HoldSegment.ack_due, HoldSegment.transfer_due,
            HoldSegment.answer_due, HoldSegment.acknowledged_at, HoldSegment.outcome,
            HoldSegment.on_time, HoldSegment.counted_from, HoldSegment.answer_working_days,
            HoldSegment.cites_legal_basis, HoldSegment.rating, HoldSegment.reopened_at)
            .join(Ticket, Ticket.id == HoldSegment.ticket_id)
            .order_by(Ticket.code, HoldSegment.id)).all()
        events = db.session.execute(sa.select(
            Ticket.code, TicketEvent.kind, TicketEvent.at, TicketEvent.actor_id,
            TicketEvent.public, TicketEvent.body, TicketEvent.legal_basis)
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .order_by(Ticket.code, TicketEvent.id)).all()
        ratings = db.session.execute(sa.select(Ticket.code, Rating.score, Rating.comment, Rating.at)
                                     .join(Ticket, Ticket.id == Rating.ticket_id)
                                     .order_by(Ticket.code, Rating.id)).all()
        audit = db.session.execute(sa.select(Ticket.code, AuditEntry.at, AuditEntry.actor_id,
                                             AuditEntry.action, AuditEntry.detail)
                                   .join(Ticket, Ticket.id == AuditEntry.ticket_id)
                                   .order_by(Ticket.code, AuditEntry.id)).all()
        scores = [(a.code, a.n, a.composite, a.rank) for a in compute_period(
            db.session, parse_period("2024H2"), as_of=NOW).agencies]
        return tickets, segments, events, ratings, audit, scores
    assert runner.invoke(args=["portal", "demo", "--reports", "80", "--seed", "11"]).exit_code == 0
    replayed = state()
    _wipe_reports()
    bulk_run = runner.invoke(args=["portal", "demo", "--bulk", "--reports", "80", "--seed", "11"])
    assert bulk_run.exit_code == 0
    bulk = state()
    assert bulk[2] and bulk[3] and any(n for _code, n, _c, _r in bulk[5])
    for name, a, b in zip(("tickets", "segments", "events", "ratings", "audit", "scores"),
                          replayed, bulk):
        assert a == b, name
