"""Browser journeys: the real app behind a real HTTP server, driven by Debian's chromium.

The session ``app`` uses a SQLite *file* (or PostgreSQL), so the server threads see what the
test commits and the test sees what the server commits. CSRF stays on: the browser sends the
tokens the pages carry, exactly as a user's browser would.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from portal.models import Role
from tests.factories import PASSWORD
from tests.live import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Account:
    username: str
    password: str


@dataclass(frozen=True)
class LiveServer:
    url: str
    coordinator: Account
    officer: Account

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(app, db, directory, make_user):
    """The app on 127.0.0.1 and a free port, with the directory and two staff accounts.

    Depends on ``db`` so every row the journey commits is wiped after the test; the server is
    stopped (and its socket closed) before that happens.
    """
    make_user("e2e.coordinator", Role.coordinator)
    make_user("e2e.officer.sxd", Role.officer, "HY-SXD")
    db.session.remove()  # hold no connection or transaction while the server writes

    with serving(app) as url:  # quiet: dozens of requests per journey
        yield LiveServer(url=url, coordinator=Account("e2e.coordinator", PASSWORD),
                         officer=Account("e2e.officer.sxd", PASSWORD))


@pytest.fixture(scope="session")
def browser():
    """One headless Debian chromium for the session (launching it is the slow part)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium`, or deselect the "
                    "browser tests with -m 'not e2e'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm install --no-audit --no-fund` (make e2e-deps)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def vi(app):
    """The Vietnamese text the pages show for an English msgid (the msgid until translated).

    Selectors built with it keep working whether or not the catalogue is translated yet.
    """
    def translate(msgid: str, **variables) -> str:
        with app.test_request_context(), force_locale("vi"):
            return gettext(msgid, **variables)
    return translate
