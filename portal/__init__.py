"""Business feedback portal for administrative procedures."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import access_log, config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app. Runs no queries, migrations or network calls."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    app.config.from_object("portal.config.Defaults")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PORTAL")
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
        # Defaults.REDIS_URL is None, so a setdefault() would never apply the variable.
        if os.environ.get("REDIS_URL") and not app.config.get("REDIS_URL"):
            app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        app.config.update(test_config)
    config.finalize(app)
    config.validate(app)

    from portal.api import register_open311
    from portal.api import register_api
    from portal.cli import register_commands
    from portal.extensions import register_extensions
    from portal.web import register_blueprints, register_errorhandlers, register_template_helpers

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_api(app)  # after the web's handlers: it routes /api/v1 errors to problem+json
    register_template_helpers(app)
    register_open311(app)
    register_commands(app)
    access_log.install()
    if app.config["TRUSTED_PROXIES"]:
        # Behind N proxies, the client is N hops back in X-Forwarded-For: the rate limits key
        # on it (otherwise every client would share the proxy's address and its limits).
        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app
