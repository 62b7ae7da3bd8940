"""The administrator's scoring settings (component weights, minimum counted reports)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import ValidationFailed
from portal.i18n import _l
from portal.models import ScoringSetting, User
from portal.scoring.method import COMPONENTS, DEFAULT_MIN_N, DEFAULT_WEIGHTS

WEIGHT_MAX = 100.0
MIN_N_MAX = 1000
_MIN_N_KEY = "min_n"


def _weight_key(component: str) -> str:
    return f"weight.{component}"


@dataclass(frozen=True)
class ScoringSettings:
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    min_n: int = DEFAULT_MIN_N

    def to_dict(self) -> dict:
        return {"weights": dict(self.weights), "min_n": self.min_n}


def load_settings(session: Session) -> ScoringSettings:
    """The stored settings; the method's defaults for anything not set."""
    stored = dict(session.execute(sa.select(ScoringSetting.key, ScoringSetting.value)).all())
    weights = {name: float(stored.get(_weight_key(name), DEFAULT_WEIGHTS[name]))
               for name in COMPONENTS}
    return ScoringSettings(weights=weights, min_n=int(stored.get(_MIN_N_KEY, DEFAULT_MIN_N)))


def validate(settings: ScoringSettings) -> None:
    """:raises ValidationFailed: a weight outside 0–100, all weights 0, or min n outside 1–1000."""
    errors = []
    if set(settings.weights) != set(COMPONENTS):
        errors.append(("weights", _l("Give a weight for every component.")))
    for name, weight in settings.weights.items():
        if not 0 <= weight <= WEIGHT_MAX:
            errors.append((name, _l("Enter a weight from 0 to %(max)d.", max=int(WEIGHT_MAX))))
    if not errors and sum(settings.weights.values()) <= 0:
        errors.append(("weights", _l("At least one weight must be above 0.")))
    if not 1 <= settings.min_n <= MIN_N_MAX:
        errors.append(("min_n", _l("Enter a whole number from 1 to %(max)d.", max=MIN_N_MAX)))
    if errors:
        raise ValidationFailed(errors)


def save_settings(session: Session, settings: ScoringSettings, *, actor: User | None,
                  now: datetime) -> None:
    """Store new weights and minimum n (rankings already published keep theirs) and audit the
    change. Flushes.

    :raises ValidationFailed: see :func:`validate`.
    """
    validate(settings)
    values = {_weight_key(name): float(w) for name, w in settings.weights.items()}
    values[_MIN_N_KEY] = float(settings.min_n)
    for key, value in values.items():
        row = session.get(ScoringSetting, key) or ScoringSetting(key=key)
        row.value, row.updated_at = value, now
        row.updated_by_id = actor.id if actor is not None else None
        session.add(row)
    audit.record(session, actor=actor, action="scoring.settings_saved", at=now,
                 detail=settings.to_dict())
    session.flush()
