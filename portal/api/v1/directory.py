"""The public directory (agencies and procedures) and the published scores."""
from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, request

from portal import clock
from portal.api.v1 import bp
from portal.api.v1.errors import Problem
from portal.deadlines.working_days import local_day
from portal.directory import lookup
from portal.extensions import db, limiter
from portal.i18n import _
from portal.scoring import export, publish
from portal.replica import read_only


def _on() -> date | None:
    """?on=YYYY-MM-DD: agencies valid that day; ?on=all: the whole history; default today."""
    value = request.args.get("on", "")
    if value == "all":
        return None
    if not value:
        return local_day(clock.now_utc())
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Problem("validation-failed", errors=[
            ("on", _("Give a date as YYYY-MM-DD, or “all”."))]) from None


@bp.get("/agencies")
@read_only
def agencies():
    return jsonify({"items": [
        {"id": a.id, "code": a.code, "name_vi": a.name_vi, "name_en": a.name_en,
         "sector": a.sector.value, "group": a.group.value, "locality": a.locality,
         "hotline": a.hotline, "email": a.email, "valid_from": a.valid_from.isoformat(),
         "valid_to": a.valid_to.isoformat() if a.valid_to else None}
        for a in lookup.agencies(on=_on())]})


@bp.get("/procedures")
@read_only
def procedures():
    return jsonify({"items": [
        {"id": p.id, "code": p.code, "name_vi": p.name_vi, "name_en": p.name_en,
         "agency": p.agency.code, "target_value": p.target_value, "target_unit": p.target_unit}
        for p in lookup.procedures()]})


def _public_read_limit():
    return current_app.config["RATELIMIT_TRACKING"]


@bp.get("/scores/<period>")
@limiter.limit(_public_read_limit)
@read_only
def scores(period: str):
    """The latest published version of a period's ranking (the immutable snapshot)."""
    ranking = publish.published(db.session, period)
    if ranking is None:
        raise Problem("not-published")
    return jsonify(export.document(ranking))
