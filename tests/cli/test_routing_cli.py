"""`flask routing classify|train|evaluate` (DESIGN §5).

``classify`` also runs in a separate process with no NLTK data at all, as on a fresh server.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import clock
from portal.models import RoutingCorrection, Sector
from portal.routing import classifier, corpus, models_cache
from portal.tickets import workflow
from tests.factories import agency, utc

ROOT = Path(__file__).resolve().parents[2]
NOW = utc(2024, 5, 10, 3, 0)  # the 2023 directory is valid
CUSTOMS_VI = ("Lô hàng linh kiện nhập khẩu bị phân luồng đỏ, tờ khai hải quan nộp từ thứ hai đến "
              "nay chưa được thông quan, hàng nằm ở cảng phát sinh phí lưu container.")
CUSTOMS_EN = ("Our shipment of machine parts has been stuck at the port for two weeks waiting for "
              "customs clearance; the officers keep asking for more documents.")
KEYS = {"sector", "agency", "category", "confidence", "alternatives"}


@pytest.fixture(scope="session")
def routing_model(app):
    """The shipped corpus's model (loaded once; the app fixture already trained it)."""
    return models_cache.current_model(app.config)


def routing(runner, *args: str, input: str | None = None):
    return runner.invoke(args=["routing", *args], input=input)


def output(result) -> str:
    return result.output + (getattr(result, "stderr", "") or "")


# --- classify in a process with no NLTK data ---------------------------------------------------

def _flask(env: dict[str, str], *args: str,
           stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", *args], input=stdin, env=env, cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def bare_machine(app, routing_model, tmp_path_factory) -> dict[str, str]:
    """The environment of a server with no NLTK data: a seeded SQLite file and the model cache."""
    model_dir = app.config["ROUTING_MODEL_DIR"]
    cached = (Path(model_dir) / f"routing-{classifier.MODEL_VERSION}-"
              f"{corpus.fingerprint(corpus.training_examples())}.pickle")
    if not cached.exists():  # another test changed the model in memory only; write it out
        classifier.save(routing_model, str(cached))
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PORTAL_", "FLASK_", "NLTK_")) and k not in {
               "DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL"}}
    env.update({
        "FLASK_APP": "wsgi", "HOME": str(home), "NLTK_DATA": "/nonexistent",
        "PORTAL_SECRET_KEY": "classify-test-secret",
        "PORTAL_SQLALCHEMY_DATABASE_URI": f"sqlite:///{home / 'portal.db'}",
        "PORTAL_ROUTING_MODEL_DIR": model_dir, "PYTHONIOENCODING": "utf-8"})
    for command in (["db", "upgrade"], ["portal", "seed", "--no-demo"]):
        done = _flask(env, *command)
        assert done.returncode == 0, done.stderr
    return env


def test_classify_works_without_nltk_data(bare_machine):
    files_before = sorted(os.listdir(bare_machine["PORTAL_ROUTING_MODEL_DIR"]))
    done = _flask(bare_machine, "routing", "classify", stdin=CUSTOMS_VI)
    assert done.returncode == 0, done.stderr
    assert "nltk" not in done.stderr.lower()
    result = json.loads(done.stdout)
    assert set(result) == KEYS
    assert result["sector"] == "customs" and result["category"] in {
        "delay", "unclear_procedure", "policy", "harassment", "other"}
    assert 0 < result["confidence"] <= 1
    assert len(result["alternatives"]) == 3
    assert result["alternatives"][0]["sector"] == "customs"
    assert all(set(a) == {"sector", "probability", "agencies"} for a in result["alternatives"])
    # Today's date decides the agency: after 1/3/2025 Thái Bình's customs is regional.
    assert result["agency"] == "HQ-KV3"
    # The cached model was loaded, not retrained.
    assert sorted(os.listdir(bare_machine["PORTAL_ROUTING_MODEL_DIR"])) == files_before


def test_classify_routes_english_without_nltk_data(bare_machine):
    done = _flask(bare_machine, "routing", "classify", stdin=CUSTOMS_EN)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == KEYS
    assert "customs" in [a["sector"] for a in result["alternatives"]]


# --- classify in process, on a day the directory is valid --------------------------------------

def test_classify_names_the_agency(runner, directory, routing_model):
    clock.freeze(NOW)
    result = routing(runner, "classify", input=CUSTOMS_VI)
    assert result.exit_code == 0, output(result)
    printed = json.loads(result.output)
    assert set(printed) == KEYS
    assert printed["sector"] == "customs" and printed["agency"] == "TB-HQ"
    assert printed["alternatives"][0] == {"sector": "customs",
                                          "probability": printed["confidence"],
                                          "agencies": ["TB-HQ"]}


def test_classify_routes_english(runner, directory, routing_model):
    clock.freeze(NOW)
    result = routing(runner, "classify", input=CUSTOMS_EN)
    assert result.exit_code == 0, output(result)
    printed = json.loads(result.output)
    assert "customs" in [a["sector"] for a in printed["alternatives"]]


def test_classify_without_text_fails(runner):
    result = routing(runner, "classify", input="  \n")
    assert result.exit_code != 0
    assert "no text on stdin" in output(result)


# --- train ----------------------------------------------------------------------------------

def _slice(per_sector: int) -> list[corpus.Example]:
    seen: Counter = Counter()
    picked = []
    for e in corpus.training_examples():
        if seen[e.sector] < per_sector:
            seen[e.sector] += 1
            picked.append(e)
    return picked


@pytest.fixture
def corrected(app, db, directory, make_ticket, make_user, routing_model):
    """A report the router sent to customs, which a coordinator assigned to the tax office."""
    clock.freeze(NOW)
    ticket, _ = make_ticket(subject="Hàng chưa được thông quan", description=CUSTOMS_VI)
    coordinator = make_user("coordinator1", "coordinator")
    workflow.assign(ticket, agency("TB-CT"), actor=coordinator, now=NOW,
                    expected_version=ticket.version)
    db.session.commit()
    rows = list(db.session.scalars(sa.select(RoutingCorrection)))
    assert [(r.ticket_id, r.sector) for r in rows] == [(ticket.id, "tax")]
    return rows[0]


def _use_corpus(monkeypatch, examples):
    """Stand in for the shipped corpus, which a process otherwise reads only once."""
    shipped = corpus.Corpus(tuple(examples), corpus.fingerprint(examples))
    monkeypatch.setattr(corpus, "shipped", lambda: shipped)


def test_train_with_corrections_adds_them(app, runner, corrected, monkeypatch, tmp_path):
    # A small slice of the corpus keeps this quick, and a private folder keeps the active model
    # away from the cache the other tests share.
    examples = _slice(4)
    _use_corpus(monkeypatch, examples)
    monkeypatch.setitem(app.config, "ROUTING_MODEL_DIR", str(tmp_path))

    plain = routing(runner, "train")
    assert plain.exit_code == 0, output(plain)
    assert plain.output.strip() == f"trained on {len(examples)} examples"
    active = tmp_path / models_cache.ACTIVE
    assert active.exists()
    assert models_cache.current_model(app.config).fingerprint == corpus.fingerprint(examples)

    result = routing(runner, "train", "--with-corrections")
    assert result.exit_code == 0, output(result)
    assert result.output.strip() == f"trained on {len(examples) + 1} examples"
    model = models_cache.current_model(app.config)
    with_correction = [*examples, corpus.Example(corrected.text, "tax", corrected.category)]
    assert model.fingerprint == corpus.fingerprint(with_correction)
    assert model.base_fingerprint == corpus.fingerprint(examples)


def test_an_active_model_of_another_corpus_is_ignored(app, runner, db, monkeypatch, tmp_path):
    """After the shipped corpus changes, a model retrained on the old one is not used."""
    monkeypatch.setitem(app.config, "ROUTING_MODEL_DIR", str(tmp_path))
    old = _slice(2)
    _use_corpus(monkeypatch, old)
    assert routing(runner, "train").exit_code == 0
    new = _slice(3)
    _use_corpus(monkeypatch, new)
    assert models_cache.current_model(app.config).fingerprint == corpus.fingerprint(new)


# --- evaluate -------------------------------------------------------------------------------

def test_evaluate_prints_accuracy_per_class_and_confusion(runner, routing_model):
    result = routing(runner, "evaluate", str(corpus.EVALUATION_FILE))
    assert result.exit_code == 0, output(result)
    report = json.loads(result.output)
    assert report["examples"] == len(corpus.read_jsonl(corpus.EVALUATION_FILE))
    for key, labels in (("sector", set(Sector.__members__)),
                        ("category", {"delay", "unclear_procedure", "policy", "harassment",
                                      "other"})):
        part = report[key]
        assert {"accuracy", "top3_accuracy", "per_class", "confusion"} <= set(part)
        assert 0 <= part["accuracy"] <= part["top3_accuracy"] <= 1
        assert set(part["per_class"]) == labels == set(part["confusion"])
        assert sum(c["n"] for c in part["per_class"].values()) == report["examples"]
        assert sum(sum(row.values()) for row in part["confusion"].values()) == report["examples"]
    assert report["sector"]["accuracy"] >= 0.80 and report["sector"]["top3_accuracy"] >= 0.95
    assert report["category"]["accuracy"] >= 0.75


def test_evaluate_accepts_the_relative_path_of_the_docs(runner, routing_model, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = routing(runner, "evaluate", "portal/routing/data/eval.jsonl")
    assert result.exit_code == 0, output(result)
    assert json.loads(result.output)["sector"]["accuracy"] >= 0.80


@pytest.mark.parametrize("content,line", [
    ('{"text": "Hàng chưa thông quan", "sector": "customs", "category": "delay"}\n'
     '{"text": "Hoàn thuế chậm", "sector": "tax"\n', 2),
    ('{"text": "Hoàn thuế chậm", "sector": "tax"}\n', 1),
    ("not json at all\n", 1),
])
def test_evaluate_refuses_a_malformed_file(runner, tmp_path, content, line):
    path = tmp_path / "broken.jsonl"
    path.write_text(content, encoding="utf-8")
    result = routing(runner, "evaluate", str(path))
    assert result.exit_code == 1
    assert f"Error: {path}:{line}: not a labelled example" in output(result)
    assert "Traceback" not in output(result)


def test_evaluate_refuses_a_missing_file(runner, tmp_path):
    result = routing(runner, "evaluate", str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 2 and "does not exist" in output(result)
