"""Reporters' calls: file a report, follow it with the receipt, reply, rate, reopen."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, jsonify, request, url_for
from flask_babel import get_locale

from portal import clock
from portal.api.v1 import bp
from portal.api.v1 import schemas
from portal.api.v1.common import commit_and_send, json_object, parse_object
from portal.api.v1.errors import Problem
from portal.extensions import db, limiter
from portal.i18n import _l
from portal.models import IdempotencyKey, Ticket
from portal.tickets import history, intake, tracking, workflow
from portal.tickets.attachments import Upload

IDEMPOTENCY_TTL = timedelta(hours=24)
_KEY_INVALID = _l("Use 1 to 200 visible ASCII characters.")


def _filing_limit():
    return current_app.config["RATELIMIT_FILING"]


def _tracking_limit():
    return current_app.config["RATELIMIT_TRACKING"]


def _submission_body() -> tuple[dict, list[Upload]]:
    """JSON, or multipart with a ``data`` JSON part and ``attachments`` files."""
    if request.mimetype == "multipart/form-data":
        part = request.files.get("data")
        raw = part.read() if part is not None else request.form.get("data")
        if raw is None:
            raise Problem("validation-failed", errors=[("data", _l("This field is required."))])
        uploads = [Upload(f.filename or "", f.read())
                   for f in request.files.getlist("attachments") if f.filename]
        return parse_object(raw), uploads
    return json_object(), []


def _request_hash(body: dict, uploads: list[Upload]) -> str:
    canonical = json.dumps({"data": body, "attachments": [
        [u.filename, hashlib.sha256(u.data).hexdigest()] for u in uploads]},
        sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _mask(receipt: str, key: str) -> str:
    return tracking.mask_receipt(receipt, current_app.config["RECEIPT_KEY"], "idem:" + key)


def _unmask(masked: str, key: str) -> str:
    return tracking.unmask_receipt(masked, current_app.config["RECEIPT_KEY"], "idem:" + key)


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= 200 or not all(33 <= ord(ch) <= 126 for ch in key):
        raise Problem("validation-failed", errors=[("Idempotency-Key", _KEY_INVALID)])
    return key


def _replay(key: str, request_hash: str):
    """The stored 201 for this key, or None; a reused key with another body is a 422."""
    db.session.execute(sa.delete(IdempotencyKey).where(
        IdempotencyKey.created_at < clock.now_utc() - IDEMPOTENCY_TTL))
    stored = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == key))
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise Problem("idempotency-key-reused")
    body = dict(stored.response, receipt=_unmask(stored.response["receipt"], key))
    db.session.commit()
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for("api_v1.get_report", code=body["code"])
    return response


@bp.post("/reports")
@limiter.limit(_filing_limit)
def file_report():
    body, uploads = _submission_body()
    key = _idempotency_key()
    request_hash = _request_hash(body, uploads)
    if key is not None and (replayed := _replay(key, request_hash)) is not None:
        return replayed
    values = schemas.parse(body, schemas.SUBMISSION)
    locale = str(get_locale())
    filed = intake.submit_ticket(schemas.to_submission(values, uploads), filed_by=None,
                                 now=clock.now_utc(), config=current_app.config)
    ticket = filed.ticket
    payload = {"code": ticket.code, "receipt": filed.receipt, "status": ticket.status.value,
               "agency": schemas.agency_ref(ticket.agency, locale),
               "answer_due": schemas.when(ticket.answer_due)}
    if key is not None:
        db.session.add(IdempotencyKey(key=key, request_hash=request_hash,
                                      created_at=clock.now_utc(),
                                      response=dict(payload, receipt=_mask(filed.receipt, key))))
        try:
            db.session.flush()
        except sa.exc.IntegrityError:  # the same key raced us and won: answer as it did
            db.session.rollback()
            if (replayed := _replay(key, request_hash)) is None:
                raise Problem("idempotency-key-reused") from None
            return replayed
    return commit_and_send(payload, 201,
                           {"Location": url_for("api_v1.get_report", code=ticket.code)})


def _reporter_ticket(code: str) -> Ticket:
    """The report if the X-Receipt header matches it; the same 404 for either mistake."""
    ticket = tracking.find_for_reporter(code, request.headers.get("X-Receipt", ""),
                                        current_app.config["RECEIPT_KEY"])
    if ticket is None:
        raise Problem("not-found")
    return ticket


def _view(ticket: Ticket) -> dict:
    now, config, locale = clock.now_utc(), current_app.config, str(get_locale())
    return schemas.reporter_view(
        ticket, history.for_reporter(ticket, locale), locale=locale,
        can_rate=workflow.can_rate(ticket, now, config),
        can_reopen=workflow.feedback_window_open(ticket, now, config))


@bp.get("/reports/<code>")
@limiter.limit(_tracking_limit)
def get_report(code: str):
    return jsonify(_view(_reporter_ticket(code)))


@bp.post("/reports/<code>/replies")
@limiter.limit(_tracking_limit)
def reply(code: str):
    ticket = _reporter_ticket(code)
    values = schemas.parse(json_object(), schemas.REPLY)
    workflow.reporter_reply(ticket, values["body"], now=clock.now_utc())
    return commit_and_send(_view(ticket))


@bp.post("/reports/<code>/rating")
@limiter.limit(_tracking_limit)
def rate(code: str):
    ticket = _reporter_ticket(code)
    values = schemas.parse(json_object(), schemas.RATING)
    workflow.rate(ticket, values["score"], values["comment"], now=clock.now_utc(),
                  config=current_app.config)
    return commit_and_send(_view(ticket))


@bp.post("/reports/<code>/reopen")
@limiter.limit(_tracking_limit)
def reopen(code: str):
    ticket = _reporter_ticket(code)
    values = schemas.parse(json_object(), schemas.REOPEN)
    workflow.reopen(ticket, values["reason"], now=clock.now_utc(), config=current_app.config)
    return commit_and_send(_view(ticket))
