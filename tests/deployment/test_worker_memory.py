"""What each gunicorn worker holds (issue 8: < 150 MB per worker). Libraries only some commands
or pages need are imported where they are used, not by the app every worker runs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# A fresh interpreter: the suite itself has long imported everything.
SERVE_PAGES = """
import sys
from portal import create_app
app = create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
client = app.test_client()
assert client.get("/").status_code == 200
assert client.get("/track").status_code == 200
print(" ".join(m for m in ("openpyxl", "rq", "redis") if m in sys.modules) or "none")
"""


def test_the_web_app_loads_no_spreadsheet_writer_and_no_job_queue_without_redis():
    """openpyxl (XLSX score exports) and RQ with its Redis client weigh about 40 MB in every
    worker; without REDIS_URL the app serves pages without loading them."""
    result = subprocess.run([sys.executable, "-c", SERVE_PAGES], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={"PATH": "/usr/bin:/bin"})
    assert result.stdout.split()[-1] == "none", result.stdout
