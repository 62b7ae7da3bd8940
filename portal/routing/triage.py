"""The router's suggestions kept for the coordinator, and the corrections it learns from."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.deadlines.working_days import local_day
from portal.extensions import db
from portal.models import Agency, RoutingCorrection, RoutingSuggestion, Ticket, User
from portal.routing import models_cache, router
from portal.routing.classifier import MODEL_VERSION

log = logging.getLogger("portal.routing")


def route_new_report(subject: str, description: str, locality: str, *, now: datetime,
                     config: Mapping[str, Any]) -> router.Decision | None:
    """The router's decision, or None when routing failed: a report is never lost because
    the router broke; it simply waits in triage."""
    try:
        return router.route(f"{subject}\n{description}", locality, day=local_day(now),
                            model=models_cache.current_model(config),
                            threshold=config["ROUTING_THRESHOLD"])
    except Exception:  # noqa: BLE001 - advisory only; logged for the operators
        log.exception("routing failed; the report goes to triage")
        return None


def record_suggestion(ticket: Ticket, decision: router.Decision, *, auto_assigned: bool,
                      now: datetime) -> RoutingSuggestion:
    suggestion = RoutingSuggestion(
        ticket_id=ticket.id, sector=decision.prediction.sector.label,
        category=decision.prediction.category.label,
        confidence=round(decision.prediction.sector.probability, 4),
        alternatives=[{"sector": s.sector, "probability": round(s.probability, 4),
                       "agencies": [a.code for a in s.agencies]} for s in decision.suggestions],
        auto_assigned=auto_assigned, model_version=MODEL_VERSION, created_at=now)
    db.session.add(suggestion)
    return suggestion


def suggestion_for(ticket: Ticket) -> RoutingSuggestion | None:
    return db.session.get(RoutingSuggestion, ticket.id)


@dataclass(frozen=True)
class Hint:
    """One of the router's top three, for the coordinator."""
    sector: str
    probability: float
    agencies: list[Agency]


def suggestions_for(tickets: list[Ticket]) -> dict[int, list[Hint]]:
    """The stored top three per report (one query each for suggestions and agencies)."""
    ids = [t.id for t in tickets]
    if not ids:
        return {}
    rows = list(db.session.scalars(sa.select(RoutingSuggestion)
                                   .where(RoutingSuggestion.ticket_id.in_(ids))))
    codes = {c for r in rows for alt in r.alternatives for c in alt["agencies"]}
    agencies = {a.code: a for a in db.session.scalars(sa.select(Agency).where(Agency.code.in_(codes)))}
    return {r.ticket_id: [Hint(alt["sector"], alt["probability"],
                               [agencies[c] for c in alt["agencies"] if c in agencies])
                          for alt in r.alternatives] for r in rows}


def record_correction(ticket: Ticket, agency: Agency, *, actor: User, now: datetime) -> bool:
    """Keep a coordinator's choice that differs from the router's sector, to retrain on."""
    suggestion = suggestion_for(ticket)
    if suggestion is None or suggestion.sector == agency.sector.value:
        return False
    db.session.add(RoutingCorrection(ticket_id=ticket.id, text=f"{ticket.subject}\n{ticket.description}",
                                     sector=agency.sector.value, category=ticket.category.value,
                                     actor_id=actor.id, created_at=now))
    return True
