"""Load test of the public filing journey and the tracking page, against a bare-Flask ceiling.

    .venv/bin/python bench/load_filing.py --db sqlite --clients 8 --seconds 20
    .venv/bin/python bench/load_filing.py --db postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench

Serves the portal with gunicorn (2 sync workers, gunicorn.conf.py) on a free loopback port, from a
temporary instance (migrated database, seeded directory, limits raised for the bench, not removed).
N client processes each repeat the filing journey (GET /feedback/new, parse the CSRF and
double-submit tokens, POST them with a
report that names no agency so the router runs, follow the redirect to the confirmation) for the
given seconds, then the tracking journey (GET /track, POST code + receipt, follow the redirect to
the report). The same filing journey then runs against bench/bare_app.py (one form, one insert,
same gunicorn settings) as the ceiling. Prints journeys/s, p50/p95/p99 per journey and per
request, the portal's share of the ceiling and each worker's memory after the run.

The PostgreSQL database given is EMPTIED (its public schema is dropped): use one of its own.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The portal's form carries a double-submit token, which a browser sends back (the bare app's
# form has none).
SUBMISSION = re.compile(r'name="submission_token"[^>]*value="([^"]+)"')
RECEIPT = re.compile(r"\b[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{5}\b")
HIGH_LIMIT = "1000000 per minute"
SUBJECTS = [
    ("Hồ sơ đăng ký doanh nghiệp quá hạn 10 ngày chưa có kết quả",
     "Chúng tôi nộp hồ sơ đăng ký thay đổi nội dung đăng ký doanh nghiệp tại bộ phận một cửa, "
     "đã quá hạn mà chưa nhận được giấy chứng nhận, gọi điện không ai trả lời."),
    ("To khai hai quan bi phan luong do 5 ngay chua kiem hoa",
     "Lo hang xuat khau cua cong ty bi giu tai cang, can bo hen nhieu lan nhung chua kiem hoa."),
    ("Cấp phép xây dựng nhà xưởng bị yêu cầu bổ sung giấy tờ không có trong quy định",
     "Cán bộ yêu cầu nộp thêm văn bản thỏa thuận không có trong danh mục thủ tục công bố."),
]


class Client:
    """A browser without a browser: one cookie jar, a new connection per request (gunicorn's
    sync workers close every connection), timings per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.timings: list[float] = []

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        self.timings.append((time.perf_counter() - started) * 1000)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        location = response.getheader("Location") or ""
        return response.status, text, urllib.parse.urlsplit(location).path


def file_report(client: Client, n: int) -> tuple[str, str]:
    """One filing journey; returns (code, receipt) (the receipt is empty for the bare app)."""
    status, page, _ = client.request("GET", "/feedback/new")
    token = CSRF.search(page)
    if status != 200 or token is None:
        raise RuntimeError(f"form: HTTP {status}")
    subject, description = SUBJECTS[n % len(SUBJECTS)]
    fields = {"csrf_token": token.group(1), "category": "delay", "agency_id": "",
              "procedure_id": "", "subject": f"{subject} ({n})", "description": description,
              "locality": "Thái Bình", "anonymous": "y"}
    if submission := SUBMISSION.search(page):
        fields["submission_token"] = submission.group(1)
    status, _, location = client.request("POST", "/feedback/new", fields)
    if status != 302:
        raise RuntimeError(f"post: HTTP {status}")
    status, page, _ = client.request("GET", location)
    if status != 200:
        raise RuntimeError(f"confirmation: HTTP {status}")
    receipt = RECEIPT.search(page)
    return location.split("/")[2], receipt.group(0) if receipt else ""


def track_report(client: Client, code: str, receipt: str) -> None:
    status, page, _ = client.request("GET", "/track")
    token = CSRF.search(page)
    if status != 200 or token is None:
        raise RuntimeError(f"track form: HTTP {status}")
    status, _, location = client.request("POST", "/track", {
        "csrf_token": token.group(1), "code": code, "receipt": receipt})
    if status != 302:
        raise RuntimeError(f"track post: HTTP {status}")
    status, _, _ = client.request("GET", location)
    if status != 200:
        raise RuntimeError(f"report page: HTTP {status}")


@dataclass
class Result:
    journeys: list[float] = field(default_factory=list)
    requests: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    filed: list[tuple[str, str]] = field(default_factory=list)
    completed: int = 0  # every journey, warm-up included (to divide the workers' CPU time)


def _client_loop(kind, port, start, end, number, pool, queue) -> None:
    result, n = Result(), number * 1_000_000
    while time.time() < end:
        client = Client(port)
        began = time.perf_counter()
        counted = time.time() >= start
        try:
            if kind == "track":
                track_report(client, *pool[n % len(pool)])
            else:
                result.filed.append(file_report(client, n))
        except (RuntimeError, OSError) as exc:
            result.errors.append(str(exc))
            continue
        finally:
            n += 1
        result.completed += 1
        if counted:
            result.journeys.append((time.perf_counter() - began) * 1000)
            result.requests.extend(client.timings)
    queue.put(result)


def run_clients(kind: str, port: int, clients: int, seconds: float, warmup: float,
                pool: list[tuple[str, str]] | None = None) -> tuple[Result, float]:
    queue = multiprocessing.Queue()
    start = time.time() + warmup
    end = start + seconds
    procs = [multiprocessing.Process(target=_client_loop,
                                     args=(kind, port, start, end, i, pool or [], queue))
             for i in range(clients)]
    for p in procs:
        p.start()
    merged = Result()
    for _ in procs:
        part = queue.get()
        merged.journeys += part.journeys
        merged.requests += part.requests
        merged.errors += part.errors
        merged.filed += part.filed
        merged.completed += part.completed
    for p in procs:
        p.join()
    return merged, seconds


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def summarise(label: str, result: Result, seconds: float, cpu_ms: float) -> float:
    rate = len(result.journeys) / seconds
    if not result.journeys:
        print(f"{label}: no journey completed; errors: {result.errors[:3]}")
        return 0.0
    j, r = result.journeys, result.requests
    print(f"{label}: {rate:7.1f} journeys/s ({len(j)} in {seconds:.0f} s, {len(result.errors)} errors)"
          f" | journey p50 {percentile(j, 50):6.1f} p95 {percentile(j, 95):6.1f} "
          f"p99 {percentile(j, 99):6.1f} ms | request p50 {percentile(r, 50):5.1f} "
          f"p95 {percentile(r, 95):5.1f} p99 {percentile(r, 99):5.1f} ms | workers' CPU "
          f"{cpu_ms:.1f} ms/journey")
    if result.errors:
        print(f"  first errors: {sorted(set(result.errors))[:3]}")
    return rate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the workers of a gunicorn master."""
    total = 0.0
    for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def measured(kind: str, server, args, pool=None) -> tuple[Result, float, float]:
    """Run the clients; also returns the workers' CPU milliseconds per journey, a figure that
    other load on the machine barely changes (unlike throughput and latency)."""
    before = workers_cpu(server.proc.pid)
    result, seconds = run_clients(kind, server.port, args.clients, args.seconds, args.warmup, pool)
    cpu = (workers_cpu(server.proc.pid) - before) * 1000 / max(1, result.completed)
    return result, seconds, cpu


def worker_memory(master: int) -> list[tuple[int, float, float]]:
    """(pid, RSS MB, PSS MB) of each worker of a gunicorn master (Linux /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    rows = []
    for pid in map(int, children):
        rss = _kb(f"/proc/{pid}/status", "VmRSS:")
        pss = _kb(f"/proc/{pid}/smaps_rollup", "Pss:")
        rows.append((pid, rss / 1024, pss / 1024))
    return rows


def _kb(path: str, key: str) -> float:
    for line in Path(path).read_text().splitlines():
        if line.startswith(key):
            return float(line.split()[1])
    return 0.0


class Gunicorn:
    """gunicorn with sync workers on a free loopback port. The portal runs with the project's
    settings file; the bare app with the same worker model (--preload, no hooks)."""

    def __init__(self, target: str, env: dict, workdir: Path, workers: int, settings: list[str]):
        self.port = free_port()
        self.log = workdir / f"gunicorn-{self.port}.log"
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), *settings, "-w", str(workers),
             "-b", f"127.0.0.1:{self.port}", target],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def __enter__(self):
        wait_for(self.port, self.proc, self.log)
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def portal_env(args, workdir: Path) -> dict:
    env = dict(os.environ, FLASK_APP="wsgi", PORTAL_SECRET_KEY="bench-" + os.urandom(8).hex(),
               PORTAL_SQLALCHEMY_DATABASE_URI=database_uri(args, workdir),
               PORTAL_UPLOAD_FOLDER=str(workdir / "uploads"),
               PORTAL_ROUTING_MODEL_DIR=str(args.model_dir),
               PORTAL_SESSION_COOKIE_SECURE="false", PORTAL_MAIL_BACKEND="log")
    # The limits stay on, high enough that the bench measures the portal, not the limiter.
    for name in ("FILING", "TRACKING", "TRACKING_PER_CODE", "LOGIN"):
        env[f"PORTAL_RATELIMIT_{name}"] = HIGH_LIMIT
    env.pop("DATABASE_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    else:
        env.pop("REDIS_URL", None)
    return env


def database_uri(args, workdir: Path) -> str:
    return args.pg_url if args.db == "postgresql" else f"sqlite:///{workdir / 'portal.db'}"


def prepare_database(args, env: dict) -> None:
    if args.db == "postgresql":
        import sqlalchemy as sa
        engine = sa.create_engine(args.pg_url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    for command in (["db", "upgrade"], ["portal", "seed"], ["routing", "warm"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


def print_memory(label: str, master: int) -> None:
    for pid, rss, pss in worker_memory(master):
        print(f"  {label} worker {pid}: RSS {rss:.0f} MB (PSS {pss:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis", default="", help="REDIS_URL for the portal's limits (default: memory)")
    parser.add_argument("--model-dir", default=str(ROOT / ".cache" / "routing"),
                        help="routing model cache (trained once if empty)")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the bare-Flask run")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs, "
          f"load {load[0]:.2f} {load[1]:.2f}; {args.db}, {args.workers} gunicorn workers, "
          f"{args.clients} clients, {args.seconds:.0f} s per run")
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        workdir = Path(tmp)
        env = portal_env(args, workdir)
        prepare_database(args, env)
        with Gunicorn("wsgi:app", env, workdir, args.workers,
                      ["-c", str(ROOT / "gunicorn.conf.py")]) as server:
            filed, seconds, portal_cpu = measured("file", server, args)
            portal_rate = summarise("portal filing ", filed, seconds, portal_cpu)
            pool = filed.filed or [("PA-0000-000000", "")]
            tracked, seconds, cpu = measured("track", server, args, pool)
            summarise("portal tracking", tracked, seconds, cpu)
            print_memory("portal", server.proc.pid)
        if args.no_ceiling:
            return
        bare_uri = database_uri(args, workdir).replace("portal.db", "bare.db")
        from bench.bare_app import create_schema
        create_schema(bare_uri)
        bare_env = dict(env, BARE_DATABASE_URI=bare_uri)
        with Gunicorn("bench.bare_app:app", bare_env, workdir, args.workers,
                      ["-c", "/dev/null", "--preload"]) as server:
            bare, seconds, bare_cpu = measured("file", server, args)
            bare_rate = summarise("bare filing   ", bare, seconds, bare_cpu)
            print_memory("bare", server.proc.pid)
        if bare_rate:
            print(f"portal filing throughput = {100 * portal_rate / bare_rate:.0f}% of the bare "
                  "Flask + Flask-WTF + SQLAlchemy ceiling (target >= 60%)")
            print(f"by server CPU per journey: {100 * bare_cpu / portal_cpu:.0f}% (what the share "
                  "becomes when the workers' CPU is the bottleneck)")


if __name__ == "__main__":
    main()
