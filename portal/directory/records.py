"""The directory file format: what an agency, succession and procedure record holds, and the
checks every file passes before anything is loaded (shipped data and imports alike)."""
from __future__ import annotations

from datetime import date
from typing import Any

from portal.errors import PortalError
from portal.models import AgencyGroup, Sector

AGENCY_FIELDS = ("code", "name_vi", "name_en", "sector", "group", "hotline", "email", "locality",
                 "valid_from", "valid_to", "source")
REQUIRED = ("code", "name_vi", "name_en", "sector", "group", "valid_from")
LIMITS = {"code": 40, "name_vi": 200, "name_en": 200, "hotline": 40, "email": 254,
          "locality": 120, "source": 500}
TARGET_UNITS = {"working_days", "days", "hours"}


class DirectoryInvalid(PortalError):
    """A directory document broke the format; ``problems`` says where and how."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def agency_values(rec: dict[str, Any]) -> dict[str, Any]:
    return {"name_vi": rec["name_vi"], "name_en": rec["name_en"], "sector": Sector(rec["sector"]),
            "group": AgencyGroup(rec["group"]), "hotline": rec.get("hotline") or None,
            "email": rec.get("email") or None, "locality": rec.get("locality") or None,
            "valid_from": as_date(rec["valid_from"]), "valid_to": as_date(rec.get("valid_to")),
            "source": rec.get("source") or None}


def procedure_values(rec: dict[str, Any], agency_ids: dict[str, int]) -> dict[str, Any]:
    return {"name_vi": rec["name_vi"], "name_en": rec["name_en"],
            "agency_id": agency_ids[rec["agency"].upper()],
            "target_value": rec.get("target_value"), "target_unit": rec.get("target_unit"),
            "source": rec.get("source")}


def _date_problem(where: str, key: str, value: Any) -> str | None:
    try:
        as_date(value)
    except (TypeError, ValueError):
        return f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)"
    return None


def _agency_problems(i: int, rec: Any) -> list[str]:
    if not isinstance(rec, dict):
        return [f"agencies[{i}]: not a mapping"]
    where = f"agencies[{i}] {rec.get('code', '?')}"
    problems = [f"{where}: {key} is required" for key in REQUIRED if not rec.get(key)]
    problems += [f"{where}: unknown field {key}" for key in rec if key not in AGENCY_FIELDS]
    problems += [f"{where}: {key} is longer than {n} characters" for key, n in LIMITS.items()
                 if len(str(rec.get(key) or "")) > n]
    if rec.get("sector") and rec["sector"] not in Sector.__members__:
        problems.append(f"{where}: unknown sector {rec['sector']!r}")
    if rec.get("group") and rec["group"] not in AgencyGroup.__members__:
        problems.append(f"{where}: unknown group {rec['group']!r}")
    dates = [_date_problem(where, k, rec.get(k)) for k in ("valid_from", "valid_to")]
    problems += [p for p in dates if p]
    if not any(dates) and rec.get("valid_to") and rec.get("valid_from") and \
            as_date(rec["valid_to"]) < as_date(rec["valid_from"]):
        problems.append(f"{where}: valid_to is before valid_from")
    return problems


def _succession_problems(i: int, rec: Any, codes: set[str]) -> list[str]:
    if not isinstance(rec, dict):
        return [f"successions[{i}]: not a mapping"]
    where = f"successions[{i}] {rec.get('predecessor', '?')} → {rec.get('successor', '?')}"
    problems = [f"{where}: {key} is required" for key in ("predecessor", "successor", "date")
                if not rec.get(key)]
    problems += [f"{where}: unknown agency {rec[k]}" for k in ("predecessor", "successor")
                 if rec.get(k) and str(rec[k]).upper() not in codes]
    if rec.get("predecessor") and str(rec["predecessor"]).upper() == str(rec.get("successor")).upper():
        problems.append(f"{where}: an agency cannot succeed itself")
    date_problem = _date_problem(where, "date", rec.get("date"))
    return problems + ([date_problem] if date_problem else [])


def _procedure_problems(i: int, rec: Any, codes: set[str]) -> list[str]:
    if not isinstance(rec, dict):
        return [f"procedures[{i}]: not a mapping"]
    where = f"procedures[{i}] {rec.get('code', '?')}"
    problems = [f"{where}: {key} is required" for key in ("code", "name_vi", "name_en", "agency")
                if not rec.get(key)]
    if rec.get("agency") and str(rec["agency"]).upper() not in codes:
        problems.append(f"{where}: unknown agency {rec['agency']}")
    if rec.get("target_unit") not in {None, *TARGET_UNITS}:
        problems.append(f"{where}: target_unit must be one of {sorted(TARGET_UNITS)}")
    return problems


def validate(data: Any, *, known_codes: set[str]) -> None:
    """:raises DirectoryInvalid: with every problem, so a file is fixed in one pass."""
    if not isinstance(data, dict) or not any(data.get(k) for k in
                                             ("agencies", "successions", "procedures")):
        raise DirectoryInvalid(["the file has no agencies, successions or procedures"])
    agencies = data.get("agencies") or []
    problems = [p for i, rec in enumerate(agencies) for p in _agency_problems(i, rec)]
    codes = [str(r.get("code")).upper() for r in agencies if isinstance(r, dict)]
    problems += [f"agencies: code {c} appears more than once" for c in sorted(set(codes))
                 if codes.count(c) > 1]
    problems += [f"agencies: code {r['code']} must be upper case" for r in agencies
                 if isinstance(r, dict) and r.get("code") and str(r["code"]) != str(r["code"]).upper()]
    known = known_codes | set(codes)
    problems += [p for i, rec in enumerate(data.get("successions") or [])
                 for p in _succession_problems(i, rec, known)]
    problems += [p for i, rec in enumerate(data.get("procedures") or [])
                 for p in _procedure_problems(i, rec, known)]
    if problems:
        raise DirectoryInvalid(problems)
