"""Bulk loading for benchmarks: millions of consistent reports, written with COPY on
PostgreSQL and big executemany transactions on SQLite, bypassing the ORM.

The rows follow the same stories and rules as the realistic mode, but no mail is queued, no
routing runs and receipts are random hashes (nobody can open these reports with a receipt).
"""
from __future__ import annotations

import random
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.demo import rows as r
from portal.demo.calendar import local_day
from portal.demo.stories import Planner, Story
from portal.demo.world import load_actors, load_world
from portal.extensions import db
from portal.models import TrackingCounter
from portal.tickets.tracking import CODE_PREFIX

TABLES = (("tickets", r.TICKET_COLUMNS), ("hold_segments", r.SEGMENT_COLUMNS),
          ("ticket_events", r.EVENT_COLUMNS), ("ratings", r.RATING_COLUMNS),
          ("audit_entries", r.AUDIT_COLUMNS))
CHUNK = 20_000


@dataclass
class BulkResult:
    reports: int = 0
    segments: int = 0
    events: int = 0
    ratings: int = 0
    audit: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.reports + self.segments + self.events + self.ratings + self.audit


def load(*, reports: int, seed: int, now: datetime,
         progress: Callable[[BulkResult], None] | None = None) -> BulkResult:
    """Write ``reports`` demo reports with their history. Flushes nothing through the ORM;
    the caller commits (the rows and the advanced tracking counters go together)."""
    started = time.perf_counter()
    world = load_world(now)
    planner = Planner(world, seed)
    writer = _writer()
    writer.prepare()
    ids = _Ids(writer.next_ids(), _counters(), random.Random(f"receipts-{seed}"))
    actors, result = load_actors(), BulkResult()
    codes = {agency.id: agency.code for agency in world.agencies}
    times = planner.receipts(reports)
    for start in range(0, reports, CHUNK):
        batch = _Batch()
        for receipt in times[start:start + CHUNK]:
            history = r.History(planner.story(receipt), policies=world.policies,
                                index=world.index, actors=actors, codes=codes, now=now)
            history.run()
            batch.add(history, ids)
        writer.write(batch)
        result.reports += len(batch.tickets)
        result.segments += len(batch.segments)
        result.events += len(batch.events)
        result.ratings += len(batch.ratings)
        result.audit += len(batch.audit)
        result.seconds = time.perf_counter() - started
        if progress:
            progress(result)
    _advance_counters(ids.counters)
    writer.finish()
    result.seconds = time.perf_counter() - started
    return result


class _Ids:
    """Next free id per table and next tracking number per year."""

    def __init__(self, next_ids: dict[str, int], counters: dict[int, int], rng: random.Random):
        self.next, self.counters, self.rng = next_ids, counters, rng

    def take(self, table: str, n: int = 1) -> int:
        first = self.next[table]
        self.next[table] = first + n
        return first

    def code(self, received_at: datetime) -> str:
        year = local_day(received_at).year
        value = self.counters.get(year, 0) + 1
        self.counters[year] = value
        return f"{CODE_PREFIX}-{year}-{value:06d}"


class _Batch:
    def __init__(self) -> None:
        self.tickets: list[tuple] = []
        self.segments: list[tuple] = []
        self.events: list[tuple] = []
        self.ratings: list[tuple] = []
        self.audit: list[tuple] = []

    def add(self, history: r.History, ids: _Ids) -> None:
        s, t = history.story, history.t
        ticket_id = ids.take("tickets")
        filed_by = history.actors.clerk if s.by_clerk else None
        self.tickets.append(_ticket_row(ticket_id, ids.code(s.received_at),
                                        f"{ids.rng.getrandbits(256):064x}", filed_by, s, t))
        for seg in history.segments:
            self.segments.append((ids.take("hold_segments"), ticket_id, seg["agency_id"],
                                  seg["started_at"], seg["ended_at"], seg["ack_due"],
                                  seg["transfer_due"], seg["answer_due"], seg["acknowledged_at"],
                                  seg["outcome"], seg["on_time"], seg["reminded_at"],
                                  seg["head_alerted_at"], seg["coordinator_alerted_at"],
                                  seg["counted_from"], seg["answer_working_days"],
                                  seg["cites_legal_basis"], seg["rating"], seg["reopened_at"],
                                  seg["repeat_hold"], seg["report_received_at"],
                                  seg["harassment"], seg["report_rejected"], seg["paused"]))
        # Ids follow time, as they would had the events been recorded as they happened.
        order = sorted(range(len(history.events)), key=lambda i: history.events[i][0])
        first = ids.take("ticket_events", len(order))
        event_id = {}
        for offset, i in enumerate(order):
            at, kind, actor, agency, to_agency, public, body, basis = history.events[i]
            event_id[i] = first + offset
            self.events.append((first + offset, ticket_id, kind, at, actor, agency, to_agency,
                                public, body, basis))
        for answer, score, comment, at in history.ratings:
            self.ratings.append((ids.take("ratings"), ticket_id, event_id[answer], score,
                                 comment, at))
        for at, actor, action, detail in history.audit:
            self.audit.append((ids.take("audit_entries"), at, actor, action, ticket_id, None,
                               detail))


def _ticket_row(ticket_id: int, code: str, receipt_hash: str, filed_by: int | None, s: Story,
                t: dict) -> tuple:
    return (ticket_id, code, receipt_hash, str(s.category), str(s.channel), t["status"],
            t["agency_id"],
            s.procedure_id, s.dossier_number, s.subject, s.description, s.locality, s.anonymous,
            s.business_name, s.contact_name, None, s.contact_phone, s.identity_consent, "vi",
            filed_by, s.received_at, t["ack_due"],
            t["answer_due"], t["acknowledged_at"], t["answered_at"], t["closed_at"],
            t["paused_at"], s.priority, t["extended_at"], t["updated_at"], 1)


def _counters() -> dict[int, int]:
    return dict(db.session.execute(sa.select(TrackingCounter.year, TrackingCounter.value)).all())


def _advance_counters(counters: dict[int, int]) -> None:
    """Later real filings continue after the bulk codes."""
    for year, value in counters.items():
        row = db.session.get(TrackingCounter, year)
        if row is None:
            db.session.add(TrackingCounter(year=year, value=value))
        elif row.value < value:
            row.value = value
    db.session.flush()


def _writer() -> _Writer:
    connection = db.session.connection()
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        return _CopyWriter(raw)
    return _SqliteWriter(raw)


class _Writer(ABC):
    def __init__(self, raw) -> None:
        self.raw = raw

    def prepare(self) -> None:
        pass

    def finish(self) -> None:
        pass

    def next_ids(self) -> dict[str, int]:
        cursor = self.raw.cursor()
        result = {}
        for table, _ in TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            result[table] = cursor.fetchone()[0]
        cursor.close()
        return result

    def write(self, batch: _Batch) -> None:
        for (table, columns), rows in zip(TABLES, (batch.tickets, batch.segments, batch.events,
                                                   batch.ratings, batch.audit)):
            if rows:
                self.write_table(table, columns, rows)

    @abstractmethod
    def write_table(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        """Append ``rows`` to ``table`` (COPY on PostgreSQL, executemany elsewhere)."""


class _CopyWriter(_Writer):
    def prepare(self) -> None:
        # Nobody else adds rows while ids are handed out; readers are not blocked.
        with self.raw.cursor() as cursor:
            cursor.execute("LOCK TABLE tickets, hold_segments, ticket_events, ratings, "
                           "audit_entries, tracking_counters IN EXCLUSIVE MODE")

    def write_table(self, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
        with self.raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def finish(self) -> None:
        with self.raw.cursor() as cursor:
            for table, _ in TABLES:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM {table}))")
            cursor.execute("ANALYZE tickets, hold_segments, ticket_events, ratings, audit_entries")


class _SqliteWriter(_Writer):
    # One transaction, so fsync happens once at commit; a big page cache keeps the indexes
    # in memory while they grow.
    def prepare(self) -> None:
        self.raw.execute("PRAGMA cache_size = -200000")

    def write_table(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(columns))
        moments = [i for i, name in enumerate(columns) if name in _DATETIME_COLUMNS]
        self.raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                             (_sqlite_row(row, moments) for row in rows))

    def finish(self) -> None:
        self.raw.execute("PRAGMA cache_size = -2000")  # SQLite's default


_DATETIME_COLUMNS = frozenset({
    "received_at", "ack_due", "answer_due", "acknowledged_at", "answered_at", "closed_at",
    "paused_at", "extended_at", "updated_at", "started_at", "ended_at", "transfer_due",
    "reminded_at", "head_alerted_at", "coordinator_alerted_at", "at"})


def _sqlite_row(row: tuple, moments: list[int]) -> list:
    # SQLAlchemy's storage format for DateTime on SQLite: naive UTC with microseconds (every
    # moment here is already UTC, so the offset is cut off).
    row = list(row)
    for i in moments:
        if row[i] is not None:
            row[i] = row[i].isoformat(" ", "microseconds")[:26]
    return row
