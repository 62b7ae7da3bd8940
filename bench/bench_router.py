"""Router benchmark: time to classify one report (target: under 20 ms on the project machine).

    .venv/bin/python bench/bench_router.py [--repeat 5]

Trains (or loads the cached) model from the shipped corpus, then classifies every text of the
evaluation file several times and prints the median and 95th percentile per report.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.routing import corpus  # noqa: E402
from portal.routing.classifier import load_or_train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        model = load_or_train(corpus.training_examples(), cache)
    print(f"training: {time.perf_counter() - started:.2f} s")
    texts = [e.text for e in corpus.read_jsonl(corpus.EVALUATION_FILE)]
    timings = []
    for _ in range(args.repeat):
        for text in texts:
            t0 = time.perf_counter()
            model.predict(text)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"classified {len(timings)} reports: median {statistics.median(timings):.2f} ms, "
          f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()
