"""The administrator's pages: the legal clock (calendar overrides, time limits) and the audit log."""
from __future__ import annotations

import csv
import io
from datetime import date
from functools import lru_cache

import holidays
from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, stream_with_context, url_for)
from flask_babel import format_date, get_locale
from flask_login import current_user

from portal import audit, clock
from portal.accounts import permissions
from portal.deadlines import settings
from portal.deadlines.working_days import local_day
from portal.extensions import db
from portal.i18n import _
from portal.models.vocab import Category
from portal.web.admin.forms import (AuditFilterForm, DeleteOverrideForm, OverrideForm, PolicyForm,
                                    SaveForm, parse_iso_date)
from portal.web.form_actions import committed
from portal.web.staff import require

bp = Blueprint("admin", __name__, url_prefix="/admin")

# UI locale -> the holidays package's language; Vietnamese for anything it does not name.
_HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}


@lru_cache(maxsize=16)
def _national_calendar(year: int, language: str) -> tuple[tuple, tuple]:
    """(day, name) public holidays and the swapped working Saturdays the package knows."""
    calendar = holidays.VN(years=year, language=language)
    saturdays = sorted(d for d in calendar.weekend_workdays if d.year == year)
    return tuple(sorted(calendar.items())), tuple(saturdays)


def _delete_prefix(day: date) -> str:
    # One prefix per row keeps the hidden token ids unique on the page.
    return f"d{day:%Y%m%d}"


def _render_calendar(form: OverrideForm, status: int = 200):
    year = local_day(clock.now_utc()).year
    language = _HOLIDAY_LANGUAGES.get(str(get_locale()), "vi")
    public_holidays, working_saturdays = _national_calendar(year, language)
    rows = [(row, DeleteOverrideForm(formdata=None, prefix=_delete_prefix(row.day)))
            for row in settings.overrides()]
    return render_template("admin/calendar.html", form=form, rows=rows, year=year,
                           public_holidays=public_holidays, working_saturdays=working_saturdays,
                           format_date=format_date), status


@bp.route("/calendar", methods=["GET", "POST"])
@require(permissions.can_administer)
def calendar():
    form = OverrideForm()
    if form.validate_on_submit() and committed(form, lambda: settings.add_override(
            form.day.data, working=form.working, note=form.note.data, now=clock.now_utc(),
            actor=current_user)):
        flash(_("%(date)s was added to the calendar.",
                date=format_date(form.day.data, "full")), "success")
        return redirect(url_for("admin.calendar"))
    return _render_calendar(form, 422 if form.errors else 200)


@bp.route("/calendar/<day>/delete", methods=["POST"])
@require(permissions.can_administer)
def delete_override(day: str):
    parsed = parse_iso_date(day)
    if parsed is None:
        abort(404)
    if not DeleteOverrideForm(prefix=_delete_prefix(parsed)).validate_on_submit():
        abort(400)
    shown = format_date(parsed, "full")
    if settings.remove_override(parsed, actor=current_user):
        db.session.commit()
        flash(_("%(date)s was removed from the calendar.", date=shown), "success")
    else:  # e.g. a second click, or another administrator was quicker
        flash(_("There was no entry for %(date)s.", date=shown), "info")
    return redirect(url_for("admin.calendar"))


@bp.route("/sla", methods=["GET", "POST"])
@require(permissions.can_administer)
def sla():
    form = SaveForm()
    current = settings.policies()
    # On GET each category's form shows the stored policy; on POST, what was typed.
    rows = [(category, PolicyForm(obj=current[category], prefix=category.value))
            for category in Category]
    if form.validate_on_submit() and all([f.validate() for _c, f in rows]):  # every error shown
        now = clock.now_utc()
        for category, policy_form in rows:
            settings.set_policy(category, policy_form.to_policy(), now=now, actor=current_user)
        db.session.commit()
        flash(_("Time limits saved. Reports already filed keep their due dates."), "success")
        return redirect(url_for("admin.sla"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/sla.html", form=form, rows=rows), status


@bp.route("/audit")
@require(permissions.can_administer)
def audit_log():
    form = AuditFilterForm(request.args)
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None), 422
    page = audit.entries(form.to_filter(), before=request.args.get("before", type=int),
                         size=current_app.config["INBOX_PAGE_SIZE"])
    return render_template("admin/audit.html", form=form, page=page)


@bp.route("/audit.csv")
@require(permissions.can_administer)
def audit_export():
    form = AuditFilterForm(request.args)
    if not form.validate():
        abort(400)

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in audit.export_rows(form.to_filter()):
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return Response(stream_with_context(lines()), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=audit-{clock.now_utc():%Y%m%d-%H%M%S}.csv"})
