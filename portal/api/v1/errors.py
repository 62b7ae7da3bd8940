"""RFC 9457 problem details for every error inside /api/v1."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from werkzeug.exceptions import HTTPException

from portal.errors import (Conflict, InvalidTransition, NotFound, PermissionDenied, PortalError,
                           ValidationFailed)
from portal.extensions import db
from portal.i18n import _l

PROBLEM_BASE = "https://portal.invalid/problems/"
PROBLEM_TYPE = "application/problem+json"

# slug -> (status, title): the stable vocabulary of problems the API can answer with.
PROBLEMS = {
    "malformed-json": (400, _l("The request body is not valid JSON.")),
    "bad-request": (400, _l("The request could not be understood.")),
    "unauthorized": (401, _l("A valid API token is required.")),
    "forbidden": (403, _l("You may see this report but not do that.")),
    "not-found": (404, _l("Not found.")),
    "not-published": (404, _l("These scores are not published.")),
    "method-not-allowed": (405, _l("This method is not allowed here.")),
    "conflict": (409, _l("The report changed since you loaded it.")),
    "invalid-transition": (409, _l("This action is not possible in the report's current status.")),
    "payload-too-large": (413, _l("The request is too large.")),
    "unsupported-media-type": (415, _l("Send JSON or multipart/form-data.")),
    "validation-failed": (422, _l("Some fields are not valid.")),
    "idempotency-key-reused": (422, _l("This Idempotency-Key was used for a different request.")),
    "rate-limited": (429, _l("Too many requests. Wait a few minutes and try again.")),
    "server-error": (500, _l("Something went wrong on our side.")),
}
_BY_STATUS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
              405: "method-not-allowed", 409: "conflict", 413: "payload-too-large",
              415: "unsupported-media-type", 422: "validation-failed", 429: "rate-limited",
              500: "server-error"}


class Problem(Exception):
    """Raised by API handlers to answer with one of PROBLEMS."""

    def __init__(self, slug: str, detail: str | None = None,
                 errors: list[tuple[str, str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(slug)
        self.slug, self.detail, self.errors, self.headers = slug, detail, errors, headers


def problem_response(slug: str, detail: str | None = None,
                     errors: list[tuple[str, str]] | None = None,
                     headers: dict[str, str] | None = None):
    status, title = PROBLEMS[slug]
    body = {"type": PROBLEM_BASE + slug, "title": str(title), "status": status,
            "detail": str(detail) if detail else str(title)}
    if status == 422:
        body["errors"] = [{"field": f, "message": str(m)} for f, m in (errors or [])]
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_problem(exc: HTTPException):
    slug = _BY_STATUS.get(exc.code or 500, "server-error")
    if slug == "server-error" and (exc.code or 500) != 500:
        slug = "bad-request" if (exc.code or 500) < 500 else "server-error"
    headers = {}
    if exc.code == 405 and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    if exc.code == 429:
        headers.update({k: v for k, v in exc.get_headers()
                        if k.lower().startswith(("retry", "x-rate"))})
    return problem_response(slug, headers=headers)


def register(bp: Blueprint) -> None:
    @bp.errorhandler(Problem)
    def on_problem(exc: Problem):
        db.session.rollback()
        return problem_response(exc.slug, exc.detail, exc.errors, exc.headers)

    @bp.errorhandler(PortalError)
    def on_portal_error(exc: PortalError):
        db.session.rollback()
        if isinstance(exc, ValidationFailed):
            return problem_response("validation-failed", errors=exc.errors)
        if isinstance(exc, (NotFound, PermissionDenied)):
            # Handlers raise Problem("forbidden") themselves where the report is visible.
            return problem_response("not-found")
        if isinstance(exc, InvalidTransition):
            return problem_response("invalid-transition", exc.message or None)
        if isinstance(exc, Conflict):
            return problem_response("conflict", exc.message or None)
        return problem_response("bad-request", exc.message or None)

    for code in _BY_STATUS:
        if code != 500:
            bp.register_error_handler(code, http_problem)
    bp.register_error_handler(HTTPException, http_problem)

    @bp.errorhandler(Exception)
    def on_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_problem(exc)
        current_app.logger.exception("unexpected error in /api/v1")
        db.session.rollback()
        return problem_response("server-error")
