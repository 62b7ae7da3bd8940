"""The score pages in a real browser under the real CSP, checked by axe-core: the public
ranking, methodology, agency page (SVG charts) and report, and the three staff pages."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal import clock
from portal.models import Role
from tests import scoring_support as s
from tests.e2e.test_journey import Axe, _sign_in, _watch
from tests.e2e.conftest import Account
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def published(app, db, live_server, make_user):
    analyst = make_user("e2e.analyst", Role.analyst)
    make_user("e2e.head.sxd", Role.head, s.SXD)
    s.publish_two_periods(app.config, analyst)
    # A draft of the next period under review, so the staff pages have something to show.
    s.file_reports(app.config, s.SXD, 2, start=s.utc(2025, 7, 1, 2))
    s.compute_draft(analyst, period="2025H2", at=s.utc(2026, 1, 5, 3),
                    review_ends=s.utc(2026, 1, 16).date())
    clock.freeze(s.utc(2026, 1, 6, 3))
    db.session.remove()
    return analyst


def test_score_pages_are_accessible_and_script_free(browser, live_server, published, axe_source,
                                                    vi):
    axe, errors = Axe(axe_source), []
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page: Page = context.new_page()
    _watch(page, errors)
    try:
        for path, name in (("/scores", "ranking"), ("/scores/methodology", "methodology"),
                           (f"/scores/agency/{s.SXD}", "agency page"),
                           ("/scores/2025H1/report", "report")):
            page.goto(live_server(path))
            axe.check(page, name)
        page.goto(live_server(f"/scores/agency/{s.SXD}"))
        expect(page.get_by_role("img", name=vi("Time cost"))).to_be_visible()
        for account, path, name in ((Account("e2e.analyst", PASSWORD), "/scores/admin", "admin"),
                                    (Account("e2e.head.sxd", PASSWORD), "/scores/review", "review"),
                                    (live_server.coordinator, "/scores/flags", "flags")):
            page.context.clear_cookies()
            _sign_in(page, live_server, account, vi)
            page.goto(live_server(path))
            axe.check(page, name)
    finally:
        context.close()
    assert not errors, "script errors or CSP violations:\n" + "\n".join(errors)
    assert len(axe.pages) == 7, axe.pages
    axe.assert_clean()
