"""The coordinator's triage queue: reports with no agency, or sent back by one."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from portal import clock
from portal.accounts import permissions
from portal.deadlines.working_days import local_day
from portal.directory.form_lists import form_lists
from portal.errors import PortalError, ValidationFailed
from portal.extensions import db
from portal.i18n import _
from portal.models import Agency
from portal.routing import triage as routing_triage
from portal.tickets import queries, workflow
from portal.web import directory_choices
from portal.web.staff import require
from portal.web.triage.forms import AssignForm, RejectForm

bp = Blueprint("triage", __name__, url_prefix="/triage")


def _assign_form(ticket, choices, suggested_id=None):
    form = AssignForm(formdata=None, version=ticket.version, agency_id=suggested_id or 0,
                      prefix=f"t{ticket.id}")
    form.agency_id.choices = choices
    return form


@bp.route("")
@require(permissions.can_triage)
def index():
    page = queries.triage(size=current_app.config["INBOX_PAGE_SIZE"],
                          after=queries.Cursor.parse(request.args.get("after")),
                          before=queries.Cursor.parse(request.args.get("before")))
    lists = form_lists(str(get_locale()), local_day(clock.now_utc()))
    choices = directory_choices.options(lists, "agencies", (0, _("Choose an agency")))
    suggestions = routing_triage.suggestions_for(page.items)
    rows = []
    for t in page.items:
        hints = suggestions.get(t.id, [])
        first = next((h.agencies[0].id for h in hints if h.agencies), None)
        rows.append((t, hints, _assign_form(t, choices, first),
                     RejectForm(formdata=None, version=t.version, prefix=f"r{t.id}")))
    return render_template("triage/index.html", page=page, rows=rows)


def _ticket_in_triage(code: str):
    ticket = queries.by_code(code)
    if ticket is None:
        abort(404)
    return ticket


def _apply(code: str, run) -> object:
    try:
        run()
        db.session.commit()
        flash(_("Saved."), "success")
    except ValidationFailed as exc:
        db.session.rollback()
        flash(" ".join(str(m) for _f, m in exc.errors), "error")
    except PortalError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    return redirect(url_for("triage.index"))


@bp.route("/<code>/assign", methods=["POST"])
@require(permissions.can_triage)
def assign(code: str):
    ticket = _ticket_in_triage(code)
    form = AssignForm(prefix=f"t{ticket.id}")
    form.agency_id.choices = []
    if not form.validate_on_submit():
        flash(_("Choose an agency from the list."), "error")
        return redirect(url_for("triage.index"))
    agency = db.session.get(Agency, form.agency_id.data)
    if agency is None:
        flash(_("Choose an agency from the list."), "error")
        return redirect(url_for("triage.index"))
    return _apply(code, lambda: workflow.assign(
        ticket, agency, actor=current_user, now=clock.now_utc(),
        expected_version=form.version.data))


@bp.route("/<code>/reject", methods=["POST"])
@require(permissions.can_triage)
def reject(code: str):
    ticket = _ticket_in_triage(code)
    form = RejectForm(prefix=f"r{ticket.id}")
    if not form.validate_on_submit():
        flash(_("Give the reason the reporter will see."), "error")
        return redirect(url_for("triage.index"))
    return _apply(code, lambda: workflow.reject(
        ticket, form.reason.data, actor=current_user, now=clock.now_utc(),
        expected_version=form.version.data))
