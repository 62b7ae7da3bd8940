"""Realistic mode: demo stories replayed through the domain services (intake, workflow, holds,
escalation), with the clock frozen at each step, so the history is exactly what the portal
would have recorded had people done these things on those days."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from portal import clock
from portal.accounts.demo import load_demo_accounts
from portal.deadlines import settings
from portal.demo import rankings
from portal.demo.calendar import WorkdayIndex, at_local, local_day
from portal.demo.rows import ESCALATION_HOUR
from portal.demo.stories import Planner, Step, Story
from portal.demo.world import load_world
from portal.extensions import db
from portal.models import Agency, Category, Procedure, Role, ScoreDraft, Ticket, User
from portal.routing import models_cache, router, triage
from portal.scoring import publish, review
from portal.tickets import escalation, intake, workflow


@dataclass
class ReplayResult:
    reports: int
    steps: int
    seconds: float


# Jobs in the agenda, numbered below the reports (which count from 0).
ESCALATE, DRAFT, PUBLISH = -1, -2, -3


class _Cast:
    """The demo accounts who act: the holder's officer (its head for harassment), the
    coordinator, the clerk, the association's analyst."""

    def __init__(self) -> None:
        users = list(db.session.scalars(sa.select(User).where(User.active.is_(True))
                                        .order_by(User.id)))
        self.officer = {u.agency_id: u for u in reversed(users) if u.role == Role.officer}
        self.head = {u.agency_id: u for u in reversed(users) if u.role == Role.head}
        self.coordinator = next(u for u in users if u.role == Role.coordinator)
        self.clerk = next(u for u in users if u.role == Role.clerk)
        self.analyst = next(u for u in users if u.role == Role.analyst)

    def staff(self, ticket: Ticket) -> User:
        if ticket.category == Category.harassment:
            return self.head[ticket.agency_id]
        return self.officer[ticket.agency_id]


def replay(*, reports: int, seed: int, now: datetime, config: Mapping[str, Any],
           progress: Callable[[int, int], None] | None = None) -> ReplayResult:
    """File and work ``reports`` demo reports through the services. Flushes; the caller
    commits. Loads the demo accounts first (they are the officers who act). ``progress`` hears
    (reports filed, of how many) every 500 filings."""
    started = time.perf_counter()
    load_demo_accounts(now=now)
    world = load_world(now)
    planner = Planner(world, seed)
    stories = [planner.story(receipt) for receipt in planner.receipts(reports)]
    player = _Player(stories, config)
    previous = clock.frozen_at()
    try:
        for at, _, number, step in _agenda(stories, world.index, planner.days, now):
            clock.freeze(at)
            # Each service flushes at its end; flushing before each of its queries as well
            # would only repeat work (the tests compare the result with the bulk rows).
            with db.session.no_autoflush:
                player.play(at, number, step)
            if progress and number >= 0 and step is None and (number + 1) % 500 == 0:
                progress(number + 1, len(stories))
    finally:
        clock.freeze(previous)
    steps = sum(len(s.steps) + 1 for s in stories)
    return ReplayResult(len(stories), steps, time.perf_counter() - started)


class _Player:
    def __init__(self, stories: list[Story], config: Mapping[str, Any]) -> None:
        self.stories, self.config = stories, config
        self.cast, self.calendar = _Cast(), settings.work_calendar()
        # Intake would look the routing model up for each unrouted report; the demo asks the
        # router itself, with the model loaded once; the report waits in triage as its story says.
        self.filing_config = {**config, "ROUTING_ENABLED": False}
        self.model = models_cache.current_model(config) if config["ROUTING_ENABLED"] else None
        # Strong references: the session's identity map holds objects weakly, and a report or
        # an agency that fell out of it would be read again at each step.
        self.tickets: list[Ticket | None] = [None] * len(stories)
        self.drafts: dict[str, ScoreDraft] = {}
        self.directory = (list(db.session.scalars(sa.select(Agency)))
                          + list(db.session.scalars(sa.select(Procedure))))

    def play(self, at: datetime, number: int, step) -> None:
        if number == ESCALATE:
            escalation.escalate(now=at, calendar=self.calendar)
        elif number == DRAFT:
            self.drafts[step.period.code] = review.compute_draft(
                db.session, step.period, review_ends=step.review_ends, actor=self.cast.analyst,
                now=at)
        elif number == PUBLISH:
            publish.publish_draft(db.session, self.drafts[step.period.code],
                                  actor=self.cast.analyst, now=at)
        elif step is None:
            ticket = _file(self.stories[number], self.cast, at, self.filing_config)
            if ticket.agency_id is None and self.model is not None:
                _suggest(ticket, self.model, at, self.config)
            self.tickets[number] = ticket
        else:
            _act(self.tickets[number], step, self.cast, self.config)


def _agenda(stories: list[Story], index: WorkdayIndex, days: list[date], now: datetime):
    """Every filing, step, escalation run (each working day) and ranking publication, in time
    order. Entries are (moment, order within a report, report number or a job, step)."""
    agenda = []
    for number, story in enumerate(stories):
        agenda.append((story.received_at, 0, number, None))
        agenda.extend((step.at, k, number, step) for k, step in enumerate(story.steps, start=1))
    day = index.add(days[0], 1)
    while (tick := at_local(day, ESCALATION_HOUR * 60)) <= now:
        agenda.append((tick, 0, ESCALATE, None))
        day = index.add(day, 1)
    for publication in rankings.schedule(days[0], days[-1], index, now):
        agenda.append((publication.draft_at, 0, DRAFT, publication))
        agenda.append((publication.publish_at, 0, PUBLISH, publication))
    agenda.sort(key=lambda item: (item[0], item[2], item[1]))
    return agenda


def _file(story: Story, cast: _Cast, at: datetime, config: Mapping[str, Any]) -> Ticket:
    data = intake.Submission(
        category=story.category, subject=story.subject, description=story.description,
        channel=story.channel, agency_id=story.agency_id, procedure_id=story.procedure_id,
        dossier_number=story.dossier_number or "", locality=story.locality or "",
        anonymous=story.anonymous, business_name=story.business_name or "",
        contact_name=story.contact_name or "", contact_phone=story.contact_phone or "",
        identity_consent=story.identity_consent)
    return intake.submit_ticket(data, filed_by=cast.clerk if story.by_clerk else None, now=at,
                                config=config).ticket


def _suggest(ticket: Ticket, model, at: datetime, config: Mapping[str, Any]) -> None:
    decision = router.route(f"{ticket.subject}\n{ticket.description}", ticket.locality or "",
                            day=local_day(at), model=model, threshold=config["ROUTING_THRESHOLD"])
    triage.record_suggestion(ticket, decision, auto_assigned=False, now=at)


def _act(ticket: Ticket, step: Step, cast: _Cast, config: Mapping[str, Any]) -> None:
    at, kind = step.at, step.kind
    common = {"now": at, "expected_version": None}
    if kind == "assign":
        workflow.assign(ticket, db.session.get(Agency, step.agency_id), actor=cast.coordinator,
                        **common)
    elif kind == "reject":
        workflow.reject(ticket, step.text, actor=cast.coordinator, **common)
    elif kind == "reply":
        workflow.reporter_reply(ticket, step.text, now=at)
    elif kind == "rate":
        workflow.rate(ticket, step.score, step.text or "", now=at, config=config)
    elif kind == "reopen":
        workflow.reopen(ticket, step.text, now=at, config=config)
    else:
        _agency_acts(ticket, step, cast.staff(ticket), common)


def _agency_acts(ticket: Ticket, step: Step, actor: User, common: dict) -> None:
    kind = step.kind
    if kind == "acknowledge":
        workflow.acknowledge(ticket, actor=actor, **common)
    elif kind == "request_info":
        workflow.request_info(ticket, step.text, actor=actor, **common)
    elif kind == "extend":
        workflow.extend(ticket, step.text, step.extra, actor=actor, **common)
    elif kind == "answer":
        workflow.answer(ticket, step.text, step.extra or "", actor=actor, **common)
    elif kind == "transfer":
        workflow.transfer(ticket, step.text, actor=actor, **common)
    elif kind == "close":
        workflow.close(ticket, actor=actor, **common)
    else:
        raise ValueError(f"unknown step {kind}")
