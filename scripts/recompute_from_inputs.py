#!/usr/bin/env python3
"""Recompute a period's DDCI-style scores from `flask scores inputs PERIOD --csv`, with nothing
but the Python standard library and the method as README's Scores section states it.

    flask scores inputs 2025H1 --csv > inputs.csv
    python scripts/recompute_from_inputs.py inputs.csv --min-n 10 \
        --weights time=35,integrity=20,satisfaction=20,transparency=15,accountability=10

Prints JSON: {agency_code: {"group", "n", "composite", "rank"}} for every agency in the file.
Deliberately independent of the portal's code, so it can check the portal's figures.
"""
from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from collections import defaultdict

M = 10
# name: (numerator column, denominator column or None for every counted report, higher better)
RATES = {
    "ack_on_time": ("ack_k", "ack_n", True),
    "answer_on_time": ("answer_k", "answer_n", True),
    "harassment_rate": ("harassment", None, False),
    "satisfied": ("ratings_high", "ratings", True),
    "published": ("answered", "answer_n", True),
    "legal_basis": ("answers_citing", "answers", True),
    "reopened": ("reopened", "answered", False),
}
COMPONENTS = {"time": ["ack_on_time", "answer_on_time", "median_days"],
              "integrity": ["harassment_rate"], "satisfaction": ["satisfied"],
              "transparency": ["published", "legal_basis"], "accountability": ["reopened"]}
COUNTED = ["harassment", "ack_n", "ack_k", "answer_n", "answer_k", "answered", "answers",
           "answers_citing", "ratings", "ratings_high", "reopened"]


def read(stream):
    agencies = {}
    for row in csv.DictReader(stream):
        code = row["agency_code"]
        agency = agencies.setdefault(code, {"group": row["agency_group"], "n": 0, "days": [],
                                            "rankable": row["agency_rankable"] == "1",
                                            **{c: 0 for c in COUNTED}})
        agency["n"] += 1
        for column in COUNTED:
            agency[column] += int(row[column])
        if row["answer_days"] != "":
            agency["days"].append(int(row["answer_days"]))
    return agencies


def values(agencies):
    """Per agency: indicator -> value (shrunk rates, raw median), and the raw tie-break rates."""
    groups = defaultdict(list)
    for code, agency in agencies.items():
        groups[agency["group"]].append(code)
    out = {code: {} for code in agencies}
    for codes in groups.values():
        for name, (k_col, n_col, _better) in RATES.items():
            ks = {c: agencies[c][k_col] for c in codes}
            ns = {c: agencies[c]["n"] if n_col is None else agencies[c][n_col] for c in codes}
            total = sum(ns.values())
            pooled = sum(ks.values()) / total if total else None
            for c in codes:
                out[c][name] = None if pooled is None else (ks[c] + M * pooled) / (ns[c] + M)
        for c in codes:
            days = agencies[c]["days"]
            out[c]["median_days"] = statistics.median(days) if days else None
    return out


def rescale(xs, higher_better):
    if not xs:
        return {}
    lo, hi = min(xs.values()), max(xs.values())
    if hi - lo <= 1e-9:
        return {c: 5.5 for c in xs}
    return {c: 1 + 9 * ((x - lo) if higher_better else (hi - x)) / (hi - lo) for c, x in xs.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", default="-")
    parser.add_argument("--min-n", type=int, default=10)
    parser.add_argument("--weights", default="time=35,integrity=20,satisfaction=20,"
                                             "transparency=15,accountability=10")
    args = parser.parse_args(argv)
    weights = {k: float(v) for k, v in (p.split("=") for p in args.weights.split(","))}
    stream = sys.stdin if args.csv == "-" else open(args.csv, newline="", encoding="utf-8")
    with stream:
        agencies = read(stream)
    indicator_values = values(agencies)
    better = {name: spec[2] for name, spec in RATES.items()} | {"median_days": False}
    result = {code: {"group": a["group"], "n": a["n"], "composite": None, "rank": None}
              for code, a in agencies.items()}
    groups = defaultdict(list)
    for code, a in agencies.items():
        if a["rankable"] and a["group"] != "none" and a["n"] >= args.min_n:
            groups[a["group"]].append(code)
    for codes in groups.values():
        scores = {c: {} for c in codes}
        for name, higher in better.items():
            present = {c: indicator_values[c][name] for c in codes
                       if indicator_values[c][name] is not None}
            for c, s in rescale(present, higher).items():
                scores[c][name] = s
        for c in codes:
            components = {}
            for comp, names in COMPONENTS.items():
                got = [scores[c][n] for n in names if n in scores[c]]
                if got and weights.get(comp, 0) > 0:
                    components[comp] = sum(got) / len(got)
            total = sum(weights[k] for k in components)
            result[c]["composite"] = (10 * sum(weights[k] * v for k, v in components.items())
                                      / total) if total else None

        def key(c):
            a = agencies[c]
            harassment = a["harassment"] / a["n"]
            on_time = a["answer_k"] / a["answer_n"] if a["answer_n"] else float("-inf")
            return (-round(result[c]["composite"], 6), harassment, -on_time)
        ranked = sorted((c for c in codes if result[c]["composite"] is not None), key=key)
        for i, c in enumerate(ranked):
            tied = i and key(ranked[i - 1]) == key(c)
            result[c]["rank"] = result[ranked[i - 1]]["rank"] if tied else i + 1
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
