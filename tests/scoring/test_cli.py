"""`flask scores compute|inputs`, and an independent recomputation from the inputs CSV
(acceptance: the published numbers equal a recomputation by an independent script)."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from portal.scoring.method import INDICATORS, METHOD_VERSION
from tests.scoring.test_worked_example import build_worked_example

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "recompute_from_inputs.py"
AS_OF = ["--as-of", "2025-07-15T00:00:00+00:00"]


def invoke(runner, *args):
    result = runner.invoke(args=["scores", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_compute_json_prints_every_figure(app, runner):
    build_worked_example(app.config)
    data = json.loads(invoke(runner, "compute", "2025H1", "--json", *AS_OF))
    assert data["method_version"] == METHOD_VERSION and data["period"] == "2025H1"
    assert data["settings"]["min_n"] == 3
    a = next(x for x in data["agencies"] if x["code"] == "A")
    assert (a["group"], a["n"], a["rank"], round(a["composite"], 2)) == ("department", 4, 2, 36.38)
    assert set(a["indicators"]) == set(INDICATORS)
    assert set(a["indicators"]["ack_on_time"]) == {"k", "n", "raw", "shrunk", "score", "low",
                                                   "high"}
    assert set(a["components"]) == {"time", "integrity", "satisfaction", "transparency",
                                    "accountability"}
    d = next(x for x in data["agencies"] if x["code"] == "D")
    assert (d["rank"], d["standing"], d["composite"]) == (None, "insufficient_data", None)


def test_compute_table_and_bad_period(app, runner):
    build_worked_example(app.config)
    table = invoke(runner, "compute", "2025H1", *AS_OF)
    assert METHOD_VERSION in table and "insufficient_data" in table and "91.00" in table
    result = runner.invoke(args=["scores", "compute", "2025H3"])
    assert result.exit_code == 2 and "2025H1, 2025H2" in result.output


def test_inputs_csv_has_one_row_per_counted_pair(app, runner):
    build_worked_example(app.config)
    rows = list(csv.DictReader(io.StringIO(invoke(runner, "inputs", "2025H1", "--csv", *AS_OF))))
    assert len(rows) == 4 + 3 + 3 + 2 + 3 + 3
    b2 = [r for r in rows if r["agency_code"] == "B" and r["reopened"] == "1"]
    assert len(b2) == 1
    assert {k: b2[0][k] for k in ("answers", "answers_citing", "answer_days", "ratings",
                                  "ratings_high", "ack_n", "ack_k", "answer_n", "answer_k")} == \
        {"answers": "2", "answers_citing": "2", "answer_days": "3", "ratings": "1",
         "ratings_high": "1", "ack_n": "1", "ack_k": "1", "answer_n": "1", "answer_k": "1"}
    summary = invoke(runner, "inputs", "2025H1", *AS_OF)
    assert summary.startswith("2025H1: 18 counted report-agency pairs")


def test_an_independent_script_recomputes_the_ranking(app, runner, tmp_path):
    build_worked_example(app.config)
    inputs = tmp_path / "inputs.csv"
    inputs.write_text(invoke(runner, "inputs", "2025H1", "--csv", *AS_OF), encoding="utf-8")
    computed = json.loads(invoke(runner, "compute", "2025H1", "--json", *AS_OF))
    weights = ",".join(f"{k}={v}" for k, v in computed["settings"]["weights"].items())
    # Another interpreter, with -I: the script sees neither the portal nor the virtualenv.
    output = subprocess.run([sys.executable, "-I", str(SCRIPT), str(inputs), "--min-n",
                             str(computed["settings"]["min_n"]), "--weights", weights],
                            capture_output=True, text=True, check=True).stdout
    recomputed = json.loads(output)
    with_data = [a for a in computed["agencies"] if a["n"]]
    assert set(recomputed) == {a["code"] for a in with_data}
    for agency in with_data:
        again = recomputed[agency["code"]]
        assert again["rank"] == agency["rank"], agency["code"]
        assert again["n"] == agency["n"]
        if agency["composite"] is None:
            assert again["composite"] is None
        else:
            assert abs(again["composite"] - agency["composite"]) < 1e-9, agency["code"]
