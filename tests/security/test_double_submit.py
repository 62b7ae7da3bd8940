"""A double-submitted filing form makes one report (issue 7): the form carries a token; the
same token and content again lead to the same confirmation, with no second report, and the
receipt is shown once in all."""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from tests.helpers import csrf_token
from tests.security.test_parallel_filing import live_url  # noqa: F401 - fixture
from tests.web.support import RECEIPT_RE, agency_id, submission, text, ticket_count, track

TOKEN_RE = re.compile(r'name="submission_token" type="hidden" value="([^"]+)"')


def form_page(browser, url: str) -> tuple[str, str]:
    page = text(browser.get(url))
    match = TOKEN_RE.search(page)
    assert match, "the filing form carries no submission token"
    return csrf_token(page), match.group(1)


def send(browser, url: str, csrf: str, token: str, **fields):
    data = MultiDict(submission(agency_id=str(agency_id("TB-SXD")), **fields))
    data["csrf_token"], data["submission_token"] = csrf, token
    boundary, body = encode_multipart(data)
    return browser.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def receipt_on(browser, location: str) -> str | None:
    match = RECEIPT_RE.search(text(browser.get(location)))
    return match.group(1) if match else None


@pytest.mark.parametrize("url,role", [("/feedback/new", None), ("/intake/new", "clerk")])
def test_the_same_form_sent_twice_files_one_report(new_client, staff, directory, url, role):
    browser = staff(role) if role else new_client()
    extra = {"channel": "hotline"} if role else {}
    csrf, token = form_page(browser, url)
    first = send(browser, url, csrf, token, **extra)
    second = send(browser, url, csrf, token, **extra)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert ticket_count() == 1
    # The receipt is shown on the first confirmation page, and never again.
    code = first.headers["Location"].split("/")[2]
    receipt = receipt_on(browser, first.headers["Location"])
    assert receipt
    third = send(browser, url, csrf, token, **extra)
    assert third.headers["Location"] == first.headers["Location"] and ticket_count() == 1
    assert receipt_on(browser, third.headers["Location"]) is None
    assert track(new_client(), code, receipt).status_code == 302


def test_a_lost_first_response_still_gets_its_receipt_once(new_client, directory):
    """The browser sent twice and only saw the second answer (the first was cut off)."""
    browser = new_client()
    csrf, token = form_page(browser, "/feedback/new")
    with browser.session_transaction() as before:
        saved = dict(before)
    send(browser, "/feedback/new", csrf, token)
    with browser.session_transaction() as session:  # as if its Set-Cookie never arrived
        session.clear()
        session.update(saved)
    again = send(browser, "/feedback/new", csrf, token)
    assert again.status_code == 302 and ticket_count() == 1
    receipt = receipt_on(browser, again.headers["Location"])
    assert receipt and track(new_client(), again.headers["Location"].split("/")[2],
                             receipt).status_code == 302
    assert receipt_on(browser, again.headers["Location"]) is None  # once


def test_another_browser_cannot_replay_the_form(new_client, directory):
    browser, attacker = new_client(), new_client()
    csrf, token = form_page(browser, "/feedback/new")
    first = send(browser, "/feedback/new", csrf, token)
    assert first.status_code == 302
    stolen = send(attacker, "/feedback/new", csrf, token)  # the CSRF token is the session's
    assert stolen.status_code == 400 and ticket_count() == 1
    own_csrf, _ = form_page(attacker, "/feedback/new")
    response = send(attacker, "/feedback/new", own_csrf, token)
    # With its own CSRF token it files a report of its own: never the first one or its receipt.
    assert response.status_code == 302 and ticket_count() == 2
    assert response.headers["Location"] != first.headers["Location"]
    assert receipt_on(browser, first.headers["Location"])  # still the owner's, shown once


def test_changed_content_under_the_same_token_is_a_new_report(new_client, directory):
    browser = new_client()
    csrf, token = form_page(browser, "/feedback/new")
    first = send(browser, "/feedback/new", csrf, token)
    edited = send(browser, "/feedback/new", csrf, token, subject="Một vấn đề khác hẳn")
    assert first.headers["Location"] != edited.headers["Location"] and ticket_count() == 2


def test_concurrent_twins_make_one_report(live_url):
    """Two copies of one form at the same moment, over real HTTP (one browser, one cookie jar)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{live_url}/feedback/new?lang=en", timeout=60) as response:
        page = response.read().decode()
    body = urllib.parse.urlencode({**submission(), "csrf_token": csrf_token(page),
                                   "submission_token": TOKEN_RE.search(page).group(1)}).encode()
    barrier = threading.Barrier(2)

    def post(_n):
        barrier.wait(timeout=60)
        with opener.open(f"{live_url}/feedback/new", data=body, timeout=120) as response:
            return response.status, urllib.parse.urlsplit(response.geturl()).path
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(post, range(2)))
    assert [status for status, _ in results] == [200, 200]
    assert len({path for _, path in results}) == 1 and ticket_count() == 1
