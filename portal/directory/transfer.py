"""`flask directory import|export`: the directory as a YAML document (agencies, successions,
procedures: the shipped files' format) or as a CSV of agencies with their successors, so any
province can load its own directory."""
from __future__ import annotations

import csv
import io
from typing import Any

import sqlalchemy as sa
import yaml

from portal import audit
from portal.directory import records
from portal.directory.loader import LoadResult, load_data
from portal.extensions import db
from portal.models import Agency, AgencySuccession, Procedure, User

CSV_FIELDS = (*records.AGENCY_FIELDS, "successors")


def _agency_record(agency: Agency) -> dict[str, Any]:
    return {"code": agency.code, "name_vi": agency.name_vi, "name_en": agency.name_en,
            "sector": agency.sector.value, "group": agency.group.value, "hotline": agency.hotline,
            "email": agency.email, "locality": agency.locality,
            "valid_from": agency.valid_from.isoformat(),
            "valid_to": agency.valid_to.isoformat() if agency.valid_to else None,
            "source": agency.source}


def document() -> dict[str, list[dict[str, Any]]]:
    """The whole stored directory in the import format."""
    agencies = list(db.session.scalars(sa.select(Agency).order_by(Agency.code)))
    successions = sorted(db.session.scalars(sa.select(AgencySuccession)),
                         key=lambda s: (s.on_date, s.predecessor.code, s.successor.code))
    procedures = db.session.scalars(sa.select(Procedure).order_by(Procedure.code))
    return {
        "agencies": [_agency_record(a) for a in agencies],
        "successions": [{"predecessor": s.predecessor.code, "successor": s.successor.code,
                         "date": s.on_date.isoformat(), "note": s.note} for s in successions],
        "procedures": [{"code": p.code, "name_vi": p.name_vi, "name_en": p.name_en,
                        "agency": p.agency.code, "target_value": p.target_value,
                        "target_unit": p.target_unit, "source": p.source} for p in procedures]}


def export_yaml() -> str:
    return yaml.safe_dump(document(), allow_unicode=True, sort_keys=False, width=120)


def export_csv() -> str:
    """One row per agency; ``successors`` is "CODE@YYYY-MM-DD" joined by ";"."""
    data = document()
    after: dict[str, list[str]] = {}
    for s in data["successions"]:
        after.setdefault(s["predecessor"], []).append(f"{s['successor']}@{s['date']}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for rec in data["agencies"]:
        writer.writerow({**rec, "successors": ";".join(after.get(rec["code"], []))})
    return out.getvalue()


def parse_csv(text: str) -> dict[str, Any]:
    """The CSV export read back into the import format (empty cells are absent values)."""
    agencies, successions = [], []
    for row in csv.DictReader(io.StringIO(text)):
        links = (row.pop("successors", None) or "").split(";")
        rec = {k: (v.strip() or None) for k, v in row.items() if k is not None}
        agencies.append(rec)
        for link in filter(None, (item.strip() for item in links)):
            code, _, day = link.partition("@")
            successions.append({"predecessor": rec.get("code"), "successor": code, "date": day})
    return {"agencies": agencies, "successions": successions}


def parse(text: str, fmt: str) -> dict[str, Any]:
    """:raises DirectoryInvalid: when the text is not YAML/CSV at all."""
    try:
        return parse_csv(text) if fmt == "csv" else yaml.safe_load(text)
    except (yaml.YAMLError, csv.Error) as exc:
        raise records.DirectoryInvalid([f"cannot read the file: {exc}"]) from exc


def import_text(text: str, fmt: str, *, actor: User | None, source: str) -> LoadResult:
    """Validate and load; nothing is written if any record is wrong. Flushes."""
    result = load_data(parse(text, fmt))
    audit.record(db.session, actor=actor, action="directory.import", subject=source[:200],
                 detail={"created": result.created, "updated": result.updated})
    return result
