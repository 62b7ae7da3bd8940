"""Public directory: the agencies valid on a day (today by default) and each agency's history,
with links to its predecessors and successors."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request

from portal import clock
from portal.deadlines.working_days import local_day
from portal.directory import lookup
from portal.models.vocab import GROUP_LABELS
from portal.replica import read_only

bp = Blueprint("directory", __name__)


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("on", ""))
    except ValueError:
        return local_day(clock.now_utc())


@bp.route("/agencies")
@read_only
def index():
    day = _day()
    return render_template("directory/index.html", day=day, agencies=lookup.agencies(on=day),
                           is_today=day == local_day(clock.now_utc()), group_labels=GROUP_LABELS)


@bp.route("/agencies/<code>")
@read_only
def agency(code: str):
    found = lookup.agency_by_code(code)
    if found is None:
        abort(404)
    return render_template("directory/agency.html", agency=found, group_labels=GROUP_LABELS,
                           current=found.is_valid_on(local_day(clock.now_utc())),
                           before=lookup.successions_to(found), after=lookup.successions_from(found))
