"""Work done once in gunicorn's master before it forks the workers (gunicorn.conf.py):
the workers then share the results copy-on-write instead of each paying for them on its
first requests."""
from __future__ import annotations

import flask_babel
import sqlalchemy.orm
from flask import Flask

from portal import clock
from portal.deadlines.working_days import is_working_day, local_day
from portal.routing import models_cache, priority


def warm(app: Flask) -> None:
    """Load the routing model, TextBlob's sentiment lexicon and this year's and next year's
    holiday calendars, configure the ORM mappers, compile every template and load every
    catalogue. Reads files only: no database connection
    is opened (the workers must not share one)."""
    with app.app_context():
        models_cache.current_model(app.config)
    priority.is_priority("Urgent: the permit is late again")  # English text loads the lexicon
    sqlalchemy.orm.configure_mappers()
    # The holidays package imports every country's module on first use (about a second).
    today = local_day(clock.now_utc())
    for year in (today.year, today.year + 1):
        is_working_day(today.replace(year=year, month=1, day=1))
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    for language in app.config["LANGUAGES"]:
        with app.test_request_context(f"/?lang={language}"):
            flask_babel.get_translations()
    if app.config.get("REDIS_URL"):  # mail goes through RQ: share it rather than load it per worker
        import portal.worker  # noqa: F401
