"""A staff member's API tokens: create one (shown once), see them, revoke them."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from portal import clock
from portal.accounts import tokens
from portal.errors import NotFound
from portal.extensions import db
from portal.i18n import _
from portal.web.account.forms import NewTokenForm, RevokeTokenForm

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
