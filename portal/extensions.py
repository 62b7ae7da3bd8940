"""Flask extensions, created unbound and initialised in register_extensions()."""
from __future__ import annotations

import sqlite3

import sqlalchemy as sa
from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.models.base import Base
from portal.replica import RoutingSession

db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)


def register_extensions(app: Flask) -> None:
    from portal.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", _migrations_dir()))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from portal.accounts.users import load_user

    login_manager.user_loader(load_user)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_wal(dbapi_connection, _record) -> None:
    """SQLite (the embedded default) in write-ahead-log mode: readers in other gunicorn workers
    do not wait for a writer, and a commit syncs one log instead of a rollback journal and the
    database. Durability is unchanged (synchronous stays FULL)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _migrations_dir() -> str:
    import os

    return os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")
