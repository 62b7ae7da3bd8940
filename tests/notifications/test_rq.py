"""With REDIS_URL set, the web queues delivery on RQ and the worker sends it; the escalation
tick runs and keeps exactly one successor waiting. Uses the real Redis, on a queue of its own,
and deletes only its own keys afterwards."""
from __future__ import annotations

import os
import signal
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis
import sqlalchemy as sa
from rq import Queue, SimpleWorker
from rq.registry import (CanceledJobRegistry, DeferredJobRegistry, FailedJobRegistry,
                         FinishedJobRegistry, ScheduledJobRegistry, StartedJobRegistry)

from portal import clock, worker
from portal.extensions import db
from portal.models import OutboxMessage, Role
from tests import factories
from tests.smtp import free_port
from tests.web.support import agency_id, file_report

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REGISTRIES = (ScheduledJobRegistry, StartedJobRegistry, FinishedJobRegistry, FailedJobRegistry,
              DeferredJobRegistry, CanceledJobRegistry)


def _forget(connection: redis.Redis, name: str) -> None:
    """Delete the keys of queue ``name``, its jobs and its workers (never anything else)."""
    queue = Queue(name, connection=connection)
    job_ids = set(queue.get_job_ids())
    for registry in REGISTRIES:
        job_ids |= set(registry(queue=queue).get_job_ids())
    keys = set(connection.scan_iter(match=f"rq:*{name}*"))
    for job_id in job_ids:
        keys |= set(connection.scan_iter(match=f"rq:*{job_id}*"))
    for key in connection.scan_iter(match="rq:worker:*"):
        if connection.hget(key, "queues") == name.encode():
            keys.add(key)
    if keys:
        connection.delete(*keys)
    connection.srem("rq:queues", queue.key)


@pytest.fixture
def rq_queue(app, monkeypatch):
    """A fresh RQ queue on the real Redis; the app queues there and its jobs use the test app."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        connection.close()
        # Not a skip: the suite needs the machine's Redis (.ci/run starts it when it is down).
        pytest.fail(f"no Redis at {REDIS_URL}")
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "RQ_QUEUE", name)
    worker.bind(app)
    yield Queue(name, connection=connection)
    worker.bind(None)
    _forget(connection, name)
    connection.close()


@pytest.fixture
def keep_signals():
    """RQ workers install their own signal handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM,
                                                    signal.SIGALRM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def work(queue: Queue) -> bool:
    """Run the queue's jobs in this process until it is empty."""
    return SimpleWorker([queue], connection=queue.connection).work(burst=True)


def pending_mail() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))))


def test_filing_queues_delivery_and_the_worker_sends_it(
        rq_queue, keep_signals, smtp_server, new_client, directory):
    code, _ = file_report(new_client("en"), agency_id=agency_id("TB-SXD"),
                          contact_email="dung@congty.vn")
    [job] = rq_queue.get_jobs()
    assert job.func_name == "portal.worker.deliver_job"
    assert smtp_server.messages == [] and len(pending_mail()) == 1  # nothing sent in the request

    assert work(rq_queue)
    [message] = smtp_server.messages
    assert message["To"] == "dung@congty.vn" and message["Subject"] == f"Report {code} received"
    assert pending_mail() == []
    assert job.get_status(refresh=True) == "finished" and job.return_value() == 1


def test_an_unreachable_redis_never_fails_the_request(
        app, smtp_server, new_client, directory, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    file_report(new_client("en"), agency_id=agency_id("TB-SXD"), contact_email="dung@congty.vn")
    assert smtp_server.messages == [] and len(pending_mail()) == 1  # waits for the worker


def _tick_ids(queue: Queue) -> list[str]:
    return [job_id for job_id in ScheduledJobRegistry(queue=queue).get_job_ids()
            if job_id.startswith("escalation-tick-")]


def test_the_escalation_tick_escalates_and_keeps_one_successor_waiting(
        rq_queue, keep_signals, smtp_server, make_ticket, directory):
    head = factories.make_user("head-rq", Role.head, "TB-SXD")
    head.email = "head@so.thaibinh.gov.vn"
    db.session.commit()
    filed_at = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
    clock.freeze(filed_at)
    ticket, _ = make_ticket(agency_code="TB-SXD")
    clock.freeze(ticket.answer_due - timedelta(hours=1))  # the due day: officers and head

    rq_queue.enqueue(worker.escalation_tick, 60)
    started = datetime.now(timezone.utc)
    assert work(rq_queue)
    # On the due day both steps fire: the officers' reminder (heads get it too) and the alert.
    assert [m["To"] for m in smtp_server.messages] == [head.email, head.email]
    [waiting] = _tick_ids(rq_queue)
    assert waiting.startswith(f"escalation-tick-{rq_queue.name}-")
    when = ScheduledJobRegistry(queue=rq_queue).get_scheduled_time(waiting)
    assert started + timedelta(seconds=55) <= when <= started + timedelta(seconds=70)

    # A second worker starting, or another tick running, adds no second successor.
    assert worker.schedule_tick(rq_queue, 60) is None
    rq_queue.enqueue(worker.escalation_tick, 60)
    assert work(rq_queue)
    assert _tick_ids(rq_queue) == [waiting]
    assert len(smtp_server.messages) == 2  # escalation is idempotent


def test_the_worker_command_needs_redis(runner):
    result = runner.invoke(args=["portal", "worker", "--burst"])
    assert result.exit_code == 1
    assert "set REDIS_URL" in result.output


def test_the_worker_command_schedules_one_tick_and_works_the_queue(
        rq_queue, keep_signals, runner):
    for _ in range(2):  # a restart, or a second worker, schedules no second tick
        result = runner.invoke(args=["portal", "worker", "--burst", "--interval", "600"])
        assert result.exit_code == 0, result.output
    [waiting] = _tick_ids(rq_queue)
    assert rq_queue.fetch_job(waiting).args == (600,)

    # Restarted with another interval: the waiting tick is replaced, not joined.
    result = runner.invoke(args=["portal", "worker", "--burst", "--interval", "900"])
    assert result.exit_code == 0, result.output
    [waiting] = _tick_ids(rq_queue)
    assert rq_queue.fetch_job(waiting).args == (900,)
