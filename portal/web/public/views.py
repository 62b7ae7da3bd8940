"""Public pages: home, filing form and the one-time receipt."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, session

from portal.extensions import limiter
from portal.models.vocab import Channel
from portal.tickets import queries
from portal.web import filing
from portal.web.public.forms import SubmissionForm

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    return render_template("public/home.html")


@bp.route("/feedback/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_FILING"], methods=["POST"])
def submit():
    form = SubmissionForm()
    response = filing.file_report(form, Channel.web)
    if response is not None:
        return response
    fields = filing.prepare(form)  # the lists are needed to render the form, not to file
    status = 422 if form.errors else 200
    return render_template("public/submit.html", form=form, fields=fields), status


@bp.route("/feedback/<code>/received")
def received(code: str):
    """The acknowledgement, with the receipt shown exactly once."""
    ticket = queries.by_code(code)
    if ticket is None or code not in session.get("tracked", []):
        abort(404)
    pending = session.get("receipt")
    receipt = None
    if pending and pending.get("code") == ticket.code:
        pending = session.pop("receipt")
        receipt = pending["receipt"]
        if pending.get("key"):  # shown now: a repeated form must not show it again
            filing.mark_receipt_shown(pending["key"])
    return render_template("public/received.html", ticket=ticket, receipt=receipt)
