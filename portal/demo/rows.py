"""A story as table rows, following the rules of the domain services (intake, workflow, holds,
escalation) without going through them: what bulk loading writes."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.deadlines.policy import ClockPolicy
from portal.demo.calendar import WorkdayIndex, at_local, local_day, local_day_start
from portal.demo.stories import Story
from portal.models.vocab import Category

TICKET_COLUMNS = (
    "id", "code", "receipt_hash", "category", "channel", "status", "agency_id", "procedure_id",
    "dossier_number", "subject", "description", "locality", "anonymous", "business_name",
    "contact_name", "contact_email", "contact_phone", "identity_consent", "language",
    "filed_by_id", "received_at", "ack_due", "answer_due", "acknowledged_at", "answered_at",
    "closed_at", "paused_at", "priority", "extended_at", "updated_at", "version")
SEGMENT_COLUMNS = (
    "id", "ticket_id", "agency_id", "started_at", "ended_at", "ack_due", "transfer_due",
    "answer_due", "acknowledged_at", "outcome", "on_time", "reminded_at", "head_alerted_at",
    "coordinator_alerted_at", "counted_from", "answer_working_days", "cites_legal_basis", "rating",
    "reopened_at", "repeat_hold", "report_received_at", "harassment", "report_rejected", "paused")
EVENT_COLUMNS = ("id", "ticket_id", "kind", "at", "actor_id", "agency_id", "to_agency_id",
                 "public", "body", "legal_basis")
RATING_COLUMNS = ("id", "ticket_id", "answer_event_id", "score", "comment", "at")
AUDIT_COLUMNS = ("id", "at", "actor_id", "action", "ticket_id", "subject", "detail")

ESCALATION_HOUR = 6  # the daily escalation job runs at 06:00 local time
REMIND_DAYS_BEFORE, COORDINATOR_DAYS_LATE = 2, 5


@dataclass(frozen=True)
class Actors:
    """User ids acting in the stories (None when the account does not exist)."""
    officer: dict[int, int]
    head: dict[int, int]
    coordinator: int | None
    clerk: int | None

    def staff(self, agency_id: int | None, category: str) -> int | None:
        # Harassment is the head's alone (DESIGN §5.4).
        if category == Category.harassment:
            return self.head.get(agency_id)
        return self.officer.get(agency_id) or self.head.get(agency_id)


class History:
    """Replays one story into rows; ids of segments, events and ratings are local (0-based)
    until ``Ids`` shifts them."""

    def __init__(self, story: Story, *, policies: dict[str, ClockPolicy], index: WorkdayIndex,
                 actors: Actors, codes: dict[int, str], now: datetime) -> None:
        self.story, self.index, self.actors, self.now = story, index, actors, now
        self.codes = codes  # agency codes, for the audit log
        self.policy = policies[story.category]
        self.segments: list[dict] = []
        self.events: list[list] = []  # [at, kind, actor, agency, to_agency, public, body, basis]
        self.ratings: list[tuple[int, int, str | None, datetime]] = []  # answer event idx, ...
        self.audit: list[tuple[datetime, int, str, str | None]] = []  # at, actor, action, detail
        self.pauses: list[tuple[datetime, datetime]] = []
        self.t: dict = {}

    def run(self) -> None:
        s, t = self.story, self.t
        received = s.received_at
        day0 = local_day(received)
        t.update(status="assigned" if s.agency_id else "new", agency_id=s.agency_id,
                 ack_due=self.index.deadline(day0, self.policy.ack_days),
                 answer_due=self.index.deadline(day0, self.policy.answer_days),
                 acknowledged_at=None, answered_at=None, closed_at=None, paused_at=None,
                 extended_at=None, updated_at=received)
        clerk = self.actors.clerk if s.by_clerk else None
        self._event(received, "filed", clerk)
        if s.agency_id:
            self._event(received, "assigned", clerk, to_agency=s.agency_id)
            self._open(received, day0)
        for step in s.steps:
            getattr(self, "_" + step.kind)(step)
        self._escalations()

    # --- helpers mirroring tickets/holds.py and tickets/events.py ------------------------------

    def _event(self, at, kind, actor, *, public=True, body=None, basis=None, to_agency=None,
               agency=...) -> int:
        self.events.append([at, kind, actor, self.t["agency_id"] if agency is ... else agency,
                            to_agency, public, body, basis])
        if actor is not None:  # as tickets/events.record: staff actions are audited
            detail = None if to_agency is None else json.dumps({"to_agency": self.codes[to_agency]})
            self.audit.append((at, actor, f"ticket.{kind}", detail))
        self.t["updated_at"] = at
        return len(self.events) - 1

    def _open(self, now: datetime, day_zero) -> None:
        p, idx = self.policy, self.index
        seg = {"agency_id": self.t["agency_id"], "started_at": now, "ended_at": None,
               "ack_due": idx.deadline(day_zero, p.ack_days),
               "transfer_due": idx.deadline(day_zero, p.transfer_days),
               "answer_due": idx.deadline(day_zero, p.answer_days), "acknowledged_at": None,
               "outcome": None, "on_time": None, "reminded_at": None, "head_alerted_at": None,
               "coordinator_alerted_at": None,
               # The scoring facts holds.open_segment/record_answer/record_rating keep.
               "counted_from": local_day_start(idx.add(local_day(now), 1)),
               "answer_working_days": None, "cites_legal_basis": None, "rating": None,
               "reopened_at": None, "repeat_hold": False,
               "report_received_at": self.story.received_at,
               "harassment": self.story.category == Category.harassment,
               "report_rejected": False, "paused": False}
        for earlier in self.segments:
            if earlier["agency_id"] == seg["agency_id"]:
                earlier["repeat_hold"] = seg["repeat_hold"] = True
        self.segments.append(seg)
        self.t["ack_due"], self.t["answer_due"] = seg["ack_due"], seg["answer_due"]

    def _current(self) -> dict | None:
        if self.segments and self.segments[-1]["ended_at"] is None:
            return self.segments[-1]
        return None

    def _close_segment(self, outcome: str, now: datetime) -> None:
        seg = self._current()
        due = seg["transfer_due"] if outcome == "transferred" else seg["answer_due"]
        seg.update(ended_at=now, outcome=outcome, on_time=now <= due)

    def _last_answered(self) -> dict | None:
        answered = [seg for seg in self.segments if seg["outcome"] == "answered"]
        return answered[-1] if answered else None

    def _ack(self, now: datetime) -> None:
        self.t["acknowledged_at"] = self.t["acknowledged_at"] or now
        seg = self._current()
        if seg["acknowledged_at"] is None:
            seg["acknowledged_at"] = now

    def _push(self, working_days: int) -> None:
        if working_days <= 0:
            return
        due = self.index.deadline(local_day(self.t["answer_due"]), working_days)
        self.t["answer_due"] = self._current()["answer_due"] = due

    def _resume(self, now: datetime) -> None:
        paused = self.t["paused_at"]
        if paused is None:
            return
        self.pauses.append((paused, now))
        self._push(self.index.between(local_day(paused), local_day(now)))
        self._current()["paused"] = False
        self.t["paused_at"] = None

    def _staff(self) -> int | None:
        return self.actors.staff(self.t["agency_id"], self.story.category)

    # --- one method per step kind --------------------------------------------------------------

    def _assign(self, step) -> None:
        moved = self.t["status"] == "transferred"  # an agency receiving a transfer: its own time
        day_zero = local_day(step.at if moved else self.story.received_at)
        self.t["agency_id"] = step.agency_id
        self._open(step.at, day_zero)
        self.t["status"] = "assigned"
        self._event(step.at, "assigned", self.actors.coordinator, to_agency=step.agency_id)

    def _reject(self, step) -> None:
        self.t.update(status="rejected", closed_at=step.at)
        for seg in self.segments:
            seg["report_rejected"] = True
        self._event(step.at, "rejected", self.actors.coordinator, body=step.text)

    def _acknowledge(self, step) -> None:
        self.t["status"] = "acknowledged"
        self._ack(step.at)
        self._event(step.at, "acknowledged", self._staff())

    def _request_info(self, step) -> None:
        self.t.update(status="needs_info", paused_at=step.at)
        self._ack(step.at)
        self._current()["paused"] = True
        self._event(step.at, "info_requested", self._staff(), body=step.text)

    def _reply(self, step) -> None:
        self._resume(step.at)
        self.t["status"] = "acknowledged"
        self._event(step.at, "reporter_replied", None, body=step.text)

    def _extend(self, step) -> None:
        self._push(self.policy.extension_days)
        self.t["extended_at"] = step.at
        self._event(step.at, "extended", self._staff(), body=f"{step.extra}\n\n{step.text}")

    def _answer(self, step) -> None:
        self._resume(step.at)
        self.t.update(status="answered", answered_at=step.at)
        self._ack(step.at)
        self._close_segment("answered", step.at)
        seg = self.segments[-1]
        seg.update(answer_working_days=self.index.between(local_day(seg["started_at"]),
                                                          local_day(step.at)),
                   cites_legal_basis=bool(step.extra))
        self.last_answer = self._event(step.at, "answered", self._staff(), body=step.text,
                                       basis=step.extra)

    def _rate(self, step) -> None:
        self.ratings.append((self.last_answer, step.score, step.text or None, step.at))
        self._last_answered()["rating"] = step.score
        self._event(step.at, "rated", None, body=step.text or None)

    def _reopen(self, step) -> None:
        self.t.update(status="reopened", closed_at=None)
        answered = self._last_answered()
        if answered is not None and answered["reopened_at"] is None:
            answered["reopened_at"] = step.at
        self._open(step.at, local_day(step.at))
        self._event(step.at, "reopened", None, body=step.text)

    def _close(self, step) -> None:
        self.t.update(status="closed", closed_at=step.at)
        self._event(step.at, "closed", self._staff())

    def _transfer(self, step) -> None:
        self._resume(step.at)
        self._close_segment("transferred", step.at)
        self._event(step.at, "transferred", self._staff(), body=step.text)
        self.t.update(status="transferred", agency_id=None)

    # --- what `flask portal escalate`, run daily, would have done ------------------------------

    def _escalations(self) -> None:
        if self.t["paused_at"] is not None:
            self.pauses.append((self.t["paused_at"], self.now + timedelta(days=1)))
        idx = self.index
        for seg in self.segments:
            due_day = local_day(seg["answer_due"])
            steps = (("reminded_at", "escalation_officer", idx.back(due_day, REMIND_DAYS_BEFORE)),
                     ("head_alerted_at", "escalation_head", due_day),
                     ("coordinator_alerted_at", "escalation_coordinator",
                      idx.add(due_day, COORDINATOR_DAYS_LATE)))
            for marker, name, day in steps:
                fired = at_local(day, ESCALATION_HOUR * 60)
                if fired < seg["started_at"]:  # the job's next run (it runs each working day)
                    fired = at_local(idx.add(local_day(seg["started_at"]), 1),
                                     ESCALATION_HOUR * 60)
                end = seg["ended_at"] or self.now
                if fired >= end or any(a <= fired < b for a, b in self.pauses):
                    continue
                seg[marker] = fired
                # The job adds its event directly: the report's updated_at stays as it was.
                self.events.append([fired, "escalated", None, seg["agency_id"], None, False,
                                    name, None])
