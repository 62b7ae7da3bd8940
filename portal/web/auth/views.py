"""Staff sign-in and sign-out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import permissions
from portal.accounts.users import authenticate
from portal.extensions import limiter
from portal.i18n import _
from portal.web.auth.forms import LoginForm

bp = Blueprint("auth", __name__)


def _home_for(user) -> str:
    if permissions.can_triage(user):
        return url_for("triage.index")
    if permissions.can_use_inbox(user):
        return url_for("inbox.index")
    if permissions.can_file_for_caller(user):
        return url_for("intake.new")
    return url_for("public.home")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never redirect to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        allow_demo = current_app.config["DEMO_MODE"] or current_app.config["DEBUG"]
        user = authenticate(form.username.data, form.password.data, allow_demo=allow_demo)
        if user is not None:
            login_user(user)
            flash(_("Signed in."), "success")
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
        form.form_errors.append(_("Wrong username or password."))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("Signed out."), "info")
    return redirect(url_for("public.home"))
