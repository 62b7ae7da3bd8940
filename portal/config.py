"""Configuration defaults and start-up validation (no I/O)."""
from __future__ import annotations

import os

from flask import Flask


class Defaults:
    SECRET_KEY = "dev"
    SQLALCHEMY_DATABASE_URI = "sqlite:///portal.db"  # relative: placed under instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A streaming replica for the read-only public pages (portal/replica.py); None: the primary.
    READ_REPLICA_URL = None
    DEBUG = False
    TESTING = False
    # Demo mode loads and accepts the demo accounts (password "demo"); never in production.
    DEMO_MODE = False
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    # Five attachments of at most 10 MB each, plus the form fields.
    MAX_ATTACHMENTS = 5
    MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    MAX_CONTENT_LENGTH = 5 * 10 * 1024 * 1024 + 1024 * 1024
    UPLOAD_FOLDER = None  # default: <instance>/uploads
    # Keyed hash for receipts; defaults to SECRET_KEY when unset.
    RECEIPT_KEY = None
    # Seals the TOTP secrets in the database; defaults to SECRET_KEY. Changing it turns the
    # enrolled second factors unusable (reset them with `flask portal reset-sign-in`).
    TOTP_KEY = None
    REOPEN_WINDOW_WORKING_DAYS = 10
    # Links in e-mails point here (services run outside requests, so they cannot guess it).
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # "log" writes mail to the log (embedded default); "smtp" sends through MAIL_SERVER.
    MAIL_BACKEND = "log"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "Cổng phản ánh doanh nghiệp <no-reply@portal.invalid>"
    INBOX_PAGE_SIZE = 25
    # Routing (DESIGN §5): below the threshold, or with several fitting agencies, reports go to
    # triage. Auto-assignment can be switched off to have coordinators route everything.
    ROUTING_ENABLED = True
    ROUTING_AUTO_ASSIGN = True
    ROUTING_THRESHOLD = 0.6
    ROUTING_MODEL_DIR = None  # default: <instance>/routing
    REDIS_URL = None
    # Proxies in front of the app that set X-Forwarded-For/-Proto/-Host (0: none, direct).
    TRUSTED_PROXIES = 0
    RQ_QUEUE = "portal"  # the RQ queue for mail delivery and escalation ticks
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_FILING = "20 per hour"
    RATELIMIT_TRACKING = "30 per 10 minutes"
    # Failed look-ups of one tracking code, from any client (receipt guessing from many IPs).
    RATELIMIT_TRACKING_PER_CODE = "10 per hour"
    RATELIMIT_LOGIN = "10 per minute"
    # Per account (accounts/login.py): after this many consecutive failures the account is
    # locked for LOGIN_LOCK_SECONDS, doubling with each further failure up to the maximum.
    LOGIN_LOCK_THRESHOLD = 5
    LOGIN_LOCK_SECONDS = 60
    LOGIN_LOCK_MAX_SECONDS = 3600
    # `flask portal retention`: contact details of reports closed or rejected this many days ago
    # are cleared.
    RETENTION_DAYS = 365
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = None  # None: Secure unless DEBUG or TESTING (finalize)
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Every message a user sees is the portal's own, translated in its catalogue (STYLE 3.4);
    # WTForms ships no Vietnamese one. Off, Flask-WTF no longer searches the disk for WTForms'
    # catalogue on every request that builds a form (issue 8).
    WTF_I18N_ENABLED = False


def finalize(app: Flask) -> None:
    """Fill values derived from other settings."""
    cfg = app.config
    if not cfg.get("UPLOAD_FOLDER"):
        cfg["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    if not cfg.get("ROUTING_MODEL_DIR"):
        cfg["ROUTING_MODEL_DIR"] = os.path.join(app.instance_path, "routing")
    if not cfg.get("RECEIPT_KEY"):
        cfg["RECEIPT_KEY"] = cfg["SECRET_KEY"]
    if not cfg.get("TOTP_KEY"):
        cfg["TOTP_KEY"] = cfg["SECRET_KEY"]
    cfg.setdefault("RATELIMIT_STORAGE_URI", cfg.get("REDIS_URL") or "memory://")
    if cfg.get("SESSION_COOKIE_SECURE") is None:
        # Flask's own default (False) is always present, so a setdefault() never applied.
        cfg["SESSION_COOKIE_SECURE"] = not (cfg["DEBUG"] or cfg["TESTING"])
    cfg["SQLALCHEMY_DATABASE_URI"] = _with_driver(cfg["SQLALCHEMY_DATABASE_URI"])
    if cfg.get("READ_REPLICA_URL"):
        from portal.replica import BIND_KEY

        cfg["SQLALCHEMY_BINDS"] = {**(cfg.get("SQLALCHEMY_BINDS") or {}),
                                   BIND_KEY: _with_driver(cfg["READ_REPLICA_URL"])}


def _with_driver(uri: str) -> str:
    """Use psycopg 3, the driver we pin, for a plain postgresql:// address."""
    if uri.startswith("postgresql://") or uri.startswith("postgres://"):
        return "postgresql+psycopg://" + uri.split("://", 1)[1]
    return uri


def validate(app: Flask) -> None:
    """Refuse unsafe settings outside debug, tests and demo."""
    cfg = app.config
    relaxed = cfg["DEBUG"] or cfg["TESTING"] or cfg["DEMO_MODE"]
    if cfg["SECRET_KEY"] == "dev" and not relaxed:
        raise RuntimeError("Set PORTAL_SECRET_KEY: the default key is only for debug and demo.")
