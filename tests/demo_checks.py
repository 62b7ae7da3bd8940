"""Checks that a generated history is one the domain services could have written."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa

from portal.deadlines.working_days import (add_working_days, local_day, start_of_day_utc,
                                           working_days_between)
from portal.extensions import db
from portal.models import (Category, EventKind, HoldOutcome, HoldSegment, Rating, Status, Ticket,
                           TicketEvent, TrackingCounter)

WORKING = {Status.assigned, Status.acknowledged, Status.needs_info, Status.reopened}
CODE = re.compile(r"^PA-(\d{4})-(\d{6,})$")


def problems(now: datetime) -> list[str]:
    """Every inconsistency found (empty when the history is valid)."""
    found: list[str] = []
    segments, events, ratings = defaultdict(list), defaultdict(list), defaultdict(list)
    for seg in db.session.scalars(sa.select(HoldSegment).order_by(HoldSegment.id)):
        segments[seg.ticket_id].append(seg)
    for event in db.session.scalars(sa.select(TicketEvent).order_by(TicketEvent.id)):
        events[event.ticket_id].append(event)
    for rating in db.session.scalars(sa.select(Rating)):
        ratings[rating.ticket_id].append(rating)
    counters = dict(db.session.execute(
        sa.select(TrackingCounter.year, TrackingCounter.value)).all())
    codes = set()
    for ticket in db.session.scalars(sa.select(Ticket).order_by(Ticket.id)):
        where = f"{ticket.code} ({ticket.status})"
        match = CODE.match(ticket.code)
        if not match or int(match[2]) > counters.get(int(match[1]), 0):
            found.append(f"{where}: code beyond the tracking counter")
        if ticket.code in codes:
            found.append(f"{where}: duplicate code")
        codes.add(ticket.code)
        found += [f"{where}: {p}" for p in _ticket(ticket, segments[ticket.id],
                                                  events[ticket.id], ratings[ticket.id], now)]
        found += [f"{where}: {p}" for p in _report_facts(ticket, segments[ticket.id])]
    return found + _dangling_references()


# (table, column, referenced table): SQLite does not enforce foreign keys, so check them here.
_REFERENCES = (
    ("hold_segments", "ticket_id", "tickets"), ("hold_segments", "agency_id", "agencies"),
    ("ticket_events", "ticket_id", "tickets"), ("ticket_events", "actor_id", "users"),
    ("ticket_events", "agency_id", "agencies"), ("ticket_events", "to_agency_id", "agencies"),
    ("ratings", "ticket_id", "tickets"), ("ratings", "answer_event_id", "ticket_events"),
    ("tickets", "agency_id", "agencies"), ("tickets", "procedure_id", "procedures"),
    ("tickets", "filed_by_id", "users"), ("audit_entries", "ticket_id", "tickets"),
    ("audit_entries", "actor_id", "users"))


def _dangling_references() -> list[str]:
    found = []
    for table, column, target in _REFERENCES:
        dangling = db.session.scalar(sa.text(
            f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL "
            f"AND {column} NOT IN (SELECT id FROM {target})"))
        if dangling:
            found.append(f"{dangling} rows of {table}.{column} point to no {target} row")
    return found


def _ticket(ticket, segs, evs, rats, now) -> list[str]:
    out = []
    kinds = [e.kind for e in evs]
    if not evs or evs[0].kind != EventKind.filed or evs[0].at != ticket.received_at:
        out.append("first event is not the filing")
    if any(b.at < a.at for a, b in zip(evs, evs[1:])):
        out.append("event ids do not follow time")
    if evs and evs[-1].at > now:
        out.append("event in the future")
    open_segs = [s for s in segs if s.ended_at is None]
    status = ticket.status
    if len(open_segs) > 1 or (open_segs and open_segs[0] is not segs[-1]):
        out.append("more than one open hold segment")
    if status in WORKING:
        if not open_segs or open_segs[0].agency_id != ticket.agency_id:
            out.append("working status without an open segment of the holder")
        elif open_segs[0].answer_due != ticket.answer_due:
            out.append("answer due differs from the open segment's")
    elif open_segs:
        out.append("open segment although nobody works on the report")
    if (status == Status.needs_info) != (ticket.paused_at is not None):
        out.append("paused clock does not match needs_info")
    if status in (Status.answered, Status.closed):
        last = segs[-1] if segs else None
        if (last is None or last.outcome != HoldOutcome.answered
                or last.ended_at != ticket.answered_at):
            out.append("answered but the last segment did not end with the answer")
    if status == Status.closed and (EventKind.closed not in kinds or ticket.closed_at is None):
        out.append("closed without a closing event")
    if status == Status.rejected and (EventKind.rejected not in kinds or segs):
        out.append("rejected after an agency held it")
    if status in (Status.new, Status.transferred) and ticket.agency_id is not None:
        out.append("in triage but held by an agency")
    if status == Status.transferred and (not segs or segs[-1].outcome != HoldOutcome.transferred):
        out.append("transferred but the last segment was not")
    answers = {e.id: e for e in evs if e.kind == EventKind.answered}
    ended = sorted(s.ended_at for s in segs if s.outcome == HoldOutcome.answered)
    if sorted(e.at for e in answers.values()) != ended:
        out.append("answers and answered segments differ")
    moved = sorted(s.ended_at for s in segs if s.outcome == HoldOutcome.transferred)
    if sorted(e.at for e in evs if e.kind == EventKind.transferred) != moved:
        out.append("transfers and transferred segments differ")
    for seg in segs:
        if seg.ended_at is not None:
            due = seg.transfer_due if seg.outcome == HoldOutcome.transferred else seg.answer_due
            if seg.on_time != (seg.ended_at <= due):
                out.append("on_time flag is wrong")
    for rating in rats:
        answer = answers.get(rating.answer_event_id)
        if answer is None or rating.at < answer.at or not 1 <= rating.score <= 5:
            out.append("rating of no answer of this report")
    if kinds.count(EventKind.rated) != len(rats):
        out.append("ratings and rated events differ")
    return out + _scoring_facts(segs, answers, rats, evs)


def _report_facts(ticket, segs) -> list[str]:
    """The report's own facts each of its hold segments carries for the scores."""
    out = []
    for seg in segs:
        if (seg.report_received_at, seg.harassment, seg.report_rejected) != (
                ticket.received_at, ticket.category == Category.harassment,
                ticket.status == Status.rejected):
            out.append("hold segment's copy of the report's facts differs")
        if seg.paused != (seg.ended_at is None and ticket.status == Status.needs_info):
            out.append("paused flag differs from the report's status")
    return out


def _scoring_facts(segs, answers, rats, evs) -> list[str]:
    """The facts holds.open_segment/record_answer/record_rating/record_reopening keep."""
    out = []
    rating_at_answer = {answers[r.answer_event_id].at: r.score for r in rats
                        if r.answer_event_id in answers}
    basis_at_answer = {e.at: bool(e.legal_basis) for e in answers.values()}
    reopenings = sorted(e.at for e in evs if e.kind == EventKind.reopened)
    for seg in segs:
        if seg.repeat_hold != (sum(s.agency_id == seg.agency_id for s in segs) > 1):
            out.append("repeat_hold flag disagrees with the agency's holds")
        start = local_day(seg.started_at)
        if seg.counted_from != start_of_day_utc(add_working_days(start, 1)):
            out.append("counted_from disagrees with the calendar")
        if seg.outcome != HoldOutcome.answered:
            continue
        if seg.answer_working_days != working_days_between(start, local_day(seg.ended_at)):
            out.append("working days to answer disagree with the calendar")
        if seg.cites_legal_basis != basis_at_answer.get(seg.ended_at):
            out.append("legal basis flag differs from the answer")
        if seg.rating != rating_at_answer.get(seg.ended_at):
            out.append("rating on the segment differs from the rating of its answer")
        later = [at for at in reopenings if at >= seg.ended_at]
        expected = later[0] if later and not any(
            s.outcome == HoldOutcome.answered and seg.ended_at < s.ended_at < later[0]
            for s in segs) else None
        if seg.reopened_at != expected:
            out.append("reopened_at differs from the reopening after the answer")
    return out
