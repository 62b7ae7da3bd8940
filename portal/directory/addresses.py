"""Addresses before and after 1/7/2025: the commune picker's options and the conversion of an
old district-based address ("xã Vũ Hội, huyện Vũ Thư, tỉnh Thái Bình") to today's commune,
from the map generated out of vietnam-address-converter (portal/directory/generate.py).

The converter package itself is not called at run time: building its index takes about 25 s,
too slow for a web request, so its mapping rows are shipped as a data file instead.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from portal.directory import lookup
from portal.directory.generate import ADDRESS_MAP_FILE, commune_code, plain
from portal.directory.loader import DATA_DIR, read_file
from portal.extensions import db
from portal.models import Agency, AgencyGroup


@dataclass(frozen=True)
class Commune:
    """A commune-level unit in force today and its people's committee."""
    agency: Agency
    name: str          # "Xã Thư Vũ"
    province: str      # "Tỉnh Hưng Yên"

    @property
    def label(self) -> str:
        return f"{self.name}, {self.province}"


@lru_cache(maxsize=1)
def _address_map() -> dict[str, Any]:
    path = os.path.join(DATA_DIR, ADDRESS_MAP_FILE)
    return read_file(path) if os.path.exists(path) else {"rows": [], "communes": []}


def province_name() -> str:
    return _address_map().get("province") or ""


def communes(day: date) -> list[Commune]:
    """The local committees valid on ``day``, as the communes a reporter picks from."""
    province = province_name()
    return sorted((Commune(a, a.locality, province)
                   for a in lookup.agencies(on=day, group=AgencyGroup.local) if a.locality),
                  key=lambda c: plain(c.name))


def commune_choices(day: date) -> list[tuple[int, str, str]]:
    """(committee id, commune name, province name) of each commune valid on ``day``, as the
    commune picker lists them: columns, not entities, since every form page lists them."""
    province = province_name()
    rows = db.session.execute(sa.select(Agency.id, Agency.locality).where(
        lookup.valid_on(day), Agency.group == AgencyGroup.local, Agency.locality.is_not(None))
        .order_by(Agency.name_vi))
    return sorted(((id_, name, province) for id_, name in rows if name),
                  key=lambda row: plain(row[1]))


def commune_by_agency(agency_id: int | None, day: date) -> Commune | None:
    """The commune whose committee has this id, if it is one valid on ``day``."""
    agency = db.session.get(Agency, agency_id) if agency_id else None
    if agency is None or agency.group != AgencyGroup.local or not agency.locality \
            or not agency.is_valid_on(day):
        return None
    return Commune(agency, agency.locality, province_name())


def _parts(text: str) -> list[str]:
    """The address's comma-separated parts, most specific first ("xã …, huyện …, tỉnh …")."""
    return [plain(part) for part in text.replace(";", ",").split(",") if part.strip()]


@lru_cache(maxsize=1)
def _plain_rows() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(ward, district, province) of each map row, folded once per process: matching an
    address must not fold the whole map on every filing."""
    return [(plain(r["ward"]), plain(r["district"]), plain(r["province"]), r)
            for r in _address_map()["rows"]]


def _rows_for(parts: list[str]) -> list[dict[str, Any]]:
    """Rows whose old ward is the first part naming one, narrowed by the parts after it (a
    district or province), so "huyện Vũ Thư" never matches "thị trấn Vũ Thư"."""
    rows = _plain_rows()
    for i, part in enumerate(parts):
        wider = set(parts[i + 1:])
        found = [(district, r) for ward, district, province, r in rows if ward == part
                 and (not wider or district in wider or province in wider)]
        if found:
            in_district = [r for district, r in found if district in wider]
            return in_district or [r for _district, r in found]
    return []


def convert_old_address(text: str, day: date) -> list[Commune]:
    """Today's communes an old address may now belong to: usually one; none when the map does
    not know the address; several when the old ward name is ambiguous."""
    codes = {commune_code(r["commune"]) for r in _rows_for(_parts(text))}
    if not codes:  # most localities typed are not an old address: no directory query
        return []
    return [c for c in communes(day) if c.agency.code in codes]
