"""Reading a published snapshot's figures for display: rows per group, bands, change since the
previous period and the uncertainty of each rank.

Bands are the portal's own (no DDCI publishes thresholds): they depend only on the composite.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.i18n import _l
from portal.scoring.method import COMPONENTS

# (lowest composite, code, label), best first.
BANDS = (
    (75.0, "very_good", _l("Very good")),
    (60.0, "good", _l("Good")),
    (45.0, "fair", _l("Fair")),
    (30.0, "average", _l("Average")),
    (0.0, "weak", _l("Needs improvement")),
)
GROUPS = ("department", "central", "local")


def band(composite: float | None) -> tuple[str, Any] | None:
    if composite is None:
        return None
    return next((code, label) for floor, code, label in BANDS if composite >= floor)


@dataclass(frozen=True)
class RankingRow:
    agency: dict[str, Any]          # the snapshot's figures for the agency
    band: tuple[str, Any] | None
    composite_low: float | None
    composite_high: float | None
    rank_best: int | None
    rank_worst: int | None
    composite_change: float | None  # since the previous period's published snapshot
    rank_change: int | None         # positive: climbed

    @property
    def ranked(self) -> bool:
        return self.agency["rank"] is not None


def rows_by_group(figures: dict[str, Any], weights: dict[str, float],
                  previous: dict[str, Any] | None = None) -> dict[str, list[RankingRow]]:
    """Per group (department, central, local): ranked agencies by rank, then the rest by code."""
    before = {a["code"]: a for a in previous["agencies"]} if previous else {}
    out: dict[str, list[RankingRow]] = {}
    for group in GROUPS:
        agencies = [a for a in figures["agencies"] if a["group"] == group]
        if not agencies:
            continue
        intervals = composite_intervals(agencies, weights)
        ranges = rank_ranges(intervals)
        agencies.sort(key=lambda a: (a["rank"] is None, a["rank"] or 0, a["code"]))
        out[group] = [_row(a, intervals.get(a["agency_id"]), ranges.get(a["agency_id"]),
                           before.get(a["code"])) for a in agencies]
    return out


def _row(agency, interval, rank_range, before) -> RankingRow:
    low, high = interval or (None, None)
    best, worst = rank_range or (None, None)
    change = rank_change = None
    if before and agency["composite"] is not None and before.get("composite") is not None:
        change = round(agency["composite"] - before["composite"], 2)
        if agency["rank"] is not None and before.get("rank") is not None:
            rank_change = before["rank"] - agency["rank"]
    return RankingRow(agency, band(agency["composite"]), low, high, best, worst, change,
                      rank_change)


def composite_intervals(agencies: list[dict[str, Any]], weights: dict[str, float]
                        ) -> dict[int, tuple[float, float]]:
    """A 95% band around each ranked agency's composite: every rate indicator taken at the ends of
    its Wilson interval, mapped through the group's own 1–10 rescaling, then weighted as usual."""
    ranked = [a for a in agencies if a["rank"] is not None]
    maps = {name: _rescaling(ranked, name) for name in _indicator_names(ranked)}
    out = {}
    for a in ranked:
        lows, highs, total = 0.0, 0.0, 0.0
        for component, names in COMPONENTS.items():
            if a["components"].get(component) is None:
                continue
            bounds = [_indicator_bounds(a["indicators"][n], maps[n]) for n in names
                      if n in a["indicators"]]
            if not bounds:
                continue
            w = float(weights.get(component, 0))
            lows += w * sum(b[0] for b in bounds) / len(bounds)
            highs += w * sum(b[1] for b in bounds) / len(bounds)
            total += w
        if total:
            low, high = 10 * lows / total, 10 * highs / total
            out[a["agency_id"]] = (min(low, a["composite"]), max(high, a["composite"]))
    return out


def rank_ranges(intervals: dict[int, tuple[float, float]]) -> dict[int, tuple[int, int]]:
    """Best and worst rank each agency could hold if every composite moved within its band."""
    out = {}
    for agency_id, (low, high) in intervals.items():
        others = [v for k, v in intervals.items() if k != agency_id]
        best = 1 + sum(1 for o_low, _h in others if o_low > high)
        worst = 1 + sum(1 for _l, o_high in others if o_high > low)
        out[agency_id] = (best, worst)
    return out


def _indicator_names(ranked):
    return {name for a in ranked for name in a["indicators"]}


def _rescaling(ranked, name):
    """The group's linear map from an indicator's value to its 1–10 score (None if flat)."""
    points = [(a["indicators"][name]["shrunk"], a["indicators"][name]["score"]) for a in ranked
              if name in a["indicators"] and a["indicators"][name].get("shrunk") is not None
              and a["indicators"][name].get("score") is not None]
    if len(points) < 2:
        return None
    (x0, y0), (x1, y1) = min(points), max(points)
    if x1 == x0:
        return None
    slope = (y1 - y0) / (x1 - x0)
    return lambda x: min(10.0, max(1.0, y0 + slope * (x - x0)))


def _indicator_bounds(indicator, rescale) -> tuple[float, float]:
    score = indicator.get("score")
    if score is None:
        return (1.0, 10.0)
    if rescale is None or indicator.get("low") is None or indicator.get("high") is None:
        return (score, score)
    a, b = rescale(indicator["low"]), rescale(indicator["high"])
    return (min(a, b, score), max(a, b, score))
