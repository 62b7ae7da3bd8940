"""Scores of one period: SQL totals per agency, then the method (shrink, rescale, weigh, rank)
within each group. Nothing here loops over reports; see ``method`` for the rules."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal import clock
from portal.models import Agency, AgencyGroup
from portal.scoring import facts, method
from portal.scoring.method import COMPONENTS, INDICATORS, METHOD_VERSION, SPEC
from portal.scoring.periods import Period
from portal.scoring.settings import ScoringSettings, load_settings


class Standing:
    """Why an agency is or is not ranked."""
    ranked = "ranked"
    insufficient_data = "insufficient_data"  # "chưa đủ dữ liệu": fewer than min_n reports
    ended = "ended"  # not valid on the period's last day (ended, or merged into a successor)
    not_ranked_group = "not_ranked_group"  # group "none": coordinator, association


@dataclass
class Indicator:
    k: int | None  # None for the median
    n: int
    raw: float | None
    shrunk: float | None  # the median is not shrunk: the raw value again
    score: float | None  # 1–10, ranked agencies only
    low: float | None  # 95% Wilson interval of the raw rate; None where not a rate
    high: float | None

    def to_dict(self) -> dict:
        return dict(vars(self))


@dataclass
class AgencyScore:
    agency_id: int
    code: str
    name_vi: str
    name_en: str
    group: str
    n: int
    indicators: dict[str, Indicator]
    components: dict[str, float | None]
    composite: float | None
    rank: int | None
    standing: str = Standing.ranked
    valid_to: date | None = None

    def to_dict(self) -> dict:
        data = {name: getattr(self, name) for name in (
            "agency_id", "code", "name_vi", "name_en", "group", "n", "components", "composite",
            "rank", "standing")}
        data["valid_to"] = self.valid_to.isoformat() if self.valid_to else None
        data["indicators"] = {name: ind.to_dict() for name, ind in self.indicators.items()}
        return data


@dataclass
class PeriodScores:
    """``input_pairs`` (the counted (ticket_id, agency_id) pairs) is read from the database
    on first use, in the session the scores were computed in: most callers never need it."""
    period: Period
    method_version: str
    settings: ScoringSettings
    agencies: list[AgencyScore]
    as_of: datetime
    directory_changed: bool
    _pairs: sa.Subquery | None = field(default=None, repr=False, compare=False)
    _session: Session | None = field(default=None, repr=False, compare=False)

    @cached_property
    def input_pairs(self) -> list[tuple[int, int]]:
        rows = self._session.execute(sa.select(self._pairs.c.ticket_id, self._pairs.c.agency_id)
                                     .order_by(self._pairs.c.ticket_id, self._pairs.c.agency_id))
        return [(ticket_id, agency_id) for ticket_id, agency_id in rows]

    def to_dict(self) -> dict:
        return {"period": self.period.code, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "method_version": self.method_version,
                "as_of": self.as_of.isoformat(), "settings": self.settings.to_dict(),
                "directory_changed": self.directory_changed,
                "agencies": [agency.to_dict() for agency in self.agencies]}


@dataclass
class _Totals:
    n: int = 0
    sums: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    days: dict[int, int] = field(default_factory=dict)  # answer_days histogram


def _totals(session: Session, queries: list[sa.Select]) -> dict[int, _Totals]:
    totals: dict[int, _Totals] = defaultdict(_Totals)
    for query in queries:
        for row in session.execute(query).mappings():
            entry = totals[row["agency_id"]]
            # int(): PostgreSQL sums integers as numeric (Decimal).
            entry.n += int(row["pairs"])
            for name in facts.SUMMED:
                entry.sums[name] += int(row[name] or 0)
            if row["answer_days"] is not None:
                days = int(row["answer_days"])
                entry.days[days] = entry.days.get(days, 0) + int(row["pairs"])
    return totals


# Each rate indicator's (k, n) from an agency's totals.
_RATES = {
    "ack_on_time": ("ack_k", "ack_n"),
    "answer_on_time": ("answer_k", "answer_n"),
    "harassment_rate": ("harassment", None),  # of every counted report
    "satisfied": ("ratings_high", "ratings"),
    "published": ("answered", "answer_n"),
    "legal_basis": ("answers_citing", "answers"),
    "reopened": ("reopened", "answered"),
}


def _counts(entry: _Totals, name: str) -> tuple[int, int]:
    k_name, n_name = _RATES[name]
    return entry.sums[k_name], entry.n if n_name is None else entry.sums[n_name]


def _agencies(session: Session, period: Period, with_data: Collection[int]) -> list[Agency]:
    """Agencies valid at some time in the period, and any other that holds counted reports."""
    overlaps = sa.and_(Agency.valid_from <= period.end,
                       sa.or_(Agency.valid_to.is_(None), Agency.valid_to >= period.start))
    query = sa.select(Agency).where(sa.or_(overlaps, Agency.id.in_(list(with_data))))
    return list(session.scalars(query.order_by(Agency.code)))


def _directory_changed(session: Session, period: Period) -> bool:
    """Did an agency start or end strictly inside the period (a merger, a new commune)?"""
    return bool(session.scalar(sa.select(sa.func.count()).select_from(Agency).where(sa.or_(
        sa.and_(Agency.valid_from > period.start, Agency.valid_from <= period.end),
        sa.and_(Agency.valid_to >= period.start, Agency.valid_to < period.end)))))


def _standing(agency: Agency, n: int, period: Period, settings: ScoringSettings) -> str:
    if agency.group == AgencyGroup.none:
        return Standing.not_ranked_group
    if not agency.is_valid_on(period.end):
        return Standing.ended
    return Standing.ranked if n >= settings.min_n else Standing.insufficient_data


def compute_period(session: Session, period: Period, *, settings: ScoringSettings | None = None,
                   exclude: Collection[tuple[int, int]] = frozenset(),
                   as_of: datetime | None = None) -> PeriodScores:
    """Scores of every agency for ``period``, ranked within each group.

    ``exclude``: (ticket_id, agency_id) pairs left out (accepted review flags). ``as_of``: the
    moment open reports are judged at (default now); reports still open past their due date
    then count as late.
    """
    settings = settings or load_settings(session)
    as_of = as_of or clock.now_utc()
    exclude = frozenset(exclude)
    if session.get_bind().dialect.name == "postgresql":
        # Compiling these expressions (JIT) costs more than the short scan it would speed up;
        # the repeated holds' pairs are grouped in memory rather than sorted on disk.
        session.execute(sa.text("SET LOCAL jit = off"))
        session.execute(sa.text("SET LOCAL work_mem = '64MB'"))
    totals = _totals(session, facts.agency_totals(period, as_of=as_of, exclude=exclude))
    scores = [_raw_score(agency, totals.get(agency.id, _Totals()),
                         _standing(agency, totals.get(agency.id, _Totals()).n, period, settings))
              for agency in _agencies(session, period, list(totals))]
    by_group: dict[str, list[AgencyScore]] = defaultdict(list)
    for score in scores:
        by_group[score.group].append(score)
    for group_scores in by_group.values():
        _score_group(group_scores, totals, settings)
    scores.sort(key=lambda s: (s.group, s.rank is None, s.rank or 0, s.code))
    return PeriodScores(period=period, method_version=METHOD_VERSION, settings=settings,
                        agencies=scores, as_of=as_of,
                        directory_changed=_directory_changed(session, period),
                        _pairs=facts.pair_facts(period, as_of=as_of, exclude=exclude),
                        _session=session)


def _raw_score(agency: Agency, entry: _Totals, standing: str) -> AgencyScore:
    indicators = {}
    for name in INDICATORS:
        if name == "median_days":
            median = method.median_from_histogram(entry.days)
            indicators[name] = Indicator(None, sum(entry.days.values()), median, median,
                                         None, None, None)
            continue
        k, n = _counts(entry, name)
        scale = SPEC[name].scale
        interval = method.wilson(k, n)
        indicators[name] = Indicator(k, n, scale * k / n if n else None, None, None,
                                     scale * interval[0] if interval else None,
                                     scale * interval[1] if interval else None)
    return AgencyScore(agency_id=agency.id, code=agency.code, name_vi=agency.name_vi,
                       name_en=agency.name_en, group=agency.group.value, n=entry.n,
                       indicators=indicators, components={c: None for c in COMPONENTS},
                       composite=None, rank=None, standing=standing, valid_to=agency.valid_to)


def _score_group(scores: list[AgencyScore], totals: dict[int, _Totals],
                 settings: ScoringSettings) -> None:
    """Shrink toward the group's pooled rates, then rescale, weigh and rank the ranked ones."""
    empty = _Totals()
    for name in INDICATORS:
        if not SPEC[name].is_rate:
            continue
        counts = {s.agency_id: _counts(totals.get(s.agency_id, empty), name) for s in scores}
        pooled = method.pooled_rate(list(counts.values()))
        for score in scores:
            shrunk = method.shrink(*counts[score.agency_id], pooled)
            score.indicators[name].shrunk = None if shrunk is None else SPEC[name].scale * shrunk
    ranked = [s for s in scores if s.standing == Standing.ranked]
    for name in INDICATORS:
        values = {s.agency_id: s.indicators[name].shrunk for s in ranked
                  if s.indicators[name].shrunk is not None}
        rescaled = method.rescale(values, SPEC[name].higher_is_better)
        for score in ranked:
            score.indicators[name].score = rescaled.get(score.agency_id)
    for score in ranked:
        score.components = {component: method.mean([score.indicators[i].score for i in names])
                            for component, names in COMPONENTS.items()}
        score.composite = method.composite(score.components, settings.weights)
    _rank([s for s in ranked if s.composite is not None])


def _order_key(score: AgencyScore) -> tuple[float, float, float]:
    """Higher composite (to six decimals, so float noise is no tie-break), then lower raw
    harassment rate, then higher raw on-time answer rate."""
    harassment = score.indicators["harassment_rate"].raw
    on_time = score.indicators["answer_on_time"].raw
    return (-round(score.composite, method.TIE_DECIMALS),
            harassment if harassment is not None else float("inf"),
            -(on_time if on_time is not None else float("-inf")))


def _rank(scores: list[AgencyScore]) -> None:
    """Competition ranking (1, 2, 2, 4); agencies equal on every key share a rank."""
    scores.sort(key=_order_key)
    for position, score in enumerate(scores):
        previous = scores[position - 1] if position else None
        tied = previous is not None and _order_key(previous) == _order_key(score)
        score.rank = previous.rank if tied else position + 1
