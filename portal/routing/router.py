"""Route a report: the agency of the predicted sector, or the coordinator's triage with the
top three suggestions when the router is unsure or several agencies fit (DESIGN §5)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Agency, Sector
from portal.routing.classifier import Model, Prediction
from portal.routing.tokenizer import fold

TOP = 3
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Suggestion:
    sector: str
    probability: float
    agencies: list[Agency] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    prediction: Prediction
    suggestions: list[Suggestion]
    agency: Agency | None  # chosen with confidence; None sends the report to triage


def agencies_for(sector: str, locality: str, text: str, day: date) -> list[Agency]:
    """Agencies valid on ``day`` with this sector; local committees only where the place fits."""
    if sector not in Sector.__members__:
        return []
    candidates = list(db.session.scalars(
        sa.select(Agency).where(Agency.sector == Sector(sector), Agency.valid_from <= day,
                                sa.or_(Agency.valid_to.is_(None), Agency.valid_to >= day))
        .order_by(Agency.code)))
    if sector != Sector.local_government:
        return candidates
    where = f" {' '.join(_WORDS.findall(fold(f'{locality} {text}').lower()))} "
    return [a for a in candidates if a.locality and _mentions(a.locality, where)]


def _mentions(place: str, where: str) -> bool:
    """Is the place named? "tỉnh Thái Bình" names the province, not the city of Thái Bình."""
    name = " ".join(_WORDS.findall(fold(place).lower()))
    return f" {name} " in where.replace(f" tinh {name} ", " ")


def route(text: str, locality: str, *, day: date, model: Model, threshold: float) -> Decision:
    prediction = model.predict(text)
    suggestions = [Suggestion(r.label, r.probability, agencies_for(r.label, locality, text, day))
                   for r in prediction.sectors[:TOP]]
    best = suggestions[0]
    # "other" means no agency's business (a utility bill, a private dispute): a person decides.
    sure = (best.probability >= threshold and len(best.agencies) == 1
            and best.sector != Sector.other)
    return Decision(prediction, suggestions, best.agencies[0] if sure else None)
