"""JSON API v1: one blueprint, JSON in and out, problem+json errors, one commit per request."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")

from portal.api.v1 import errors  # noqa: E402

errors.register(bp)

from portal.api.v1 import directory, openapi, reports_public, reports_staff  # noqa: E402,F401
