"""Load the directory data files into the database. Idempotent: a second run changes nothing."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
import yaml

from portal.extensions import db
from portal.models import Agency, AgencyGroup, Procedure, Sector

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
AGENCY_FILES = ("agencies_thai_binh_2023.yaml",)
PROCEDURE_FILES = ("procedures_thai_binh_2023.yaml",)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0

    def __iadd__(self, other: LoadResult) -> LoadResult:
        self.created += other.created
        self.updated += other.updated
        return self


def _read(name: str, key: str) -> list[dict[str, Any]]:
    with open(os.path.join(DATA_DIR, name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)[key]


def _upsert(model, code: str, values: dict[str, Any], result: LoadResult):
    row = db.session.scalar(sa.select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **values)
        db.session.add(row)
        result.created += 1
    elif any(getattr(row, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(row, key, value)
        result.updated += 1
    return row


def _as_date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def load_agencies(records: list[dict[str, Any]]) -> LoadResult:
    """Insert or update agencies by code, then link successors. Flushes."""
    result = LoadResult()
    for rec in records:
        _upsert(Agency, rec["code"], {
            "name_vi": rec["name_vi"], "name_en": rec["name_en"], "sector": Sector(rec["sector"]),
            "group": AgencyGroup(rec["group"]), "hotline": rec.get("hotline"),
            "email": rec.get("email"), "locality": rec.get("locality"),
            "valid_from": _as_date(rec["valid_from"]), "valid_to": _as_date(rec.get("valid_to")),
            "source": rec.get("source")}, result)
    db.session.flush()
    by_code = {a.code: a for a in db.session.scalars(sa.select(Agency))}
    for rec in records:
        successor = by_code.get(rec["successor"]) if rec.get("successor") else None
        agency = by_code[rec["code"]]
        if agency.successor_id != (successor.id if successor else None):
            agency.successor = successor
            result.updated += 1
    db.session.flush()
    return result


def load_procedures(records: list[dict[str, Any]]) -> LoadResult:
    result = LoadResult()
    by_code = {a.code: a.id for a in db.session.scalars(sa.select(Agency))}
    for rec in records:
        _upsert(Procedure, rec["code"], {
            "name_vi": rec["name_vi"], "name_en": rec["name_en"],
            "agency_id": by_code[rec["agency"]], "target_value": rec.get("target_value"),
            "target_unit": rec.get("target_unit"), "source": rec.get("source")}, result)
    db.session.flush()
    return result


def load_directory() -> LoadResult:
    """Load every shipped data file. Flushes; the caller commits."""
    result = LoadResult()
    for name in AGENCY_FILES:
        result += load_agencies(_read(name, "agencies"))
    for name in PROCEDURE_FILES:
        result += load_procedures(_read(name, "procedures"))
    return result
