"""Access logs without client addresses or user agents (DESIGN §6: logs must not identify reporters).

The filter sits on the loggers of werkzeug's development server and of gunicorn's access log, so
it works whichever server runs the app; ``gunicorn.conf.py`` also ships a format without them.
"""
from __future__ import annotations

import logging
import re

ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
# werkzeug writes "<address> - - [date] message" with the address already in the text.
_WERKZEUG_PREFIX = re.compile(r"^\S+ - - \[")
# gunicorn passes its atoms as a mapping: %(h)s, %(a)s, {header}i and {environ}e entries.
_IDENTIFYING = ("user-agent", "user_agent", "forwarded", "remote_addr", "real-ip", "real_ip",
                "client-ip", "client_ip")


class DropClientIdentity(logging.Filter):
    """Blank the client address and user agent in access-log records; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and _WERKZEUG_PREFIX.match(record.msg):
            record.msg = _WERKZEUG_PREFIX.sub("- - - [", record.msg, count=1)
        args = record.args
        if isinstance(args, dict):
            for key in list(args):
                name = str(key).lower()
                if name in ("h", "a") or any(part in name for part in _IDENTIFYING):
                    args[key] = "-"
        return True


def install() -> None:
    """Attach the filter to the access loggers (once, however many apps are created)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropClientIdentity) for f in logger.filters):
            logger.addFilter(DropClientIdentity())
