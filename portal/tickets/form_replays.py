"""One report per filing form, however often it is sent (a double click, a retried POST).

Each rendering of the filing form carries a random token. The first POST of a token and a
content (from one browser session) stores the report's code and its receipt, masked under the server key and the token
(so the database alone does not give it away); a repeat of the same token and content gets
that report instead of a new one, and its receipt if the first confirmation page was never
shown: the web layer remembers in the browser's session which receipts it has shown
(web/filing.py), so a receipt is still shown only once, and the confirmation page writes
nothing. Changed content under the same token (back, edit, send) is a new report. Rows, with
their masked receipt (useless without the token, which only the browser had), expire after a
day.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import IdempotencyKey, Ticket
from portal.tickets import tracking
from portal.tickets.intake import Submission

TTL = timedelta(hours=24)
_PREFIX = "form:"


@dataclass(frozen=True)
class Replay:
    code: str
    receipt: str | None


def key_for(token: str, session_secret: str, data: Submission) -> str:
    """The stored key: a digest of the token, the browser session's secret and what was sent.
    The session secret binds a repeat to the browser that sent the form: someone who merely
    learnt the token files a report of their own, and never gets this one or its receipt."""
    content = {f.name: getattr(data, f.name) for f in fields(data) if f.name != "uploads"}
    content["uploads"] = [[u.filename, hashlib.sha256(u.data).hexdigest()] for u in data.uploads]
    canonical = json.dumps([token, session_secret, content], sort_keys=True, ensure_ascii=False,
                           default=str)
    return _PREFIX + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def find(key: str, token: str, *, now: datetime, server_key: str) -> Replay | None:
    """The report already filed with this key, if any (expired rows are removed first)."""
    db.session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.key.startswith(_PREFIX), IdempotencyKey.created_at < now - TTL))
    stored = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == key))
    if stored is None:
        return None
    masked = stored.response.get("receipt")
    receipt = tracking.unmask_receipt(masked, server_key, _PREFIX + token) if masked else None
    return Replay(stored.response["code"], receipt)


def remember(key: str, token: str, ticket: Ticket, receipt: str, *, now: datetime,
             server_key: str) -> None:
    """Store the filing under ``key``. Flushes: a concurrent twin raises IntegrityError."""
    db.session.add(IdempotencyKey(
        key=key, request_hash=key[len(_PREFIX):], created_at=now,
        response={"code": ticket.code,
                  "receipt": tracking.mask_receipt(receipt, server_key, _PREFIX + token)}))
    db.session.flush()
