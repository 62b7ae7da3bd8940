"""RQ jobs, used when REDIS_URL is set: mail delivery after a request, and the escalation tick.

Which app a job runs with. A job runs in a worker, not in the request that queued it, so it
needs a Flask app of its own. What goes into Redis is only the function's name (and the tick's
interval): no configuration, so nothing secret or stale waits in the queue. The process that
runs the jobs decides the app instead:

- ``flask portal worker`` calls :func:`bind` with the app it was started with, before it forks
  its work-horses, so every job sees exactly that command's configuration (the parent never
  opens a database connection, so the horses share none);
- a worker started another way (``rq worker portal``) has no bound app, and the first job
  builds one with ``create_app()`` (environment and instance config), once per process;
- tests bind the test app the same way and unbind it afterwards, so an in-process
  ``SimpleWorker`` works on the test database and sends to the test SMTP server.

The escalation tick reschedules itself. A tick cannot reuse one fixed job id for its successor:
while it runs, that id is its own, and RQ writes the finished status (and the result's expiry)
onto it after the function returns, clobbering the successor. So each tick's id names the
queue and the time slot it is due in, ``escalation-tick-<queue>-<slot>``, and at most one tick
waits per queue: a tick is scheduled only when none is already waiting in the queue's scheduled
registry, and ``unique=True`` settles two workers racing for the same slot. A worker starting
with another ``--interval`` replaces the waiting tick; a running tick never does, so two
chains cannot fight.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Flask
from redis import Redis
from rq import Queue, Worker, get_current_job
from rq.exceptions import DuplicateJobError
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from portal import jobs

log = logging.getLogger("portal.worker")
TICK_PREFIX = "escalation-tick"
DEFAULT_INTERVAL = jobs.ESCALATION_INTERVAL
_bound: Flask | None = None


def bind(app: Flask | None) -> None:
    """Run this process's jobs with ``app`` (``None`` unbinds: the next job builds its own)."""
    global _bound
    _bound = app


def _app() -> Flask:
    if _bound is None:
        from portal import create_app  # only a worker without a bound app builds one
        bind(create_app())
    assert _bound is not None
    return _bound


def connect(config: Mapping[str, Any]) -> Redis:
    """A Redis client for REDIS_URL; close it (``with connect(...)``) when done."""
    return Redis.from_url(config["REDIS_URL"])


def queue_for(connection: Redis, config: Mapping[str, Any]) -> Queue:
    return Queue(config["RQ_QUEUE"], connection=connection)


def deliver_job() -> int:
    """Send what waits in the outbox (queued by the web after each commit)."""
    return jobs.deliver_outbox(_app())


def enqueue_delivery(config: Mapping[str, Any]) -> Job:
    with connect(config) as connection:
        return queue_for(connection, config).enqueue(deliver_job)


def escalation_tick(interval: int) -> int:
    """Schedule the next tick, then escalate what is due; returns how many steps fired.

    The next tick is scheduled first, so a failing run does not stop the chain. Called outside
    a worker (no current job) it only escalates.
    """
    current = get_current_job()
    if current is not None:
        schedule_tick(Queue(current.origin, connection=current.connection), interval)
    fired = jobs.run_escalation(_app())
    log.info("escalation tick: %d steps fired", fired)
    return fired


def _waiting_ticks(queue: Queue) -> list[Job]:
    ids = [job_id for job_id in ScheduledJobRegistry(queue=queue).get_job_ids()
           if job_id.startswith(f"{TICK_PREFIX}-")]
    return [job for job in Job.fetch_many(ids, connection=queue.connection) if job is not None]


def _tick_id(queue: Queue, slot: int) -> str:
    # Job ids are global in Redis and allow only letters, digits, "_" and "-".
    return f"{TICK_PREFIX}-{re.sub(r'[^A-Za-z0-9_-]', '_', queue.name)}-{slot}"


def schedule_tick(queue: Queue, interval: int, *, replace: bool = False) -> Job | None:
    """Schedule an escalation tick ``interval`` seconds from now, unless one is waiting.

    With ``replace`` a waiting tick of another interval is dropped first.
    """
    waiting = _waiting_ticks(queue)
    if replace:
        for job in [j for j in waiting if j.args != (interval,)]:
            job.delete()
            waiting.remove(job)
    if waiting:
        return None
    due = datetime.now(timezone.utc) + timedelta(seconds=interval)
    slot = int(due.timestamp()) // interval
    try:
        return queue.enqueue_in(timedelta(seconds=interval), escalation_tick, interval,
                                job_id=_tick_id(queue, slot), unique=True)
    except DuplicateJobError:  # another worker scheduled this slot a moment ago
        return None


def run(app: Flask, *, interval: int = DEFAULT_INTERVAL, burst: bool = False) -> None:
    """Bind ``app``, make sure an escalation tick is scheduled, and work the queue."""
    bind(app)
    with connect(app.config) as connection:
        queue = queue_for(connection, app.config)
        schedule_tick(queue, interval, replace=True)
        Worker([queue], connection=connection).work(burst=burst, with_scheduler=True)
