"""Many reporters filing at the same moment: no lost report, no duplicate or skipped code.

Real HTTP against the app on werkzeug's threaded server, each reporter with its own cookie jar
(session and CSRF token). 50 at once on PostgreSQL; 10 on SQLite, which serialises writers.
"""
from __future__ import annotations

import http.cookiejar
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Ticket
from tests.helpers import csrf_token
from tests.live import serving
from tests.web.support import CODE_RE, RECEIPT_RE, submission

PARALLEL = 50 if os.environ.get("TEST_DATABASE_URL") else 10


@pytest.fixture
def live_url(app, db, directory):
    db.session.remove()  # hold no connection while the server writes
    with serving(app, queue_size=128) as url:
        yield url


def _file_one(base: str, number: int, barrier: threading.Barrier) -> dict:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/feedback/new?lang=en", timeout=60) as response:
        token = csrf_token(response.read().decode())
    data = submission(subject=f"Hồ sơ số {number} quá hạn",
                      description=f"Báo cáo song song số {number}: hồ sơ chậm 20 ngày.")
    body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
    barrier.wait(timeout=60)  # every reporter posts at the same moment
    try:
        with opener.open(f"{base}/feedback/new", data=body, timeout=120) as response:
            page = response.read().decode()
            return {"status": response.status, "url": response.geturl(),
                    "receipt": bool(RECEIPT_RE.search(page))}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "url": error.geturl(), "receipt": False}


def test_parallel_filings_get_distinct_consecutive_codes(live_url):
    barrier = threading.Barrier(PARALLEL)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(lambda n: _file_one(live_url, n, barrier), range(PARALLEL)))

    assert not [r for r in results if r["status"] >= 500], results
    assert all(r["status"] == 200 and r["receipt"] for r in results), results
    codes = [urllib.parse.urlsplit(r["url"]).path.split("/")[2] for r in results]
    assert all(CODE_RE.match(code) for code in codes), codes
    assert len(set(codes)) == PARALLEL

    db.session.expire_all()
    stored = db.session.execute(sa.select(Ticket.code, Ticket.subject)).all()
    assert len(stored) == PARALLEL
    assert {code for code, _ in stored} == set(codes)
    # Every reporter's own report (none lost, none written twice).
    assert sorted(subject for _, subject in stored) == sorted(
        f"Hồ sơ số {n} quá hạn" for n in range(PARALLEL))
    numbers = sorted(int(CODE_RE.match(code).group(2)) for code in codes)
    assert numbers == list(range(numbers[0], numbers[0] + PARALLEL))  # no gaps
