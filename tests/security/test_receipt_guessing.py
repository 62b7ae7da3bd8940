"""Receipt guessing: failed look-ups are limited per tracking code, whatever the client address."""
import pytest

from portal.extensions import limiter
from tests.web.support import file_report, text, track


@pytest.fixture
def per_code_limit(app, monkeypatch):
    limiter.reset()
    monkeypatch.setitem(app.config, "RATELIMIT_TRACKING_PER_CODE", "3 per hour")
    yield
    limiter.reset()


def _guess(new_client, code: str, address: str):
    """One wrong receipt for ``code`` from a fresh browser at ``address``."""
    browser = new_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return track(browser, code, "AAAAA-BBBBB-CCCCC-DDDDD")


def test_one_code_is_locked_after_wrong_receipts_from_many_addresses(
        new_client, directory, per_code_limit):
    code, receipt = file_report(new_client())
    other_code, other_receipt = file_report(new_client())
    statuses = [_guess(new_client, code, f"198.51.100.{n}").status_code for n in range(1, 5)]
    assert statuses == [422, 422, 422, 429]
    # The code is normalised: spaces and lower case do not open a fresh budget.
    assert _guess(new_client, f"  {code.lower()} ", "198.51.100.9").status_code == 429
    # Even the right receipt waits now (the limit protects the code, not the guesser).
    owner = new_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    assert track(owner, code, receipt).status_code == 429
    # Another code is untouched.
    response = track(owner, other_code, other_receipt)
    assert response.status_code == 302, text(response)


def test_successful_lookups_do_not_use_up_the_code(new_client, directory, per_code_limit):
    code, receipt = file_report(new_client())
    browser = new_client()
    assert [track(browser, code, receipt).status_code for _ in range(5)] == [302] * 5
    assert _guess(new_client, code, "198.51.100.20").status_code == 422


def test_default_limit_is_ten_per_hour():
    from portal.config import Defaults
    assert Defaults.RATELIMIT_TRACKING_PER_CODE == "10 per hour"
