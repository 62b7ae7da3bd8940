"""Staff sign-in (password, then the TOTP code when enrolled) and sign-out."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import format_datetime
from flask_login import current_user, login_required, login_user, logout_user

from portal import clock
from portal.accounts import login as login_service
from portal.accounts import permissions
from portal.extensions import db, limiter
from portal.i18n import _
from portal.models import User
from portal.web.auth.forms import CodeForm, LoginForm

bp = Blueprint("auth", __name__)
# How long a right password waits for its TOTP code.
_CODE_WINDOW_SECONDS = 300


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


def _refusal(attempt: login_service.Attempt) -> str:
    if attempt.outcome == login_service.Outcome.locked:
        return _("Too many failed attempts: this account is locked until %(time)s.",
                 time=format_datetime(attempt.locked_until, "short"))
    return _("Wrong username or password.")


def _finish(user: User, target: str | None):
    session.pop("pending_login", None)
    login_user(user)
    flash(_("Signed in."), "success")
    return redirect(_safe_next(target) or _home_for(user))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        attempt = login_service.sign_in(form.username.data, form.password.data,
                                        allow_demo=config["DEMO_MODE"] or config["DEBUG"],
                                        now=clock.now_utc(), config=config)
        db.session.commit()  # failures too: the count and the audit entry must stay
        if attempt.outcome == login_service.Outcome.ok:
            return _finish(attempt.user, request.args.get("next"))
        if attempt.outcome == login_service.Outcome.needs_code:
            session["pending_login"] = {"user_id": attempt.user.id,
                                        "at": clock.now_utc().isoformat(),
                                        "next": _safe_next(request.args.get("next"))}
            return redirect(url_for("auth.code"))
        form.form_errors.append(_refusal(attempt))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


def _pending_user() -> User | None:
    """The user whose password was right in this browser within the last few minutes."""
    pending = session.get("pending_login") or {}
    try:
        started = datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if (clock.now_utc() - started).total_seconds() > _CODE_WINDOW_SECONDS:
        return None
    return db.session.get(User, pending.get("user_id"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def code():
    user = _pending_user()
    if user is None:
        session.pop("pending_login", None)
        flash(_("Sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        attempt = login_service.second_factor(user, form.code.data, now=clock.now_utc(),
                                              config=current_app.config)
        db.session.commit()
        if attempt.outcome == login_service.Outcome.ok:
            return _finish(user, session["pending_login"].get("next"))
        if attempt.outcome == login_service.Outcome.locked:
            session.pop("pending_login", None)
        form.form_errors.append(_refusal(attempt) if attempt.outcome == login_service.Outcome.locked
                                else _("This code is not valid. Enter the current code from your app."))
    return render_template("auth/code.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("Signed out."), "info")
    return redirect(url_for("public.home"))
