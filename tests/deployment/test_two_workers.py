"""The public journey against a real gunicorn with 2 workers and Redis-backed limits
(docs/deployment.md): nothing a request needs may live in one worker's memory.

Consecutive requests land on either worker, so the journey (the form and its CSRF token, the
one-time receipt, the tracking proof, a staff sign-in) only works if that state travels in the
signed cookie or the database; the shared limit is exact only if it is counted in Redis.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests

from portal.models import Status
from tests.factories import PASSWORD, agency, make_user
from tests.web.support import RECEIPT_RE

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CSRF = re.compile(r'name="(?:[^"]*-)?csrf_token" type="hidden" value="([^"]+)"')
TIMEOUT = 30  # seconds per request; a bound, not a timing assertion
TRACKING_LIMIT = 4  # per minute, per client: small enough to hit, counted across both workers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_prefix():
    """A key prefix of our own in the shared Redis, deleted afterwards. Fails if Redis is down."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def gunicorn(app, db, database_url, directory, redis_prefix, tmp_path):
    """gunicorn -w 2 with the project's settings file, on the suite's database."""
    port = _free_port()
    env = dict(os.environ, PORTAL_SECRET_KEY="two-workers-" + uuid.uuid4().hex,
               PORTAL_SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=REDIS_URL,
               PORTAL_RATELIMIT_KEY_PREFIX=redis_prefix, PORTAL_RQ_QUEUE=redis_prefix,
               PORTAL_RATELIMIT_TRACKING=f"{TRACKING_LIMIT} per minute",
               PORTAL_UPLOAD_FOLDER=str(tmp_path / "uploads"),
               PORTAL_ROUTING_MODEL_DIR=app.config["ROUTING_MODEL_DIR"],
               PORTAL_SESSION_COOKIE_SECURE="false", PORTAL_ROUTING_AUTO_ASSIGN="false")
    env.pop("DATABASE_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "-w", "2",
         "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(port, proc, tmp_path / "gunicorn.log")
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def _wait_until_serving(port: int, proc: subprocess.Popen, log: Path) -> None:
    """Until both workers are up (gunicorn forks them one after the other) and one answers."""
    deadline = time.monotonic() + 120  # generous: the machine may be busy
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            if len(_workers(proc.pid)) == 2 and \
                    requests.get(f"http://127.0.0.1:{port}/", timeout=TIMEOUT).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not serve within 120 s:\n{log.read_text()}")


def _workers(master: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def _form(browser: requests.Session, url: str) -> str:
    response = browser.get(url, timeout=TIMEOUT)
    assert response.status_code == 200, (url, response.status_code)
    return CSRF.search(response.text).group(1)


def _file(base: str) -> tuple[str, str]:
    reporter = requests.Session()
    token = _form(reporter, f"{base}/feedback/new?lang=en")
    response = reporter.post(f"{base}/feedback/new", allow_redirects=False, timeout=TIMEOUT, data={
        "csrf_token": token, "category": "delay", "agency_id": str(agency("TB-SXD").id),
        "procedure_id": "", "subject": "Hồ sơ cấp phép xây dựng quá hạn",
        "description": "Nộp hồ sơ ngày 2/3, giấy hẹn ngày 20/3, đến nay chưa có kết quả.",
        "anonymous": "y"})
    assert response.status_code == 302, response.text[:500]
    received = reporter.get(base + response.headers["Location"], timeout=TIMEOUT)
    assert received.status_code == 200
    return response.headers["Location"].split("/")[2], RECEIPT_RE.search(received.text).group(1)


def _track(browser: requests.Session, base: str, code: str, receipt: str) -> requests.Response:
    token = _form(browser, f"{base}/track?lang=en")
    return browser.post(f"{base}/track", data={"csrf_token": token, "code": code,
                                               "receipt": receipt}, timeout=TIMEOUT)


def test_file_track_and_acknowledge_across_two_workers(gunicorn, db):
    base, master = gunicorn
    assert len(_workers(master)) == 2
    make_user("officer.two", "officer", "TB-SXD")
    code, receipt = _file(base)

    reporter = requests.Session()
    page = _track(reporter, base, code, receipt)
    assert page.status_code == 200 and page.url.endswith(f"/track/{code}")
    assert code in page.text

    officer = requests.Session()
    token = _form(officer, f"{base}/login?lang=en")
    signed_in = officer.post(f"{base}/login", data={"csrf_token": token, "username": "officer.two",
                                                     "password": PASSWORD}, timeout=TIMEOUT)
    assert signed_in.status_code == 200 and "/login" not in signed_in.url
    detail = officer.get(f"{base}/inbox/{code}", timeout=TIMEOUT)
    assert detail.status_code == 200
    version = re.search(r'name="acknowledge-version" type="hidden" value="(\d+)"', detail.text)
    acknowledged = officer.post(f"{base}/inbox/{code}/acknowledge", timeout=TIMEOUT, data={
        "acknowledge-csrf_token": CSRF.search(detail.text).group(1),
        "acknowledge-version": version.group(1)})
    assert acknowledged.status_code == 200 and acknowledged.url.endswith(f"/inbox/{code}")

    followed = reporter.get(f"{base}/track/{code}", timeout=TIMEOUT)
    assert followed.status_code == 200 and "Acknowledged" in followed.text
    from portal.extensions import db as _db
    from portal.models import Ticket
    _db.session.expire_all()
    assert _db.session.query(Ticket).filter_by(code=code).one().status == Status.acknowledged


def test_the_tracking_limit_is_counted_across_both_workers(gunicorn):
    """With per-worker (memory) counters, 2 workers would let up to twice the limit through."""
    base, _master = gunicorn
    browser = requests.Session()
    statuses = [_track(browser, base, "PA-2024-000001", "AAAAA-AAAAA-AAAAA-AAAAA").status_code
                for _ in range(TRACKING_LIMIT + 1)]
    assert statuses == [422] * TRACKING_LIMIT + [429]
