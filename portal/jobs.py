"""Background work shared by the CLI, the web's after-commit hook and the RQ worker.

Each function is an entry point: it runs the domain service and commits.
"""
from __future__ import annotations

import logging

from flask import Flask

from portal import clock
from portal.deadlines import settings
from portal.extensions import db
from portal.notifications.delivery import deliver_pending
from portal.notifications.mail import transport_from_config
from portal.notifications.render import renderer
from portal.tickets.escalation import escalate

# Seconds between escalation runs of the RQ worker; steps are whole working days, so plenty.
ESCALATION_INTERVAL = 300

log = logging.getLogger("portal.jobs")


def deliver_outbox(app: Flask) -> int:
    """Send waiting mail now; returns how many messages went out."""
    with app.app_context():
        sent = deliver_pending(transport_from_config(app.config), renderer(app),
                               now=clock.now_utc())
        db.session.commit()
        return sent


def run_escalation(app: Flask) -> int:
    """Escalate what is due, then send the resulting mail."""
    with app.app_context():
        fired = escalate(now=clock.now_utc(), calendar=settings.work_calendar())
        db.session.commit()
    deliver_outbox(app)
    return fired
