"""Profile the filing journey in one process (cProfile), to see where a filing's time goes.

    .venv/bin/python bench/profile_filing.py [--journeys 200] [--sort cumulative] [--top 40]

Builds the app on a temporary, migrated and seeded SQLite database (limits raised, not removed),
files a few reports to warm up, then profiles N journeys (form, POST, confirmation) through the
test client and prints the top functions.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_filing import CSRF, HIGH_LIMIT, SUBJECTS  # noqa: E402


def build_app(workdir: Path):
    import flask_migrate

    from portal import create_app
    from portal.directory.loader import load_directory
    from portal.extensions import db

    app = create_app({
        "SECRET_KEY": "profile", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'portal.db'}",
        "UPLOAD_FOLDER": str(workdir / "uploads"), "SESSION_COOKIE_SECURE": False,
        "ROUTING_MODEL_DIR": str(ROOT / ".cache" / "routing"),
        **{f"RATELIMIT_{n}": HIGH_LIMIT for n in ("FILING", "TRACKING", "TRACKING_PER_CODE", "LOGIN")}})
    with app.app_context():
        flask_migrate.upgrade()
        load_directory()
        db.session.commit()
    return app


def journey(app, n: int) -> None:
    client = app.test_client()
    page = client.get("/feedback/new").get_data(as_text=True)
    subject, description = SUBJECTS[n % len(SUBJECTS)]
    response = client.post("/feedback/new", data={
        "csrf_token": CSRF.search(page).group(1), "category": "delay", "agency_id": "",
        "procedure_id": "", "subject": f"{subject} ({n})", "description": description,
        "locality": "Thái Bình", "anonymous": "y"})
    assert response.status_code == 302, response.status_code
    assert client.get(response.headers["Location"]).status_code == 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-profile-") as tmp:
        app = build_app(Path(tmp))
        for n in range(10):
            journey(app, n)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for n in range(args.journeys):
            journey(app, n)
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"{args.journeys} journeys in {elapsed:.2f} s under the profiler "
              f"({1000 * elapsed / args.journeys:.1f} ms each)")
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
