"""The public directory (agencies and procedures) and the scores, which are not published yet."""
from __future__ import annotations

from flask import jsonify

from portal.api.v1 import bp
from portal.api.v1.errors import Problem
from portal.directory import lookup


@bp.get("/agencies")
def agencies():
    return jsonify({"items": [
        {"id": a.id, "code": a.code, "name_vi": a.name_vi, "name_en": a.name_en,
         "sector": a.sector.value, "group": a.group.value, "locality": a.locality,
         "hotline": a.hotline, "email": a.email} for a in lookup.agencies()]})


@bp.get("/procedures")
def procedures():
    return jsonify({"items": [
        {"id": p.id, "code": p.code, "name_vi": p.name_vi, "name_en": p.name_en,
         "agency": p.agency.code, "target_value": p.target_value, "target_unit": p.target_unit}
        for p in lookup.procedures()]})


@bp.get("/scores/<period>")
def scores(period: str):
    # DDCI scores are computed and published under their own issue; none are published yet.
    raise Problem("not-published")
