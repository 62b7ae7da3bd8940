"""The published numbers equal an independent recomputation from the published inputs export
(scripts/recompute_from_inputs.py, standard library only), with an accepted flag excluded."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from portal import clock
from portal.extensions import db
from portal.models import FlagKind
from portal.scoring import review
from tests import scoring_support as s

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "recompute_from_inputs.py"


def test_published_ranking_recomputes_from_its_inputs_download(app, client, directory, make_user,
                                                              tmp_path):
    world = s.scored_world(app.config)
    s.file_reports(app.config, "TB-STC", 14)
    analyst, officer = make_user("analyst0", "analyst"), make_user("officer0", "officer", s.SXD)
    draft = s.compute_draft(analyst)
    flag = review.flag_report(db.session, draft, world.reports[s.SXD][0], kind=FlagKind.duplicate,
                              reason="Trùng", actor=officer, now=clock.now_utc())
    review.decide_flag(db.session, flag, accept=True, reason="Đúng là trùng",
                       actor=make_user("coord0", "coordinator"), now=clock.now_utc())
    db.session.commit()
    ranking = s.publish_now(draft, analyst)

    inputs = tmp_path / "inputs.csv"
    inputs.write_bytes(client.get("/scores/2025H1/inputs.csv").data)
    weights = ",".join(f"{k}={v:g}" for k, v in ranking.weights.items())
    output = subprocess.run([sys.executable, "-I", str(SCRIPT), str(inputs), "--min-n",
                             str(ranking.min_n), "--weights", weights],
                            capture_output=True, text=True, check=True).stdout
    recomputed = json.loads(output)
    published = [a for a in ranking.figures["agencies"] if a["n"]]
    assert set(recomputed) == {a["code"] for a in published}
    assert recomputed[s.SXD]["n"] == 12  # the accepted duplicate is not in the inputs
    for agency in published:
        again = recomputed[agency["code"]]
        assert (again["n"], again["rank"]) == (agency["n"], agency["rank"]), agency["code"]
        if agency["composite"] is None:
            assert again["composite"] is None
        else:
            assert round(again["composite"], 2) == round(agency["composite"], 2)
