"""Filing steps shared by the public form and the clerk's intake form."""
from __future__ import annotations

import secrets
from datetime import date

import sqlalchemy as sa

from flask import current_app, flash, redirect, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from portal import clock
from portal.deadlines.working_days import local_day
from portal.directory import addresses
from portal.directory.form_lists import form_lists
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import _
from portal.tickets import form_replays, intake
from portal.dispatch import send_queued_mail
from portal.web import blank_forms
from portal.web.public.forms import SubmissionForm


def _today() -> date:
    return local_day(clock.now_utc())


def prepare(form: SubmissionForm) -> Markup | None:
    """Only agencies and communes valid today are offered. Returns the blank form's fields,
    rendered once per process (blank_forms.py); None when the form shows input or errors."""
    lists = form_lists(str(get_locale()), _today())
    form.set_choices(lists)
    if not form.submission_token.data:  # a new rendering; a re-shown form keeps its token
        form.submission_token.data = secrets.token_urlsafe(24)
    return None if form.is_submitted() else blank_forms.fields_html(type(form), lists)


def suggest_commune(form: SubmissionForm, day: date) -> None:
    """Convert the old address into today's commune and preselect it for the reporter to check."""
    found = addresses.convert_old_address(form.locality.data or "", day)
    form.address_checked.data = form.locality.data
    if len(found) == 1:
        form.commune.data = found[0].agency.id
        form.commune_note = _("Your old address is now in %(commune)s. It is selected below: "
                              "check it, then send the report.", commune=found[0].label)
    elif found:
        form.commune_note = _("Your old address may now be in one of: %(communes)s. Choose the "
                              "right one below.", communes="; ".join(c.label for c in found))
    else:
        form.commune_note = _("The portal does not know this old address. Choose the commune or "
                              "ward from the list.")


def _unconfirmed_old_address(form: SubmissionForm, day: date) -> bool:
    """An old address the reporter has not yet seen converted: show the suggestion first."""
    text = (form.locality.data or "").strip()
    return (not form.commune.data and bool(text) and text != (form.address_checked.data or "")
            and bool(addresses.convert_old_address(text, day)))


def _commune_errors(form: SubmissionForm, commune) -> list[tuple[str, str]]:
    errors = []
    if form.commune.data and commune is None:
        errors.append(("commune", _("Choose a commune or ward from the list.")))
    if form.commune_level.data and commune is None:
        errors.append(("commune", _("Choose the commune or ward whose People's Committee the "
                                    "problem is with.")))
    return errors


def file_report(form: SubmissionForm, channel: str):
    """Validate and file (once per form token and content); on success remember the receipt
    for one showing and redirect."""
    day = _today()
    if form.is_submitted() and (form.find_commune.data or _unconfirmed_old_address(form, day)):
        suggest_commune(form, day)
        return None
    if not form.validate_on_submit():
        return None
    commune = addresses.commune_by_agency(form.commune.data, day)
    if errors := _commune_errors(form, commune):
        form.populate_errors(errors)
        return None
    data = form.to_submission(channel=channel, language=str(get_locale()), commune=commune)
    token, now, config = form.submission_token.data, clock.now_utc(), current_app.config
    # Flask-WTF keeps the session's raw CSRF secret there; it binds the token to this browser.
    binding = session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    key = form_replays.key_for(token, binding, data) if token else None
    if key and (replay := form_replays.find(key, token, now=now,
                                            server_key=config["RECEIPT_KEY"])):
        db.session.commit()
        return _received(replay.code, _unless_shown(replay.receipt, key), key)
    filed_by = current_user if current_user.is_authenticated else None
    try:
        filed = intake.submit_ticket(data, filed_by=filed_by, now=now, config=config)
        if key:
            form_replays.remember(key, token, filed.ticket, filed.receipt, now=now,
                                  server_key=config["RECEIPT_KEY"])
    except ValidationFailed as exc:
        db.session.rollback()
        form.populate_errors(exc.errors)
        return None
    except sa.exc.IntegrityError:  # the same form, sent twice at once: the other one filed it
        db.session.rollback()
        replay = key and form_replays.find(key, token, now=now, server_key=config["RECEIPT_KEY"])
        if not replay:
            raise
        db.session.commit()
        return _received(replay.code, _unless_shown(replay.receipt, key), key)
    code = filed.ticket.code  # read before the commit expires the row (no reload)
    db.session.commit()
    send_queued_mail()
    return _received(code, filed.receipt, key)


def _received(code: str, receipt: str | None, key: str | None):
    # Shown once on the next page, then gone: the receipt is never stored in clear.
    if receipt is not None:
        session["receipt"] = {"code": code, "receipt": receipt, "key": key}
    remember_tracked(code)
    flash(_("Your report was received."), "success")
    return redirect(url_for("public.received", code=code))


# The form keys (form_replays) whose receipt a confirmation page of this browser has shown.
# A repeat of the form can only come from this browser (the key includes its session's
# secret), so keeping the mark in its session shows a receipt once without a database write
# on the confirmation page.
_SHOWN = "receipts_shown"
_SHOWN_KEEP = 5


def mark_receipt_shown(key: str) -> None:
    shown = [k for k in session.get(_SHOWN, []) if k != key]
    session[_SHOWN] = (shown + [key])[-_SHOWN_KEEP:]


def _unless_shown(receipt: str | None, key: str) -> str | None:
    return None if key in session.get(_SHOWN, []) else receipt


def remember_tracked(code: str) -> None:
    tracked = [c for c in session.get("tracked", []) if c != code]
    session["tracked"] = (tracked + [code])[-10:]
