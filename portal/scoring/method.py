"""The DDCI-style scoring method of DESIGN §7, version ``ddci-feedback-1``. Pure functions.

Which reports count. A report counts for an agency in a period when
  * it was received (``tickets.received_at``, local date) within the period,
  * it was not rejected (status ``rejected``: spam, duplicate, out of scope), and
  * the agency held it for at least one working day — one of its hold segments lasted until
    the first working day after the day it started (``hold_segments.counted_from``, by the
    legal clock's calendar) — or answered it (an answer on the day of receipt is not a pass-
    through). Holds that are still open are measured up to the moment of computation.
Each counted (report, agency) pair is one row of ``flask scores inputs``; its figures combine
all of that agency's holds of the report (a reopened report is held twice).

Indicators (k of n per pair; "due" means the deadline passed before the computation):
  ack_on_time     n: pairs acknowledged, or whose acknowledgement came due while held;
                  k: of those, acknowledged by the deadline in every hold.
  answer_on_time  n: pairs answered, still held past the answer deadline (not while waiting
                  on the reporter), or sent back to triage after the transfer deadline;
                  k: of those, every answer on time and nothing late — so open reports past
                  their due date count as late.
  median_days     the median over answered pairs of the working days from the start of the
                  agency's hold to its answer (summed over its answers); not shrunk.
  harassment_rate harassment reports per 100 counted reports.
  satisfied       n: ratings of the agency's answers; k: rated 4 or 5 of 5.
  published       n: as answer_on_time; k: pairs with a public answer (late or not).
  legal_basis     n: the agency's answers; k: answers citing a legal basis.
  reopened        n: answered pairs; k: pairs the reporter reopened after an answer (in this
                  portal escalations after an answer only follow a reopening).

Method. Each rate is shrunk toward the group's pooled rate, ``(k + m·p̄)/(n + m)`` with
m = 10 and p̄ = Σk/Σn over every agency of the group with data; the median is not shrunk.
Each indicator is rescaled to 1–10 over the agencies ranked in the group,
``1 + 9·(x − min)/(max − min)``, reversed when lower is better, 5.5 for all when max = min.
A component is the mean of its indicators' scores; the composite is ``10·Σw·score/Σw`` on
0–100. An indicator without a value (no answers yet, or nobody in the group rated) is left out
of its component, and a component without a value out of the composite. Ranked: agencies of a
ranked group (not ``none``) valid on the period's last day with at least ``min_n`` counted
reports; the others are listed with their raw figures. Ties on the composite (to six decimals) go to
the lower raw harassment rate, then the higher raw on-time answer rate; still equal, the
same rank. Every rate carries its 95% Wilson interval (on the raw k/n).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

METHOD_VERSION = "ddci-feedback-1"
SHRINK_M = 10
DEFAULT_MIN_N = 10
DEFAULT_WEIGHTS = {"time": 35.0, "integrity": 20.0, "satisfaction": 20.0, "transparency": 15.0,
                   "accountability": 10.0}
WILSON_Z = 1.959963984540054  # the 97.5th percentile of the normal distribution
TIE_DECIMALS = 6  # composites equal to six decimals are a tie
TIE_TOLERANCE = 1e-9  # max = min when rescaling


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    higher_is_better: bool
    is_rate: bool = True  # a proportion k/n (shrunk, Wilson); False for the median
    scale: float = 1.0  # shown as a share (1) or per 100 reports (100)


SPECS = (
    IndicatorSpec("ack_on_time", True),
    IndicatorSpec("answer_on_time", True),
    IndicatorSpec("median_days", False, is_rate=False),
    IndicatorSpec("harassment_rate", False, scale=100.0),
    IndicatorSpec("satisfied", True),
    IndicatorSpec("published", True),
    IndicatorSpec("legal_basis", True),
    IndicatorSpec("reopened", False),
)
SPEC = {spec.name: spec for spec in SPECS}
INDICATORS = tuple(spec.name for spec in SPECS)
COMPONENTS = {
    "time": ("ack_on_time", "answer_on_time", "median_days"),
    "integrity": ("harassment_rate",),
    "satisfaction": ("satisfied",),
    "transparency": ("published", "legal_basis"),
    "accountability": ("reopened",),
}


def wilson(k: int, n: int, z: float = WILSON_Z) -> tuple[float, float] | None:
    """The 95% Wilson score interval of k successes in n trials; None when n = 0."""
    if n <= 0:
        return None
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def pooled_rate(counts: list[tuple[int, int]]) -> float | None:
    """Σk/Σn over (k, n) pairs; None when Σn = 0."""
    total_n = sum(n for _k, n in counts)
    return sum(k for k, _n in counts) / total_n if total_n else None


def shrink(k: int, n: int, pooled: float | None, m: int = SHRINK_M) -> float | None:
    """(k + m·p̄)/(n + m): small agencies are pulled toward their group's rate."""
    if pooled is None:
        return None
    return (k + m * pooled) / (n + m)


def rescale(values: dict[int, float], higher_is_better: bool) -> dict[int, float]:
    """1–10 over the given values (the best gets 10, the worst 1); 5.5 for all when equal."""
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high - low <= TIE_TOLERANCE:
        return {key: 5.5 for key in values}
    return {key: 1 + 9 * ((x - low) if higher_is_better else (high - x)) / (high - low)
            for key, x in values.items()}


def mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def composite(components: dict[str, float | None], weights: dict[str, float]) -> float | None:
    """10·Σw·score/Σw over the components that have a value (0–100)."""
    present = {name: score for name, score in components.items()
               if score is not None and weights.get(name, 0) > 0}
    total = sum(weights[name] for name in present)
    if not total:
        return None
    return 10 * sum(weights[name] * score for name, score in present.items()) / total


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: count}."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(position: int) -> int:  # 0-based
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return value
        raise AssertionError("position past the end")
    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2
