"""Moderating what the public reads of staff texts (answers, questions, rejection reasons)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import clock
from portal.accounts import permissions
from portal.errors import NotFound, PermissionDenied
from portal.i18n import _
from portal.tickets import queries, redaction
from portal.web.form_actions import committed
from portal.web.moderation.forms import PublicCopyForm
from portal.web.staff import require

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.route("/<code>/<int:event_id>", methods=["GET", "POST"])
@require(permissions.can_use_inbox)
def edit(code: str, event_id: int):
    ticket = queries.by_code(code)
    if ticket is None:
        abort(404)
    try:
        event = redaction.moderated_event(ticket, event_id, actor=current_user)
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    form = PublicCopyForm(body=redaction.public_copy(event))
    if form.validate_on_submit() and committed(form, lambda: redaction.set_public_copy(
            ticket, event_id, form.body.data, actor=current_user, now=clock.now_utc())):
        flash(_("The public copy was saved. Staff still see the original."), "success")
        return redirect(url_for("inbox.detail", code=ticket.code))
    return render_template("moderation/edit.html", ticket=ticket, event=event, form=form), \
        422 if form.errors else 200
