"""Web blueprints, error pages and template helpers."""
from __future__ import annotations

from flask import Flask, g, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from portal import clock
from portal.accounts import permissions
from portal.deadlines import settings
from portal.deadlines.working_days import remaining_working_days
from portal.models.event import EventKind
from portal.models.vocab import (CATEGORY_LABELS, CHANNEL_LABELS, ROLE_LABELS, SECTOR_LABELS,
                                 STATUS_LABELS, Status)
from portal.web import score_labels
from portal.web.labels import EVENT_LABELS


def register_blueprints(app: Flask) -> None:
    from portal.web.account.views import bp as account_bp
    from portal.web.admin.views import bp as admin_bp
    from portal.web.auth.views import bp as auth_bp
    from portal.web.directory.views import bp as directory_bp
    from portal.web.inbox.views import bp as inbox_bp
    from portal.web.intake.views import bp as intake_bp
    from portal.web.moderation.views import bp as moderation_bp
    from portal.web.public.views import bp as public_bp
    from portal.web.score_review.views import bp as score_review_bp
    from portal.web.scores.views import bp as scores_bp
    from portal.web.track.views import bp as track_bp
    from portal.web.triage.views import bp as triage_bp

    for bp in (public_bp, track_bp, auth_bp, inbox_bp, triage_bp, intake_bp, admin_bp,
               account_bp, score_review_bp, scores_bp, directory_bp, moderation_bp):
        app.register_blueprint(bp)


def register_errorhandlers(app: Flask) -> None:
    def render_error(error):
        code = getattr(error, "code", 500) or 500
        template = code if code in (400, 403, 404, 405, 413, 429) else 500
        return render_template(f"errors/{template}.html", code=code), code

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render_error)


def _calendar():
    """The admin's calendar, read once per request."""
    if "work_calendar" not in g:
        g.work_calendar = settings.work_calendar()
    return g.work_calendar


def _remaining_days(ticket, now):
    if not ticket.is_open or ticket.status == Status.needs_info:
        return None
    return remaining_working_days(now, ticket.answer_due, _calendar())


def _lang_url(lang: str) -> str:
    args = dict(request.args)
    args["lang"] = lang
    if request.endpoint is None or request.method != "GET":
        return url_for("public.home", lang=lang)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject():
        user = current_user if current_user.is_authenticated else None
        return {
            "current_locale": str(get_locale()),
            "lang_url": _lang_url,
            "nav": {"inbox": permissions.can_use_inbox(user),
                    "triage": permissions.can_triage(user),
                    "intake": permissions.can_file_for_caller(user),
                    "admin": permissions.can_administer(user),
                    "scores_admin": permissions.can_manage_scores(user),
                    "scores_review": permissions.can_review_scores(user),
                    "scores_flags": permissions.can_decide_flags(user)},
            "status_label": lambda s: STATUS_LABELS[Status(s)],
            "category_label": lambda c: CATEGORY_LABELS[c],
            "sector_label": lambda s: SECTOR_LABELS.get(s, s),
            "channel_label": lambda c: CHANNEL_LABELS[c],
            "role_label": lambda r: ROLE_LABELS[r],
            "event_label": lambda k: EVENT_LABELS[EventKind(k)],
            "remaining_days": _remaining_days,
            "component_label": score_labels.component_label,
            "indicator_label": score_labels.indicator_label,
            "group_label": score_labels.group_label,
            "flag_kind_label": lambda k: score_labels.FLAG_KIND_LABELS[k],
            "flag_decision_label": lambda d: score_labels.FLAG_DECISION_LABELS[d],
            "format_datetime": format_datetime,
            "now": clock.now_utc(),
        }

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
            "form-action 'self'; base-uri 'self'; object-src 'none'")
        return response
