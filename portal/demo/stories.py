"""Stories of demo reports: who filed what, when, and what each agency did next.

A story is drawn from a seeded random generator and holds only decisions and times, so the same
seed gives the same history whether it is written in bulk (`bulk.py`) or replayed through the
domain services (`replay.py`). Steps are in time order and none is later than ``now``.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from portal.deadlines.policy import ClockPolicy
from portal.demo import texts
from portal.demo.calendar import WorkdayIndex, at_local, local_day
from portal.models.vocab import AgencyGroup, Category, Channel
from portal.routing import priority

CATEGORY_WEIGHTS = {Category.delay: 45, Category.unclear_procedure: 22, Category.policy: 12,
                    Category.other: 13}  # harassment: per agency, see _category
CHANNELS_WORKDAY = ((Channel.web, 48), (Channel.hotline, 15), (Channel.counter, 15),
                    (Channel.zalo, 8), (Channel.email, 7), (Channel.mail, 3), (Channel.api, 4))
CHANNELS_DAY_OFF = ((Channel.web, 80), (Channel.zalo, 12), (Channel.email, 6), (Channel.api, 2))
STAFF_CHANNELS = frozenset({Channel.hotline, Channel.counter, Channel.mail})
STALL_WINDOW = timedelta(days=90)
# Most procedures businesses complain about are provincial departments' and central agencies'.
GROUP_SHARES = {AgencyGroup.department: 0.5, AgencyGroup.central: 0.25, AgencyGroup.local: 0.25}


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    code: str
    sector: str
    group: str
    locality: str | None
    valid_from: date
    valid_to: date | None
    procedure_ids: tuple[int, ...] = ()

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Step:
    at: datetime
    kind: str  # assign, reject, acknowledge, request_info, reply, extend, answer, rate, reopen,
    #            close, transfer
    agency_id: int | None = None  # for assign: the agency it goes to
    text: str | None = None
    extra: str | None = None  # legal basis of an answer, apology of an extension
    score: int | None = None


@dataclass(frozen=True, slots=True)
class Story:
    received_at: datetime
    category: str
    channel: str
    agency_id: int | None  # the agency it was filed to (None: triage)
    procedure_id: int | None
    dossier_number: str | None
    subject: str
    description: str
    locality: str | None
    anonymous: bool
    identity_consent: bool
    business_name: str | None
    contact_name: str | None
    contact_phone: str | None
    by_clerk: bool
    priority: bool
    steps: tuple[Step, ...] = field(default=())


@dataclass
class World:
    """What stories are drawn from: the directory, the clock policies and the calendar."""
    agencies: list[AgencyInfo]
    policies: dict[str, ClockPolicy]
    index: WorkdayIndex
    now: datetime
    first_day: date
    last_day: date


def window(today: date) -> tuple[date, date]:
    """From the start of the fourth half-year before today's to yesterday: four complete
    half-years to rank, plus the current one so far (where the open reports are)."""
    half_start = date(today.year, 1 if today.month <= 6 else 7, 1)
    year, month = half_start.year - 2, half_start.month
    return date(year, month, 1), today - timedelta(days=1)


class Planner:
    def __init__(self, world: World, seed: int) -> None:
        self.world, self.rng = world, random.Random(seed)
        ranked = sorted((a for a in world.agencies if a.group != AgencyGroup.none),
                        key=lambda a: a.code)
        traits = random.Random(f"agencies-{seed}")
        # Each agency's own habits, so the rankings have something to tell.
        self.quality = {a.id: traits.uniform(0.15, 0.95) for a in ranked}
        self.size = {a.id: traits.uniform(0.4, 2.5) for a in ranked}
        self.ranked = ranked
        self._by_day: dict[date, tuple[list[AgencyInfo], list[float]]] = {}
        self.days = [d for d in _days(world.first_day, world.last_day) if self._valid(d)[0]]
        if not self.days:
            raise ValueError("no ranked agency is valid in the demo window; load the directory")
        self.day_weights = [1.0 if world.index.is_working_day(d) else 0.15 for d in self.days]

    def _valid(self, day: date) -> tuple[list[AgencyInfo], list[float]]:
        """The ranked agencies valid on ``day`` and their chance of receiving a report: each
        group keeps its share whatever its size (8 districts, then 104 communes)."""
        if day not in self._by_day:
            valid = [a for a in self.ranked if a.valid_on(day)]
            groups = Counter(a.group for a in valid)
            self._by_day[day] = (valid, [self.size[a.id] * GROUP_SHARES.get(a.group, 0.1)
                                         / groups[a.group] for a in valid])
        return self._by_day[day]

    def receipts(self, n: int) -> list[tuple[datetime, str]]:
        """When and through which channel each report arrives, in time order."""
        rng, index = self.rng, self.world.index
        receipts = []
        for day in rng.choices(self.days, weights=self.day_weights, k=n):
            channels = CHANNELS_WORKDAY if index.is_working_day(day) else CHANNELS_DAY_OFF
            channel = rng.choices([c for c, _ in channels], weights=[w for _, w in channels])[0]
            if channel in STAFF_CHANNELS:  # a clerk types it in during office hours
                minutes = rng.randint(7 * 60 + 30, 16 * 60 + 30)
            else:
                minutes = rng.randint(6 * 60, 22 * 60)
            receipts.append((at_local(day, minutes), channel))
        receipts.sort()
        return receipts

    def story(self, receipt: tuple[datetime, str]) -> Story:
        rng, (received_at, channel) = self.rng, receipt
        day = local_day(received_at)
        valid, weights = self._valid(day)
        holder = rng.choices(valid, weights=weights)[0]
        category = _category(rng, self.quality[holder.id])
        route = rng.random()
        wrong = None
        if route < 0.05 and len(valid) > 1:
            wrong = rng.choice([a for a in valid if a.id != holder.id])
        filed_to = None if route >= 0.93 else (wrong or holder)
        procedure_id = None
        if filed_to is holder and holder.procedure_ids and rng.random() < 0.35:
            procedure_id = rng.choice(holder.procedure_ids)
        subject = texts.subject(rng, holder.sector, category)
        description = texts.description(rng, holder.sector, category)
        steps = self._steps(received_at, category, filed_to, holder, wrong)
        return Story(
            received_at=received_at, category=category, channel=channel,
            agency_id=filed_to.id if filed_to else None, procedure_id=procedure_id,
            dossier_number=_dossier(rng, day) if procedure_id else None,
            subject=subject, description=description, locality=holder.locality,
            by_clerk=channel in STAFF_CHANNELS, priority=_priority(description),
            steps=tuple(s for s in steps if s.at <= self.world.now),
            **_reporter(rng, category))

    # --- the history -------------------------------------------------------------------------

    def _after(self, prev: datetime, working_days: int) -> datetime:
        """An office-hours moment ``working_days`` after ``prev`` (0: later the same day)."""
        index, day = self.world.index, local_day(prev)
        if working_days == 0 and index.is_working_day(day) and to_minutes(prev) < 16 * 60:
            return prev + timedelta(minutes=self.rng.randint(10, 120))
        return at_local(index.add(day, max(1, working_days)),
                        self.rng.randint(7 * 60 + 30, 16 * 60 + 45))

    def _steps(self, received_at: datetime, category: str, filed_to: AgencyInfo | None,
               holder: AgencyInfo, wrong: AgencyInfo | None) -> list[Step]:
        rng, steps = self.rng, []
        start, clock_day = received_at, local_day(received_at)
        if filed_to is None:  # the coordinator's triage
            if rng.random() < 0.3:
                return [Step(self._after(received_at, rng.randint(0, 2)), "reject",
                             text=rng.choice(texts.REJECT_REASONS))]
            start = self._after(received_at, rng.randint(0, 3))
            steps.append(Step(start, "assign", agency_id=holder.id))
        elif wrong is not None:  # filed to the wrong agency, which sends it back
            if rng.random() < 0.5:
                steps.append(Step(self._after(start, rng.randint(0, 1)), "acknowledge"))
            moved = self._after(steps[-1].at if steps else start, rng.randint(1, 7))
            steps.append(Step(moved, "transfer", text=rng.choice(texts.TRANSFER_REASONS)))
            start = self._after(moved, rng.randint(0, 2))
            steps.append(Step(start, "assign", agency_id=holder.id))
            clock_day = local_day(start)  # an agency receiving a transfer gets its own time
        self._segment(steps, start, clock_day, category, holder, first=True)
        return steps

    def _segment(self, steps: list[Step], start: datetime, clock_day: date, category: str,
                 holder: AgencyInfo, first: bool) -> None:
        """One agency's turn: acknowledge, maybe ask, maybe extend, answer, rate, reopen, close.
        Its legal clock counts from ``clock_day``."""
        q = self.quality[holder.id]
        response = self._respond(steps, start, q)
        if response is None:
            return  # the reporter never replied to the question
        if start > self.world.now - STALL_WINDOW and self.rng.random() < 0.03 + 0.1 * (1 - q):
            return  # stalled: open and soon overdue (older reports were all answered some day)
        last, paused = response
        answered, late = self._answer(steps, last, clock_day, paused, category, q, first)
        self._after_answer(steps, answered, category, holder, q, late, first)

    def _respond(self, steps: list[Step], start: datetime, q: float) -> tuple[datetime, int] | None:
        """Acknowledge (late at careless agencies), maybe ask the reporter; the clock's pause."""
        rng, last, paused = self.rng, start, 0
        late_ack = rng.random() < 0.05 + 0.3 * (1 - q)
        if rng.random() < 0.85:
            last = self._after(start, rng.randint(2, 5) if late_ack else rng.randint(0, 1))
            steps.append(Step(last, "acknowledge"))
        if rng.random() < 0.06:
            asked = self._after(last, rng.randint(0, 2))
            steps.append(Step(asked, "request_info", text=rng.choice(texts.INFO_QUESTIONS)))
            if rng.random() < 0.1:
                return None
            last = self._after(asked, rng.randint(1, 6))
            steps.append(Step(last, "reply", text=rng.choice(texts.REPLIES)))
            paused = self.world.index.between(local_day(asked), local_day(last))
        return last, paused

    def _answer(self, steps: list[Step], last: datetime, clock_day: date, paused: int,
                category: str, q: float, first: bool) -> tuple[datetime, bool]:
        """Maybe the one extension, then the answer: its time and whether it was meant late."""
        rng, index, policy = self.rng, self.world.index, self.world.policies[category]
        late = rng.random() < 0.04 + 0.4 * (1 - q) ** 2
        days = (rng.randint(policy.answer_days + 1, policy.answer_days * 2) if late
                else round(rng.triangular(1, policy.answer_days, 2 + (1 - q) * 14)))
        if not first:
            days = max(1, days // 2)
        if first and rng.random() < 0.07:  # one extension per report
            # At least 3 working days before the answer is due (the rule asks for 1).
            asked = at_local(index.add(clock_day, policy.answer_days - rng.randint(3, 8) + paused),
                             rng.randint(8 * 60, 16 * 60))
            if asked > last:
                last = asked
                steps.append(Step(asked, "extend", text=rng.choice(texts.EXTENSION_REASONS),
                                  extra=rng.choice(texts.APOLOGIES)))
                days = rng.randint(policy.answer_days - 2,
                                   policy.answer_days + policy.extension_days + 3)
        answered = at_local(index.add(clock_day, max(1, days + paused)),
                            rng.randint(7 * 60 + 30, 16 * 60 + 45))
        if answered <= last:
            answered = self._after(last, 0)
        basis = rng.choice(texts.LEGAL_BASES) if rng.random() < 0.25 + 0.6 * q else None
        steps.append(Step(answered, "answer", text=texts.answer(rng, category), extra=basis))
        return answered, late

    def _after_answer(self, steps: list[Step], answered: datetime, category: str,
                      holder: AgencyInfo, q: float, late: bool, first: bool) -> None:
        """The rating, a reopening (once, within the window) or the agency closing it."""
        rng, last, score = self.rng, answered, None
        if rng.random() < 0.6:
            score = _score(rng, q, on_time=not late)
            last = self._after(answered, rng.randint(0, 6))
            comments = texts.COMMENTS_GOOD if score >= 4 else texts.COMMENTS_BAD
            steps.append(Step(last, "rate", score=score, text=rng.choice(comments)))
        unhappy = rng.random() < (0.35 if score is not None and score <= 2 else
                                  0.03 if score is None else 0)
        if first and unhappy:  # within the 10 working days the reporter has
            reopened = at_local(self.world.index.add(local_day(answered), rng.randint(1, 9)),
                                rng.randint(7 * 60, 21 * 60))
            if reopened <= last:
                reopened = last + timedelta(minutes=rng.randint(5, 60))
            steps.append(Step(reopened, "reopen", text=rng.choice(texts.REOPEN_REASONS)))
            self._segment(steps, reopened, local_day(reopened), category, holder, first=False)
        elif rng.random() < 0.85:
            steps.append(Step(self._after(last, rng.randint(1, 10)), "close"))


def to_minutes(moment: datetime) -> int:
    local = moment + timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time
    return local.hour * 60 + local.minute


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _reporter(rng: random.Random, category: str) -> dict:
    """Who filed: anonymous more often for harassment, which may consent to be named."""
    anonymous = rng.random() < (0.6 if category == Category.harassment else 0.2)
    if anonymous:
        return {"anonymous": True, "identity_consent": False, "business_name": None,
                "contact_name": None, "contact_phone": None}
    return {"anonymous": False,
            "identity_consent": category == Category.harassment and rng.random() < 0.3,
            "business_name": texts.business(rng), "contact_name": texts.person(rng),
            "contact_phone": f"09{rng.randint(10_000_000, 99_999_999)}"}


def _dossier(rng: random.Random, day: date) -> str:
    return f"000.00.{rng.randint(10, 99)}.H54-{day:%y%m%d}-{rng.randint(1, 9999):04d}"


def _category(rng: random.Random, quality: float) -> str:
    if rng.random() < 0.02 + 0.12 * (1 - quality):
        return Category.harassment
    return rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]


def _score(rng: random.Random, quality: float, *, on_time: bool) -> int:
    if on_time:
        weights = (3, 4, 10 + 10 * (1 - quality), 30, 25 + 30 * quality)
    else:
        weights = (30, 25, 20, 15, 10)
    return rng.choices((1, 2, 3, 4, 5), weights=weights)[0]


@lru_cache(maxsize=4096)
def _priority(description: str) -> bool:
    # The description alone: the subject templates are calm, and the corpus texts few enough
    # to cache.
    return priority.is_priority(description)
