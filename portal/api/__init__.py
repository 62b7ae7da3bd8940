"""Machine interfaces: the JSON API v1 (and, beside it, Open311). Never imports portal.web."""
from __future__ import annotations

from flask import Flask, request

from portal.extensions import csrf

API_V1_PREFIX = "/api/v1"


def register_api(app: Flask) -> None:
    """Register the API blueprints. Call after the web's error handlers are registered."""
    from portal.api.v1 import bp as api_v1

    csrf.exempt(api_v1)  # no cookies: the receipt or a bearer token authenticates each call
    app.register_blueprint(api_v1)
    _route_errors_outside_blueprint(app)


def _route_errors_outside_blueprint(app: Flask) -> None:
    """A 404/405 for an unknown /api/v1 URL matches no blueprint route, so the app-wide (HTML)
    handler would answer; hand those to the API's problem+json instead."""
    from portal.api.v1.errors import http_problem

    for code in (404, 405, 413, 429, 500):
        previous = app.error_handler_spec[None][code].get(_exception_class(code))

        def handler(exc, previous=previous):
            if request.path == API_V1_PREFIX or request.path.startswith(API_V1_PREFIX + "/"):
                return http_problem(exc)
            return previous(exc) if previous is not None else exc

        app.register_error_handler(code, handler)


def _exception_class(code: int):
    from werkzeug.exceptions import default_exceptions

    return default_exceptions[code]


def register_open311(app: Flask) -> None:
    """Register Open311 GeoReport v2 at /open311/v2 (form posts authenticated by api_key)."""
    from portal.api.open311 import bp as open311

    csrf.exempt(open311)
    app.register_blueprint(open311)
