"""Reports across the 2025 merger: filed with an agency that is then dissolved, moved to its
successor as events in their history, answered by the successor; closed reports stay put."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from portal.clock import LOCAL_TZ
from portal.directory import lookup, moves
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.models import AuditEntry, EventKind, HoldOutcome, HoldSegment, Status, TicketEvent
from portal.tickets import workflow
from tests.factories import agency


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


FILED = local(2025, 2, 17, 9)     # Sở KH&ĐT still exists
MERGER_DONE = local(2025, 3, 4, 9)  # merged into Sở Tài chính on 1/3/2025


def _segments(ticket):
    return list(db.session.scalars(sa.select(HoldSegment).where(HoldSegment.ticket_id == ticket.id)
                                   .order_by(HoldSegment.started_at)))


def _kinds(ticket):
    return [e.kind for e in db.session.scalars(
        sa.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id))]


@pytest.fixture
def merger(directory, make_user, make_ticket):
    old_officer = make_user("officer.skhdt", "officer", "TB-SKHDT")
    new_officer = make_user("officer.stc", "officer", "TB-STC")
    open_report, _ = make_ticket(agency_code="TB-SKHDT", now=FILED)
    workflow.acknowledge(open_report, actor=old_officer, now=local(2025, 2, 18, 9),
                         expected_version=None)
    closed_report, _ = make_ticket(agency_code="TB-SKHDT", now=FILED, subject="Đã xong")
    workflow.answer(closed_report, "Đã cấp giấy chứng nhận.", "", actor=old_officer,
                    now=local(2025, 2, 20, 9), expected_version=None)
    workflow.close(closed_report, actor=old_officer, now=local(2025, 2, 21, 9), expected_version=None)
    db.session.commit()
    return open_report, closed_report, new_officer


def test_a_report_filed_before_and_answered_after_a_merger(merger):
    open_report, closed_report, new_officer = merger
    planned = moves.plan(agency("TB-SKHDT"), now=MERGER_DONE)
    assert [(m.ticket.code, m.to.code) for m in planned] == [(open_report.code, "TB-STC")]
    assert moves.apply(planned, actor=None, now=MERGER_DONE) == 1
    db.session.commit()

    assert open_report.agency.code == "TB-STC" and open_report.status == Status.assigned
    old, new = _segments(open_report)
    assert (old.agency.code, old.outcome, old.ended_at) == ("TB-SKHDT", HoldOutcome.moved,
                                                           MERGER_DONE)
    assert new.agency.code == "TB-STC" and new.ended_at is None
    assert new.started_at == MERGER_DONE and new.answer_due > old.answer_due  # its own clock
    moved = db.session.scalar(sa.select(TicketEvent).where(
        TicketEvent.ticket_id == open_report.id, TicketEvent.kind == EventKind.moved))
    assert (moved.agency.code, moved.to_agency.code, moved.public) == ("TB-SKHDT", "TB-STC", True)
    logged = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "directory.move"))
    assert (logged.ticket_id, logged.subject) == (open_report.id, "TB-SKHDT -> TB-STC")

    workflow.answer(open_report, "Sở Tài chính đã xử lý hồ sơ.", "NĐ 45/2025/NĐ-CP",
                    actor=new_officer, now=local(2025, 3, 10, 9), expected_version=None)
    db.session.commit()
    assert _segments(open_report)[-1].outcome == HoldOutcome.answered
    assert _kinds(open_report)[-2:] == [EventKind.moved, EventKind.answered]

    # The closed report keeps the agency that held it, and its history is untouched.
    assert closed_report.agency.code == "TB-SKHDT" and closed_report.status == Status.closed
    assert EventKind.moved not in _kinds(closed_report)
    assert [s.agency.code for s in _segments(closed_report)] == ["TB-SKHDT"]


def test_moving_twice_moves_nothing(merger):
    moves.apply(moves.plan(agency("TB-SKHDT"), now=MERGER_DONE), actor=None, now=MERGER_DONE)
    db.session.commit()
    assert moves.plan(agency("TB-SKHDT"), now=MERGER_DONE) == []
    assert moves.apply([], actor=None, now=MERGER_DONE) == 0


def test_a_later_move_follows_the_chain_to_the_agency_valid_then(merger):
    open_report = merger[0]
    planned = moves.plan(agency("TB-SKHDT"), now=local(2026, 3, 2, 9))
    assert [m.to.code for m in planned] == ["HY-STC"]
    assert open_report.agency.code == "TB-SKHDT"  # a plan changes nothing


def test_a_district_report_goes_to_the_commune_its_locality_names(directory, make_ticket):
    named, _ = make_ticket(agency_code="TB-UBND-VT", now=FILED, locality="Xã Thư Vũ")
    unnamed, _ = make_ticket(agency_code="TB-UBND-VT", now=FILED)
    planned = {m.ticket.code: m.to for m in moves.plan(agency("TB-UBND-VT"),
                                                       now=local(2025, 7, 2, 9))}
    assert planned[named.code].locality == "Xã Thư Vũ"
    assert planned[unnamed.code] is None
    assert len(lookup.successors(agency("TB-UBND-VT"))) > 1


def test_only_dissolved_agencies_and_their_successors(directory):
    with pytest.raises(ValidationFailed):
        moves.plan(agency("TB-SKHDT"), now=FILED)  # still valid
    with pytest.raises(ValidationFailed):
        moves.plan(agency("TB-SKHDT"), now=MERGER_DONE, to=agency("TB-SXD"))
    with pytest.raises(ValidationFailed):
        moves.plan(agency("TB-HHDN"), now=local(2026, 3, 2, 9))  # no successor recorded
