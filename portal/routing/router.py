"""Route a report: the agency of the predicted sector, or the coordinator's triage with the
top three suggestions when the router is unsure or several agencies fit (DESIGN §5)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import re

import sqlalchemy as sa

from portal.directory import lookup
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


def fitting_agencies(sectors: list[str], locality: str, text: str,
                     day: date) -> dict[str, list[Agency]]:
    """Per sector, the agencies valid on ``day`` (by code); local committees only where the
    place fits. One query for all the suggested sectors. A sector no agency carries any more
    (planning and investment after 2025) gets its former agencies' successors valid on ``day``
    (the merged department)."""
    known = [Sector(s) for s in sectors if s in Sector.__members__]
    found: dict[str, list[Agency]] = {s: [] for s in sectors}
    if not known:
        return found
    for agency in db.session.scalars(
            sa.select(Agency).where(Agency.sector.in_(known), Agency.valid_from <= day,
                                    sa.or_(Agency.valid_to.is_(None), Agency.valid_to >= day))
            .order_by(Agency.code)):
        found[agency.sector.value].append(agency)
    for sector in known:
        if not found[sector.value] and sector != Sector.local_government:
            found[sector.value] = lookup.successors_of_sector(sector, on=day)
    if found.get(Sector.local_government.value):
        found[Sector.local_government.value] = [
            a for a in found[Sector.local_government.value]
            if a.locality and names_place(a.locality, f"{locality} {text}")]
    return found


def names_place(place: str, text: str) -> bool:
    """Does the text name the place? "tỉnh Thái Bình" names the province, not the city of
    Thái Bình."""
    where = f" {' '.join(_WORDS.findall(fold(text).lower()))} "
    name = " ".join(_WORDS.findall(fold(place).lower()))
    return f" {name} " in where.replace(f" tinh {name} ", " ")


def route(text: str, locality: str, *, day: date, model: Model, threshold: float) -> Decision:
    prediction = model.predict(text)
    top = prediction.sectors[:TOP]
    fitting = fitting_agencies([r.label for r in top], locality, text, day)
    suggestions = [Suggestion(r.label, r.probability, fitting[r.label]) for r in top]
    best = suggestions[0]
    # "other" means no agency's business (a utility bill, a private dispute): a person decides.
    sure = (best.probability >= threshold and len(best.agencies) == 1
            and best.sector != Sector.other)
    return Decision(prediction, suggestions, best.agencies[0] if sure else None)
