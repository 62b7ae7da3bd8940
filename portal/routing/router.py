"""Route a report: the agency of the predicted sector, or the coordinator's triage with the
top three suggestions when the router is unsure or several agencies fit (DESIGN §5)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import re

from portal.extensions import db
from portal.models import Agency, Sector
from portal.routing import holders
from portal.routing.classifier import Model, Prediction
from portal.routing.holders import Holder
from portal.routing.tokenizer import fold

TOP = 3
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Suggestion:
    sector: str
    probability: float
    agencies: list[Holder] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    prediction: Prediction
    suggestions: list[Suggestion]
    agency: Agency | None  # chosen with confidence; None sends the report to triage


def fitting_agencies(sectors: list[str], locality: str, text: str,
                     day: date) -> dict[str, list[Holder]]:
    """Per sector, the agencies holding it on ``day`` (by code; holders.py); local committees
    only where the place fits."""
    found: dict[str, list[Holder]] = {s: [] for s in sectors}
    known = [s for s in sectors if s in Sector.__members__]
    if not known:
        return found
    table = holders.by_sector(day)
    for sector in known:
        found[sector] = list(table[sector])
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
    return Decision(prediction, suggestions,
                    db.session.get(Agency, best.agencies[0].id) if sure else None)
