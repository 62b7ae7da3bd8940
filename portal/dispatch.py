"""Send the mail a request queued, after its commit, without ever failing the request.

Shared by the web, the JSON API and Open311 (an entry-point helper, like jobs.py)."""
from __future__ import annotations

import logging

from flask import current_app

from portal import jobs
from portal.notifications import outbox

log = logging.getLogger("portal.mail")


def send_queued_mail() -> None:
    """Hand the outbox to the RQ worker when REDIS_URL is set, else deliver it now; nothing
    when this request queued no mail (most filings are anonymous: no query, no commit).

    Call after ``db.session.commit()``: the messages are already in the outbox, so a failure
    here loses nothing. Failed messages keep their error and are retried by the worker's next
    run or by ``flask portal send-mail``; errors are logged, never raised to the user.
    """
    if not outbox.take_queued_flag():
        return
    app = current_app._get_current_object()
    try:
        if app.config.get("REDIS_URL"):
            from portal import worker  # RQ only with Redis; prefork.py loads it before forking

            worker.enqueue_delivery(app.config)
        else:
            jobs.deliver_outbox(app)
    except Exception:  # noqa: BLE001 - the user's change is committed; mail can wait
        log.exception("queued mail not sent now; it stays in the outbox")
