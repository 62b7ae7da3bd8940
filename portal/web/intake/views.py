"""Hotline and one-stop counter intake: a clerk files on a caller's behalf."""
from __future__ import annotations

from flask import Blueprint, render_template

from portal.accounts import permissions
from portal.web import filing
from portal.web.intake.forms import STAFF_CHANNELS, IntakeForm
from portal.web.staff import require

bp = Blueprint("intake", __name__, url_prefix="/intake")


@bp.route("/new", methods=["GET", "POST"])
@require(permissions.can_file_for_caller)
def new():
    form = IntakeForm()
    channel = form.channel.data if form.channel.data in {c.value for c in STAFF_CHANNELS} else "?"
    response = filing.file_report(form, channel)
    if response is not None:
        return response
    fields = filing.prepare(form)  # the lists are needed to render the form, not to file
    status = 422 if form.errors else 200
    return render_template("intake/new.html", form=form, fields=fields), status
