"""Filing steps shared by the public form and the clerk's intake form."""
from __future__ import annotations

from flask import current_app, flash, redirect, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from portal import clock
from portal.directory import lookup
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import _
from portal.tickets import intake
from portal.dispatch import send_queued_mail
from portal.web.public.forms import SubmissionForm


def prepare(form: SubmissionForm) -> None:
    locale = str(get_locale())
    form.set_choices(lookup.agency_choices(locale), lookup.procedure_choices(locale))


def file_report(form: SubmissionForm, channel: str):
    """Validate and file; on success remember the receipt for one showing and redirect."""
    if not form.validate_on_submit():
        return None
    filed_by = current_user if current_user.is_authenticated else None
    try:
        filed = intake.submit_ticket(form.to_submission(channel=channel, language=str(get_locale())),
                                     filed_by=filed_by, now=clock.now_utc(),
                                     config=current_app.config)
    except ValidationFailed as exc:
        db.session.rollback()
        form.populate_errors(exc.errors)
        return None
    db.session.commit()
    send_queued_mail()
    # Shown once on the next page, then gone: the receipt is never stored in clear.
    session["receipt"] = {"code": filed.ticket.code, "receipt": filed.receipt}
    remember_tracked(filed.ticket.code)
    flash(_("Your report was received."), "success")
    return redirect(url_for("public.received", code=filed.ticket.code))


def remember_tracked(code: str) -> None:
    tracked = [c for c in session.get("tracked", []) if c != code]
    session["tracked"] = (tracked + [code])[-10:]
