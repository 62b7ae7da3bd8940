"""Filing and tracking leave no client address or user agent in the logs (DESIGN §6)."""
from __future__ import annotations

import logging
import runpy
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from portal.access_log import DropClientIdentity
from tests.live import serving

AGENT = "SecretAgent/7.0 (reporter-laptop)"


@pytest.fixture
def server(app, db, directory):
    """The app behind werkzeug's development server with its default (logging) handler."""
    db.session.remove()
    with serving(app, quiet=False) as url:
        yield url


def _request(url: str, data: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=data, headers={
        "User-Agent": AGENT, "X-Forwarded-For": "192.0.2.77"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _leaks(message: str) -> list[str]:
    # Links to the server carry its address; only the client's address is identifying.
    message = message.replace("http://127.0.0.1:", "http://server:")
    return [s for s in ("127.0.0.1", "192.0.2.77", AGENT, "SecretAgent") if s in message]


def test_filing_and_tracking_log_no_address_or_agent(server, caplog):
    caplog.set_level(logging.DEBUG)
    for path in ("/feedback/new", "/track"):
        assert _request(server + path) == 200
        # Without a CSRF token the POST is refused, but it is logged all the same.
        assert _request(server + path, b"code=PA-2026-000001&receipt=x") == 400
    access = [r for r in caplog.records if r.name == "werkzeug"]
    paths = " ".join(r.getMessage() for r in access)
    assert "/feedback/new" in paths and "/track" in paths, "no access log was written"
    for record in caplog.records:
        assert not _leaks(record.getMessage()), (record.name, record.getMessage())


def test_gunicorn_access_atoms_are_blanked():
    """gunicorn logs ``access_log_format % atoms``; the filter blanks the identifying atoms."""
    logger = logging.getLogger("gunicorn.access")
    assert any(isinstance(f, DropClientIdentity) for f in logger.filters)
    atoms = {"h": "192.0.2.77", "a": AGENT, "r": "POST /track HTTP/1.1", "s": "302", "t": "[x]",
             "{user-agent}i": AGENT, "{x-forwarded-for}i": "192.0.2.77",
             "{remote_addr}e": "192.0.2.77", "{http_user_agent}e": AGENT}
    record = logger.makeRecord("gunicorn.access", logging.INFO, __file__, 1,
                               '%(h)s "%(r)s" %(s)s "%(a)s" %({x-forwarded-for}i)s '
                               '%({remote_addr}e)s %({http_user_agent}e)s', (atoms,), None)
    assert logger.filter(record)
    message = record.getMessage()
    assert "POST /track" in message
    assert not _leaks(message), message


def test_shipped_gunicorn_format_has_no_identity():
    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    fmt = settings["access_log_format"]
    for atom in ("%(h)s", "%(a)s", "user-agent", "forwarded", "remote_addr"):
        assert atom not in fmt.lower()


def test_werkzeug_prefix_is_blanked():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '2001:db8::1 - - [26/Nov/2026 10:00:00] "%s" %s %s\n',
                               ("GET /track HTTP/1.1", "200", "-"), None)
    DropClientIdentity().filter(record)
    assert record.getMessage().startswith("- - - [26/Nov/2026")
