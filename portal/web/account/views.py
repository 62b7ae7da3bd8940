"""A staff member's own account: API tokens (shown once, revocable), the TOTP second factor,
the password."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from portal import clock
from portal.accounts import tokens, totp, users
from portal.errors import NotFound
from portal.extensions import db
from portal.i18n import _
from portal.web.account.forms import CodeForm, NewTokenForm, PasswordForm, RevokeTokenForm
from portal.web.form_actions import committed

bp = Blueprint("account", __name__, url_prefix="/account")


def _render(form: NewTokenForm, status: int = 200):
    rows = [(t, RevokeTokenForm(formdata=None, prefix=f"t{t.id}"))
            for t in tokens.for_user(current_user)]
    # A new token is shown once, on the page right after it was created.
    secret = session.pop("new_token", None)
    return render_template("account/tokens.html", form=form, rows=rows, secret=secret), status


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens_page():
    form = NewTokenForm()
    if form.validate_on_submit():
        issued = tokens.issue(current_user, label=form.label.data, now=clock.now_utc(),
                              key=current_app.config["RECEIPT_KEY"], actor=current_user)
        db.session.commit()
        session["new_token"] = issued.secret
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
        return redirect(url_for("account.tokens_page"))
    return _render(form, 422 if form.errors else 200)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    if not RevokeTokenForm(prefix=f"t{token_id}").validate_on_submit():
        abort(400)
    try:
        tokens.revoke(current_user, token_id, now=clock.now_utc())
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("Token revoked."), "success")
    return redirect(url_for("account.tokens_page"))


def _render_totp(form: CodeForm, status: int = 200):
    secret = uri = None
    if not current_user.totp_secret:
        # The secret being enrolled waits in the (signed) session until a code proves it.
        secret = session.setdefault("totp_pending", totp.new_secret())
        uri = totp.provisioning_uri(secret, current_user.username)
    return render_template("account/totp.html", form=form, secret=secret, uri=uri), status


@bp.route("/totp", methods=["GET", "POST"])
@login_required
def totp_page():
    form = CodeForm()
    if not current_user.totp_secret and form.validate_on_submit() and committed(
            form, lambda: totp.enable(current_user, session.get("totp_pending", ""),
                                      form.code.data, now=clock.now_utc(),
                                      key=current_app.config["TOTP_KEY"])):
        session.pop("totp_pending", None)
        flash(_("Two-step sign-in is on. You will be asked for a code after your password."),
              "success")
        return redirect(url_for("account.totp_page"))
    return _render_totp(form, 422 if form.errors else 200)


@bp.route("/totp/disable", methods=["POST"])
@login_required
def totp_disable():
    form = CodeForm()
    if current_user.totp_secret and form.validate_on_submit() and committed(
            form, lambda: totp.disable(current_user, form.code.data, now=clock.now_utc(),
                                       key=current_app.config["TOTP_KEY"])):
        flash(_("Two-step sign-in is off."), "info")
        return redirect(url_for("account.totp_page"))
    return _render_totp(form, 422)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit() and committed(form, lambda: users.change_password(
            current_user, form.current.data, form.new.data, now=clock.now_utc())):
        flash(_("Your password was changed."), "success")
        return redirect(url_for("account.password"))
    return render_template("account/password.html", form=form), 422 if form.errors else 200
