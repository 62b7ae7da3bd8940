"""Load directory data (agencies, successions, procedures) into the database.

Idempotent: rows are matched by code (successions by their pair), so a second run changes
nothing. The shipped files and ``flask directory import`` use the same format and the same
validation (portal/directory/records.py).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
import yaml

from portal.directory import records
from portal.extensions import db
from portal.models import Agency, AgencySuccession, Procedure

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
# Order matters only for readability: successions are linked after every file's agencies exist.
AGENCY_FILES = ("agencies_thai_binh_2023.yaml", "agencies_thai_binh_2025_interim.yaml",
                "agencies_hung_yen_2025.yaml", "communes_hung_yen_2025.yaml")
PROCEDURE_FILES = ("procedures_thai_binh_2023.yaml",)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0

    def __iadd__(self, other: LoadResult) -> LoadResult:
        self.created += other.created
        self.updated += other.updated
        return self


# libyaml's parser when PyYAML was built with it: the shipped files hold about 300 records.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_file(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader) or {}


@lru_cache(maxsize=1)
def shipped_data() -> dict[str, list[dict[str, Any]]]:
    """Every shipped data file merged into one document (parsed once; do not mutate)."""
    merged: dict[str, list[dict[str, Any]]] = {"agencies": [], "successions": [], "procedures": []}
    for name in AGENCY_FILES + PROCEDURE_FILES:
        data = read_file(os.path.join(DATA_DIR, name))
        for key in merged:
            merged[key] += data.get(key) or []
    return merged


def _sync(row, values: dict[str, Any], result: LoadResult) -> None:
    if any(getattr(row, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(row, key, value)
        result.updated += 1


def _upsert_all(model, values_by_code: dict[str, dict[str, Any]], result: LoadResult) -> None:
    existing = {row.code: row for row in db.session.scalars(
        sa.select(model).where(model.code.in_(list(values_by_code))))}
    new = []
    for code, values in values_by_code.items():
        if code in existing:
            _sync(existing[code], values, result)
        else:
            new.append({"code": code, **values})
    db.session.flush()
    if new:  # one executemany: a fresh database gets about 300 rows
        db.session.execute(sa.insert(model), new)
        result.created += len(new)


def _agency_ids() -> dict[str, int]:
    return {code: id_ for code, id_ in db.session.execute(sa.select(Agency.code, Agency.id))}


def load_agencies(agencies: list[dict[str, Any]]) -> LoadResult:
    result = LoadResult()
    _upsert_all(Agency, {rec["code"]: records.agency_values(rec) for rec in agencies}, result)
    return result


def load_successions(successions: list[dict[str, Any]]) -> LoadResult:
    result, ids = LoadResult(), _agency_ids()
    existing = {(s.predecessor_id, s.successor_id): s
                for s in db.session.scalars(sa.select(AgencySuccession))}
    new = []
    for rec in successions:
        pair = (ids[rec["predecessor"].upper()], ids[rec["successor"].upper()])
        values = {"on_date": records.as_date(rec["date"])}
        if "note" in rec:  # a CSV import carries no notes; it keeps the ones already stored
            values["note"] = rec["note"] or None
        if pair in existing:
            _sync(existing[pair], values, result)
        else:
            new.append({"predecessor_id": pair[0], "successor_id": pair[1], "note": None, **values})
    db.session.flush()
    if new:
        db.session.execute(sa.insert(AgencySuccession), new)
        result.created += len(new)
    return result


def load_procedures(procedures: list[dict[str, Any]]) -> LoadResult:
    result, ids = LoadResult(), _agency_ids()
    _upsert_all(Procedure, {rec["code"]: records.procedure_values(rec, ids)
                            for rec in procedures}, result)
    return result


def load_data(data: dict[str, Any]) -> LoadResult:
    """Validate a whole document, then load it. Flushes; the caller commits.

    :raises DirectoryInvalid: listing every problem found, before anything is written.
    """
    records.validate(data, known_codes=set(_agency_ids()))
    result = load_agencies(data.get("agencies") or [])
    result += load_successions(data.get("successions") or [])
    result += load_procedures(data.get("procedures") or [])
    return result


def load_directory() -> LoadResult:
    """Load every shipped data file. Flushes; the caller commits."""
    return load_data(shipped_data())
