"""Accuracy of the router on a labelled file: overall, per class, top-3, confusion matrices."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from portal.routing.classifier import Model
from portal.routing.corpus import Example


def evaluate(model: Model, examples: list[Example]) -> dict[str, Any]:
    predictions = [model.predict(e.text) for e in examples]
    return {
        "examples": len(examples),
        "sector": _report([e.sector for e in examples], [p.sectors for p in predictions]),
        "category": _report([e.category for e in examples], [p.categories for p in predictions]),
    }


def _report(truth: list[str], ranked: list[list]) -> dict[str, Any]:
    top1 = [r[0].label for r in ranked]
    per_class: dict[str, Counter] = defaultdict(Counter)
    confusion: dict[str, Counter] = defaultdict(Counter)
    for actual, predicted in zip(truth, top1):
        per_class[actual]["n"] += 1
        per_class[actual]["correct"] += actual == predicted
        confusion[actual][predicted] += 1
    n = len(truth) or 1
    return {
        "accuracy": round(sum(a == p for a, p in zip(truth, top1)) / n, 4),
        "top3_accuracy": round(sum(a in {x.label for x in r[:3]} for a, r in zip(truth, ranked)) / n, 4),
        "per_class": {label: {"n": c["n"], "accuracy": round(c["correct"] / c["n"], 4)}
                      for label, c in sorted(per_class.items())},
        "confusion": {label: dict(sorted(row.items())) for label, row in sorted(confusion.items())},
    }
