"""The reporter's tracking page: find by code + receipt, follow, reply, rate, reopen."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, session, url_for)
from flask_babel import get_locale

from portal import clock
from portal.errors import PortalError, ValidationFailed
from portal.extensions import db, limiter
from portal.i18n import _
from portal.tickets import attachments, history, queries, tracking, workflow
from portal.web.filing import remember_tracked
from portal.dispatch import send_queued_mail
from portal.web.track.forms import RateForm, ReopenForm, ReplyForm, TrackForm

bp = Blueprint("track", __name__, url_prefix="/track")


def _tracked_ticket(code: str):
    """The report if this browser proved the receipt for it; else 404 (same as unknown)."""
    ticket = queries.by_code(code)
    if ticket is None or ticket.code not in session.get("tracked", []):
        abort(404)
    return ticket


def _submitted_code() -> str:
    """Rate-limit key: the normalised tracking code of the look-up, whoever sends it."""
    return "code:" + tracking.normalise_code(request.form.get("code", ""))[:40]


@bp.route("", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_TRACKING"], methods=["POST"])
# Only failed look-ups count against the code, so its reporter is not locked out by success.
@limiter.limit(lambda: current_app.config["RATELIMIT_TRACKING_PER_CODE"], methods=["POST"],
               key_func=_submitted_code, deduct_when=lambda response: response.status_code != 302)
def lookup():
    # Links in our e-mails carry the code (never the receipt): fill it in.
    form = TrackForm(code=request.args.get("code", "")[:40])
    if form.validate_on_submit():
        ticket = tracking.find_for_reporter(form.code.data, form.receipt.data,
                                            current_app.config["RECEIPT_KEY"])
        if ticket is not None:
            remember_tracked(ticket.code)
            return redirect(url_for("track.view", code=ticket.code))
        # One message for an unknown code and for a wrong receipt.
        form.form_errors.append(_("No report matches this code and receipt. Check both and try again."))
    return render_template("track/lookup.html", form=form), 422 if form.errors else 200


def _render(ticket, **forms):
    now = clock.now_utc()
    config = current_app.config
    context = {
        "ticket": ticket, "timeline": history.for_reporter(ticket, str(get_locale())),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "rate_form": forms.get("rate_form") or RateForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "can_rate": workflow.can_rate(ticket, now, config),
        "can_reopen": workflow.feedback_window_open(ticket, now, config),
        "can_reply": ticket.status.value not in ("closed", "rejected"),
    }
    status = 422 if any(f.errors for f in forms.values()) else 200
    return render_template("track/view.html", **context), status


@bp.route("/<code>")
def view(code: str):
    return _render(_tracked_ticket(code))


def _act(code: str, form_name: str, form, action):
    ticket = _tracked_ticket(code)
    if form.validate_on_submit():
        try:
            action(ticket, form)
        except ValidationFailed as exc:
            db.session.rollback()
            form.populate_errors(exc.errors)
        except PortalError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            return redirect(url_for("track.view", code=ticket.code))
        else:
            db.session.commit()
            send_queued_mail()
            flash(_("Thank you. Your report was updated."), "success")
            return redirect(url_for("track.view", code=ticket.code))
    return _render(ticket, **{form_name: form})


@bp.route("/<code>/reply", methods=["POST"])
def reply(code: str):
    return _act(code, "reply_form", ReplyForm(), lambda t, f: workflow.reporter_reply(
        t, f.body.data, now=clock.now_utc()))


@bp.route("/<code>/rate", methods=["POST"])
def rate(code: str):
    def action(ticket, form):
        score = int(form.score.data) if str(form.score.data).isdigit() else 0
        workflow.rate(ticket, score, form.comment.data or "", now=clock.now_utc(),
                      config=current_app.config)
    return _act(code, "rate_form", RateForm(), action)


@bp.route("/<code>/reopen", methods=["POST"])
def reopen(code: str):
    return _act(code, "reopen_form", ReopenForm(), lambda t, f: workflow.reopen(
        t, f.reason.data, now=clock.now_utc(), config=current_app.config))


@bp.route("/<code>/attachments/<int:attachment_id>")
def attachment(code: str, attachment_id: int):
    ticket = _tracked_ticket(code)
    found = next((a for a in ticket.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    return send_file(attachments.path_of(found, current_app.config["UPLOAD_FOLDER"]),
                     mimetype=found.content_type, as_attachment=True,
                     download_name=found.original_name)
