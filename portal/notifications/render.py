"""Render an outbox message with templates/email/<name>.txt and .html in its language."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from flask import Flask
from flask_babel import force_locale, format_datetime

from portal.i18n import _l
from portal.models import OutboxMessage
from portal.notifications.mail import Mail

SUBJECTS = {
    "received": _l("Report %(code)s received"),
    "answered": _l("Report %(code)s has been answered"),
    "extended": _l("Report %(code)s: the answer is delayed"),
    "closed": _l("Report %(code)s is closed"),
    "escalation_officer": _l("Reminder: report %(code)s is due in 2 working days"),
    "escalation_head": _l("Report %(code)s is due today"),
    "escalation_coordinator": _l("Report %(code)s is 5 working days late"),
    "escalation_triage": _l("Report %(code)s is still waiting in triage"),
}


def renderer(app: Flask) -> Callable[[OutboxMessage], Mail]:
    """A function turning an outbox row into a Mail, using ``app``'s templates and locale."""
    def render(message: OutboxMessage) -> Mail:
        context = dict(message.context)
        base = app.config["PUBLIC_BASE_URL"].rstrip("/")
        context["track_url"] = f"{base}/track?{urlencode({'code': context['code']})}"
        context["inbox_url"] = f"{base}/inbox/{context['code']}"
        context["language"] = message.language  # <html lang> of the HTML part
        with app.app_context(), force_locale(message.language):
            context["answer_due_text"] = format_datetime(
                datetime.fromisoformat(context["answer_due"]), "short")
            subject = str(SUBJECTS[message.template]) % {"code": context["code"]}
            env = app.jinja_env
            text = env.get_template(f"email/{message.template}.txt").render(context)
            html = env.get_template(f"email/{message.template}.html").render(context)
        return Mail(to=message.recipient, subject=subject, text=text, html=html)
    return render
