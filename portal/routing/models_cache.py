"""The routing model in use: trained from the shipped corpus (cached by its hash), or the
model `flask routing train --with-corrections` stored as active for this corpus."""
from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models import RoutingCorrection
from portal.routing import corpus
from portal.routing.classifier import MODEL_VERSION, Model, load_or_train, save

ACTIVE = "routing-active.pickle"
# Per process, read-only: a worker keeps the model it loaded until the active file changes.
_loaded: dict[str, tuple[float, Model]] = {}


def cache_dir(config: Mapping[str, Any]) -> str:
    return config["ROUTING_MODEL_DIR"]


def current_model(config: Mapping[str, Any]) -> Model:
    """The model for this process; after the first call, a dict look-up and a stat of the
    active model's file (how a retrained model reaches running workers)."""
    shipped = corpus.shipped()
    base = shipped.fingerprint
    active = os.path.join(cache_dir(config), ACTIVE)
    if os.path.exists(active):
        mtime = os.path.getmtime(active)
        if active not in _loaded or _loaded[active][0] != mtime:
            with open(active, "rb") as fh:  # our own file, written by train()
                _loaded[active] = (mtime, pickle.load(fh))
        model = _loaded[active][1]
        # An active model trained with corrections serves only its own corpus and code version.
        if getattr(model, "base_fingerprint", None) == base and \
                getattr(model, "version", None) == MODEL_VERSION:
            return model
    key = f"corpus:{base}"
    if key not in _loaded:
        _loaded[key] = (0.0, load_or_train(list(shipped.examples), cache_dir(config)))
    return _loaded[key][1]


def corrections() -> list[corpus.Example]:
    rows = db.session.execute(sa.select(RoutingCorrection.text, RoutingCorrection.sector,
                                        RoutingCorrection.category).order_by(RoutingCorrection.id))
    return [corpus.Example(text, sector, category) for text, sector, category in rows]


def train(config: Mapping[str, Any], *, with_corrections: bool) -> tuple[Model, int]:
    """Retrain and make the result the active model; returns it and the number of examples."""
    shipped = corpus.shipped()
    examples, base = list(shipped.examples), shipped.fingerprint
    extra = corrections() if with_corrections else []
    model = Model(examples + extra)
    model.base_fingerprint = base
    save(model, os.path.join(cache_dir(config), ACTIVE))
    return model, len(examples) + len(extra)
