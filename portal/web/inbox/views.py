"""The agency inbox: list, open a report, act on it."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, session, url_for)
from flask_babel import get_locale
from flask_login import current_user

from portal import audit, clock
from portal.accounts import permissions
from portal.errors import Conflict, NotFound, PortalError, ValidationFailed
from portal.extensions import db
from portal.i18n import _
from portal.models import Attachment
from portal.tickets import attachments, history, holds, identity, queries, redaction, workflow
from portal.web.inbox.forms import ACTION_FORMS, FilterForm, RevealForm
from portal.dispatch import send_queued_mail
from portal.web.staff import require

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
# After a reveal, the inspector's browser sees the identity for this long; then a new reveal
# (with a new reason, a new public event) is needed.
REVEAL_WINDOW = timedelta(minutes=10)

_SERVICES = {
    "acknowledge": lambda t, f, **kw: workflow.acknowledge(t, **kw),
    "request_info": lambda t, f, **kw: workflow.request_info(t, f.body.data, **kw),
    "answer": lambda t, f, **kw: workflow.answer(t, f.body.data, f.legal_basis.data or "", **kw),
    "note": lambda t, f, **kw: workflow.add_note(t, f.body.data, **kw),
    "transfer": lambda t, f, **kw: workflow.transfer(t, f.reason.data, **kw),
    "close": lambda t, f, **kw: workflow.close(t, **kw),
    "extend": lambda t, f, **kw: workflow.extend(t, f.reason.data, f.apology.data, **kw),
}


@bp.route("")
@require(permissions.can_use_inbox)
def index():
    form = FilterForm(request.args)
    flt = queries.InboxFilter(status=form.status.data or "", category=form.category.data or "",
                              overdue=bool(form.overdue.data))
    page = queries.inbox(current_user, flt, now=clock.now_utc(),
                         size=current_app.config["INBOX_PAGE_SIZE"],
                         after=queries.Cursor.parse(request.args.get("after")),
                         before=queries.Cursor.parse(request.args.get("before")))
    return render_template("inbox/index.html", form=form, page=page)


def _visible_ticket(code: str):
    ticket = queries.by_code(code)
    # Another agency's report is "not found", never "forbidden".
    if ticket is None or not permissions.can_view(current_user, ticket):
        abort(404)
    return ticket


def _revealed(ticket) -> bool:
    """Did this inspector reveal the identity (with a reason) within the last few minutes?"""
    until = (session.get("revealed") or {}).get(ticket.code)
    return (until is not None and permissions.can_reveal_identity(current_user, ticket)
            and clock.now_utc() < datetime.fromisoformat(until))


def _identity_shown(ticket) -> bool:
    return permissions.identity_visible(current_user, ticket) or _revealed(ticket)


def _render(ticket, forms=None, status=200, reveal_form=None):
    forms = forms or {}
    for name, cls in ACTION_FORMS.items():
        forms.setdefault(name, cls(formdata=None, version=ticket.version, prefix=name))
    shown = _identity_shown(ticket)
    can_reveal = permissions.can_reveal_identity(current_user, ticket) and not shown
    return render_template(
        "inbox/detail.html", ticket=ticket, forms=forms,
        timeline=history.for_staff(ticket, str(get_locale()),
                                   with_reveals=permissions.sees_identity_reveals(current_user)),
        segments=holds.for_ticket(ticket),
        can_act=permissions.can_act(current_user, ticket),
        show_identity=shown, show_attachment_details=shown,
        can_download_original=permissions.can_download_original(current_user, ticket),
        reveal_form=(reveal_form or RevealForm(formdata=None)) if can_reveal else None,
        moderated=redaction.moderated_events(ticket)
        if permissions.can_moderate(current_user) else []), status


@bp.route("/<code>")
@require(permissions.can_use_inbox)
def detail(code: str):
    return _render(_visible_ticket(code))


@bp.route("/<code>/<action>", methods=["POST"])
@require(permissions.can_use_inbox)
def act(code: str, action: str):
    if action not in ACTION_FORMS:
        abort(404)
    ticket = _visible_ticket(code)
    if not permissions.can_act(current_user, ticket):  # may read it, but not work it
        abort(403)
    form = ACTION_FORMS[action](prefix=action)  # prefixes keep field ids unique on the page
    if not form.validate_on_submit():
        return _render(ticket, {action: form}, 422)
    try:
        _SERVICES[action](ticket, form, actor=current_user, now=clock.now_utc(),
                          expected_version=form.version.data)
        db.session.commit()
    except NotFound:
        abort(404)
    except (ValidationFailed, Conflict, PortalError) as exc:
        db.session.rollback()
        ticket = _visible_ticket(code)
        if isinstance(exc, ValidationFailed):
            form.populate_errors(exc.errors)
        else:
            form.form_errors.append(exc.message)
        # Keep what the officer typed, but on the latest version so a retry can succeed.
        form.version.data = ticket.version
        form.version.raw_data = [str(ticket.version)]  # the widget renders raw_data first
        status = 409 if isinstance(exc, Conflict) else 422
        return _render(ticket, {action: form}, status)
    send_queued_mail()  # after the commit above; never fails the request
    flash(_("Saved."), "success")
    return redirect(url_for("inbox.detail", code=ticket.code))


@bp.route("/<code>/identity", methods=["POST"])
@require(permissions.can_use_inbox)
def reveal_identity(code: str):
    ticket = _visible_ticket(code)
    if not permissions.can_reveal_identity(current_user, ticket):
        abort(403)
    form = RevealForm()
    if not form.validate_on_submit():
        return _render(ticket, status=422, reveal_form=form)
    now = clock.now_utc()
    try:
        identity.reveal(ticket, form.reason.data, actor=current_user, now=now)
    except ValidationFailed as exc:
        db.session.rollback()
        form.populate_errors(exc.errors)
        return _render(_visible_ticket(code), status=422, reveal_form=form)
    db.session.commit()
    session["revealed"] = {**(session.get("revealed") or {}),
                           ticket.code: (now + REVEAL_WINDOW).isoformat()}
    flash(_("The reporter's identity is shown below; the reporter is told, with your reason."),
          "info")
    return redirect(url_for("inbox.detail", code=ticket.code))


@bp.route("/attachments/<int:attachment_id>")
@require(permissions.can_use_inbox)
def attachment(attachment_id: int):
    found = db.session.get(Attachment, attachment_id)
    if found is None or not permissions.can_view(current_user, found.ticket):
        abort(404)
    name = found.original_name
    if not _identity_shown(found.ticket):
        # The original name may identify the reporter: number the file as the page does.
        position = [a.id for a in found.ticket.attachments].index(found.id) + 1
        name = permissions.generic_attachment_name(position, found.content_type)
    original = request.args.get("original") == "1"
    if original:
        # The image as uploaded, with its metadata: the inspectorate's evidence, audited.
        if not permissions.can_download_original(current_user, found.ticket) \
                or found.original_stored_name is None:
            abort(404)
        audit.record(db.session, actor=current_user, action="attachment.original_downloaded",
                     ticket=found.ticket, subject=str(found.id))
        db.session.commit()
    return send_file(attachments.path_of(found, current_app.config["UPLOAD_FOLDER"],
                                         original=original),
                     mimetype=found.content_type, as_attachment=True, download_name=name)
