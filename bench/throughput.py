"""Celery scale-out: jobs/minute with 1 and 2 worker processes, the scaling ratio, and API p99 latency under load.

N concurrent clients each run the `openai` SDK's `videos.create_and_poll` against one API
server, a private redis-server and a fresh PostgreSQL database. Run with `make bench`; `--write docs/benchmarks.md`
replaces this section there. Figures are measured in one run on this machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import psycopg
import requests
from openai import OpenAI

from reelcast.config import Settings
from reelcast.jobs.runtime import Runtime
from reelcast.store import accounts

try:
    from bench.report import write_section
except ImportError:  # run as a script from bench/
    from report import write_section  # type: ignore[no-redef]

PG_ADMIN = os.environ.get("REELCAST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PROMPT = "a red ball bounces on the floor"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _steal_seconds() -> float:
    """CPU seconds the hypervisor gave to other guests (all cores; /proc/stat's steal column)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Result:
    """One measured configuration."""

    workers: int
    jobs: int
    wall: float
    latencies: list[float]
    cpu: dict[str, float]  # CPU seconds per job, by role
    steal: float = 0.0  # seconds of the cores' time the hypervisor gave elsewhere during the run

    @property
    def jobs_per_minute(self) -> float:
        """Completed jobs per minute of wall time."""
        return self.jobs / self.wall * 60

    @property
    def p99_ms(self) -> float:
        """99th percentile API request latency in milliseconds."""
        return statistics.quantiles(self.latencies, n=100)[98] * 1000 if len(self.latencies) > 1 else 0.0


class Stack:
    """API server process + redis-server + PostgreSQL database + Celery worker processes."""

    def __init__(self, tmp: Path, size: str, seconds: str, worker_threads: int, pin: bool = False) -> None:
        self.tmp = tmp
        self.size, self.seconds = size, seconds
        self.redis_port = _free_port()
        self.redis = subprocess.Popen(["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        self.db_name = f"reelcast_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.env = {
            "REELCAST_DATA_DIR": str(tmp), "REELCAST_DATABASE_URL": PG_ADMIN.rsplit("/", 1)[0] + "/" + self.db_name,
            "REELCAST_WORKERS": "celery", "REELCAST_BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "REELCAST_EXTRA_SIZES": size, "REELCAST_EXTRA_SECONDS": seconds, "REELCAST_DAILY_VIDEO_QUOTA": "0",
            "REELCAST_REQUESTS_PER_MINUTE": "0", "REELCAST_LEASE_SECONDS": "60",
        }
        self.worker_env = {"REELCAST_WORKER_CPU_THREADS": str(worker_threads)}
        self.pin = pin
        time.sleep(0.5)
        settings = Settings(**{k[len("REELCAST_"):].lower(): v for k, v in self.env.items()})  # type: ignore[arg-type]
        self.rt = Runtime.open(settings)
        with self.rt.db.session() as s:
            self.key = accounts.create_api_key(s, accounts.get_or_create_user(s, "bench"))
        port = _free_port()
        # the API server is its own process, as in a deployment (in-process it would share the GIL with the
        # benchmark's client threads)
        log = open(self.tmp / "server.log", "ab")  # noqa: SIM115
        self.server = subprocess.Popen([sys.executable, "-m", "reelcast.cli", "serve", "--host", "127.0.0.1",
                                        "--port", str(port)], env={**os.environ, **self.env}, stdout=log,
                                       stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise RuntimeError(f"the API server did not start (see {self.tmp / 'server.log'})")
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{port}/v1"
        self.workers: list[subprocess.Popen[bytes]] = []

    def start_workers(self, n: int) -> None:
        """Start n `reelcast worker` processes (solo pool, one job at a time each)."""
        for i in range(n):
            log = open(self.tmp / f"worker{len(self.workers)}-{i}.log", "ab")  # noqa: SIM115
            env = {**os.environ, **self.env, **self.worker_env}
            cpu = len(self.workers) % (os.cpu_count() or 1)
            pin = (lambda cpu=cpu: os.sched_setaffinity(0, {cpu})) if self.pin else None  # as `taskset -c N`
            self.workers.append(subprocess.Popen([sys.executable, "-m", "reelcast.cli", "worker"], env=env,
                                                 stdout=log, stderr=subprocess.STDOUT, preexec_fn=pin))

    def stop_workers(self) -> None:
        """Stop every worker."""
        for w in self.workers:
            w.terminate()
        for w in self.workers:
            try:
                w.wait(30)
            except subprocess.TimeoutExpired:
                w.kill()
        self.workers = []

    def run(self, clients: int, jobs_per_client: int) -> tuple[float, list[float]]:
        """Each client runs the official SDK's `create_and_poll` for its jobs one after another (it polls as the
        server's `openai-poll-after-ms` header says); returns wall seconds and every HTTP request's latency."""
        latencies: list[float] = []
        lock = threading.Lock()
        errors: list[str] = []

        def on_request(request: httpx.Request) -> None:
            request.extensions["bench_started"] = time.perf_counter()

        def on_response(response: httpx.Response) -> None:
            elapsed = time.perf_counter() - response.request.extensions["bench_started"]
            with lock:
                latencies.append(elapsed)

        def client() -> None:
            http = httpx.Client(event_hooks={"request": [on_request], "response": [on_response]}, timeout=600)
            sdk = OpenAI(base_url=self.url, api_key=self.key, http_client=http, max_retries=0)
            try:
                for _ in range(jobs_per_client):
                    video = sdk.videos.create_and_poll(prompt=PROMPT, size=self.size,  # type: ignore[arg-type]
                                                       seconds=self.seconds)  # type: ignore[arg-type]
                    if video.status != "completed":
                        errors.append(f"{video.id}: {video.status} {video.error}")
                        return
            except Exception as exc:  # reported below; one failing client must not hang the others
                errors.append(repr(exc))
            finally:
                http.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError(f"benchmark jobs failed: {errors[:3]}")
        return time.perf_counter() - started, latencies

    def role_pids(self) -> dict[str, list[int]]:
        """The processes whose CPU time is reported, by role (PostgreSQL: the backends serving this database)."""
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            backends = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                                   (self.db_name,))]
        return {"workers": [w.pid for w in self.workers], "API server": [self.server.pid],
                "PostgreSQL": backends, "Redis": [self.redis.pid], "clients": [os.getpid()]}

    def close(self) -> None:
        """Tear everything down."""
        self.stop_workers()
        self.server.terminate()
        try:
            self.server.wait(30)
        except subprocess.TimeoutExpired:
            self.server.kill()
        self.rt.close()
        self.redis.kill()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


def measure(workers: int, clients: int, jobs_per_client: int, size: str, seconds: str,
            worker_threads: int, pin: bool = False) -> Result:
    """Warm the workers up (one job each), then time the load."""
    with tempfile.TemporaryDirectory(prefix="reelcast-bench-") as tmp:
        stack = Stack(Path(tmp), size, seconds, worker_threads, pin)
        try:
            stack.start_workers(workers)
            # warm-up: imports, engine and first render in every worker; three jobs each, so the server's recent
            # render times (which its poll hints are estimated from) are those of warm workers, as on a server
            # that has been running for a while
            stack.run(workers, 3)
            pids = stack.role_pids()
            before = {pid: _cpu_seconds(pid) for ps in pids.values() for pid in ps}
            steal0 = _steal_seconds()
            wall, lat = stack.run(clients, jobs_per_client)
            steal = _steal_seconds() - steal0
            jobs = clients * jobs_per_client
            cpu = {role: sum(_cpu_seconds(pid) - before[pid] for pid in ps) / jobs for role, ps in pids.items()}
            return Result(workers, jobs, wall, lat, cpu, steal)
        finally:
            stack.close()


def main() -> None:
    """Measure 1 and 2 workers and print (or write) the table."""
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="openai")  # the SDK's Sora-API notice
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=8,
                    help="concurrent create_and_poll clients (keep it ≥ 2 x workers + 2 so the queue never runs dry "
                         "while clients sleep between polls)")
    ap.add_argument("--jobs-per-client", type=int, default=4,
                    help="videos per client; the run's ramp-up (the first creates) and drain (the last jobs, one "
                         "worker idle while the other finishes, the last completion seen at the next poll) cost "
                         "about one job's time per run, so more jobs per run measure the steady rate more closely")
    ap.add_argument("--size", default="854x480")
    ap.add_argument("--seconds", default="4")
    ap.add_argument("--worker-threads", type=int, default=1,
                    help="REELCAST_WORKER_CPU_THREADS of each worker (1: one worker per core; 0: all cores)")
    ap.add_argument("--pin", choices=("both", "yes", "no"), default="both",
                    help="pin worker i to core i (as `taskset -c i reelcast worker`), leave them free, or measure both")
    ap.add_argument("--write", type=Path, help="markdown file whose throughput section is replaced")
    args = ap.parse_args()
    modes = {"both": (True, False), "yes": (True,), "no": (False,)}[args.pin]
    runs: dict[bool, list[Result]] = {}
    for pin in modes:
        runs[pin] = [measure(w, args.clients, args.jobs_per_client, args.size, args.seconds, args.worker_threads,
                             pin) for w in (1, 2)]
        r1, r2 = runs[pin]
        print(f"{'pinned' if pin else 'free'}: {r1.jobs_per_minute:.1f} → {r2.jobs_per_minute:.1f} jobs/minute, "
              f"ratio {r2.jobs_per_minute / r1.jobs_per_minute:.2f}", flush=True)
    load = os.getloadavg()
    lines = [
        "## Scale-out throughput (Celery workers)",
        "",
        f"{args.clients} concurrent clients, each running the official `openai` SDK's `videos.create_and_poll` "
        f"for {args.jobs_per_client} videos one after another ({args.size}, {args.seconds} s, sim engine; the SDK "
        f"polls as the server's `openai-poll-after-ms` header says: the job's estimated remaining time / 10, 1–10 s); "
        f"one API server process, "
        f"Redis broker, PostgreSQL; each worker is one `reelcast worker` process (solo pool) with "
        f"`REELCAST_WORKER_CPU_THREADS={args.worker_threads}`"
        f"{' (one worker per core, as the README recommends)' if args.worker_threads == 1 else ''}. "
        f"Three warm-up jobs per worker excluded (first renders are slow, and the server estimates poll intervals "
        f"from its recent render times).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; load average at the end "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "CPU seconds per job are measured from /proc for each role (PostgreSQL: the backends serving the "
        "benchmark's database); what the workers do not use of the 2 cores is what the rest of the stack costs. "
        "*Steal*: CPU time the hypervisor gave to other guests during the run (a shared VM's noise; 0 when alone).",
        "",
        "*Pinned*: worker i runs on core i only (`taskset -c i reelcast worker`), so one worker is one core's worth "
        "of rendering; *free*: the kernel schedules the workers, and a lone worker's render, encode and audio "
        "threads also use the second core's slack, which raises the 1-worker row (and so lowers the ratio); "
        "pinned, the API server and PostgreSQL must preempt a worker on its core.",
        "",
        "| workers | cores | jobs | wall s | jobs/minute | API requests | API p99 ms | CPU s/job: workers "
        "| API server | PostgreSQL | Redis | clients | steal s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pin, results in runs.items():
        for r in results:
            cpu = " | ".join(f"{r.cpu[k]:.3f}" for k in ("workers", "API server", "PostgreSQL", "Redis", "clients"))
            lines.append(f"| {r.workers} | {'pinned' if pin else 'free'} | {r.jobs} | {r.wall:.1f} | "
                         f"{r.jobs_per_minute:.1f} | {len(r.latencies)} | {r.p99_ms:.0f} | {cpu} | {r.steal:.1f} |")
    lines.append("")
    for pin, (r1, r2) in runs.items():
        lines.append(f"**Scaling ratio 2 workers ÷ 1 worker, {'pinned' if pin else 'free'}: "
                     f"{r2.jobs_per_minute / r1.jobs_per_minute:.2f}** (target ≥ 1.8 on 2 otherwise idle cores).  ")
    md = "\n".join(lines)
    print(md)
    if args.write:
        write_section(args.write, "throughput", md)


if __name__ == "__main__":
    main()
