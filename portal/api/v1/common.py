"""Request plumbing shared by the v1 handlers: bodies, tokens, commit-then-mail."""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from portal import clock, dispatch
from portal.accounts import tokens
from portal.api.v1.errors import Problem
from portal.extensions import db
from portal.models import User

BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="portal"'}


def json_object() -> dict[str, Any]:
    """The request's JSON object body; 415 for another media type, 400 when not parsable."""
    if not request.is_json:
        raise Problem("unsupported-media-type")
    return parse_object(request.get_data(cache=True))


def parse_object(raw: bytes | str) -> dict[str, Any]:
    import json

    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise Problem("malformed-json") from None
    if not isinstance(value, dict):
        raise Problem("malformed-json")
    return value


def bearer_user() -> User:
    """The active user whose token is in ``Authorization: Bearer …``, else a 401 problem."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    user = None
    if scheme.lower() == "bearer" and secret.strip():
        user = tokens.authenticate(secret.strip(), now=clock.now_utc(),
                                   key=current_app.config["RECEIPT_KEY"])
    if user is None:
        raise Problem("unauthorized", headers=BEARER_CHALLENGE)
    return user


def commit_and_send(payload: Any, status: int = 200, headers: dict[str, str] | None = None):
    """Commit the request's one transaction, hand queued mail on, then answer."""
    db.session.commit()
    dispatch.send_queued_mail()
    response = jsonify(payload)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
