"""End to end on the distributed runtime: real `celery worker` processes on Redis and PostgreSQL
ingest a synthetic demo portal of N reports, then crawl it again unchanged.

    python bench/pipeline.py                      # N = 1,000 and 5,000, 2 worker processes
    python bench/pipeline.py --reports 500 --workers 3
    python bench/pipeline.py --reports 5000 --batch-size 1   # one fetch task a report, to compare

Per N: reports/second from the crawl's send to the last version committed; database rows and bytes
per report (pg_total_relation_size of every table); broker messages per report (task messages, and
the monitoring events that ride along, counted by an event receiver on the broker); peak RSS of a
worker (its main process plus pool children, sampled from /proc); then two recrawls of the
unchanged portal: the default one (discovery stops at the first list page whose links are all
known, and no report is due again within `revisit_after_hours`) and a `full` one (every list page,
every report fetched again conditionally: 304s). Both must create 0 versions.

Targets: ≥ 40 reports/s; full recrawl of 5,000 unchanged ≤ 15 s with 0 new versions; worker RSS ≤ 250 MB.
Uses Redis database 14 and the PostgreSQL database govreports_bench (both emptied); no politeness
delay for the local host. Set GOVREPORTS_BENCH_POSTGRES_URL / GOVREPORTS_BENCH_REDIS_URL to move them.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
import yaml
from celery import Celery
from rich.console import Console
from rich.table import Table

from pipelines.store import migrate
from pipelines.store.models import Base
from seeds.demo import DemoServer, DemoSite, build_demo_site, serve
from seeds.demo.server import _Handler
from seeds.demo.templates import render_article
from workers import stage_clock

POSTGRES = os.environ.get(
    "GOVREPORTS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/govreports_bench"
)
REDIS = os.environ.get("GOVREPORTS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SLUG = "bench-portal"
FINISHED = {"task-succeeded", "task-failed", "task-retried", "task-rejected", "task-revoked"}


def fresh_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(url)


def bench_registry(path: Path, list_pages: int) -> Path:
    entry = {
        "slug": SLUG,
        "name": "bench",
        "seeds": ["{demo}/hy/zwgk/ghjh/index.html"],
        "max_list_pages": list_pages,
        "rate_limit_per_second": 100000,
        "crawl_interval_minutes": 1440,
        "private_networks": ["127.0.0.0/8"],
        "needs_network": False,
    }
    path.write_text(yaml.safe_dump({"portals": [entry]}, allow_unicode=True), encoding="utf-8")
    return path


class IndexedHandler(_Handler):
    """The demo handler with article pages found through an index: the stock one scans every
    article of the portal per request (15 ms at 5,000 reports), which would measure the demo
    server instead of the runtime. Pages are rendered by the same template."""

    def _render(self, path: str) -> tuple[bytes, str, datetime | None] | None:
        found = getattr(self.server, "article_index", {}).get(path)
        if found is None:
            return super()._render(path)
        portal, article = found
        content_type = "text/html" if portal.encoding != "utf-8" else "text/html; charset=utf-8"
        modified = datetime.combine(article.published, datetime.min.time(), UTC)
        html = render_article(portal, article)
        return html.encode(portal.encoding, "xmlcharrefreplace"), content_type, modified


def index_articles(server: DemoServer, site: DemoSite) -> None:
    httpd = server._httpd
    httpd.article_index = {p.article_path(a): (p, a) for p, a in site.all_articles()}  # type: ignore[attr-defined]
    httpd.RequestHandlerClass = IndexedHandler


class EventCounter:
    """Counts the broker's task events; `outstanding` is tasks sent and not yet finished."""

    def __init__(self, broker: str) -> None:
        self.app = Celery(broker=broker, set_as_current=False)
        self.counts: Counter[str] = Counter()
        self.names: dict[str, str] = {}
        self.runtime: Counter[str] = Counter()  # µs spent in each task name (succeeded runs)
        self.runs: Counter[str] = Counter()
        self.sent_at: dict[str, float] = {}
        self.waited: Counter[str] = Counter()  # µs from task-sent to task-started, by task name
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self._receiver: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self.ready.wait(10)

    def _on_event(self, event: dict[str, Any]) -> None:
        with self.lock:
            self.counts[event["type"]] += 1
            if event["type"] == "task-sent":
                self.sent_at[event["uuid"]] = float(event["timestamp"])
            elif event["type"] == "task-started" and event["uuid"] in self.sent_at:
                waited = float(event["timestamp"]) - self.sent_at.pop(event["uuid"])
                self.waited[self.names.get(event["uuid"], "?")] += round(1_000_000 * max(0.0, waited))
            if event["type"] == "task-received":
                self.names[event["uuid"]] = event["name"]
            elif event["type"] == "task-succeeded":
                name = self.names.pop(event["uuid"], "?")
                self.runtime[name] += round(1_000_000 * float(event.get("runtime") or 0.0))
                self.runs[name] += 1

    def timings(self) -> tuple[Counter[str], Counter[str]]:
        with self.lock:
            return Counter(self.runtime), Counter(self.runs)

    def queue_waits(self) -> Counter[str]:
        with self.lock:
            return Counter(self.waited)

    def _run(self) -> None:
        with self.app.connection() as conn:
            self._receiver = self.app.events.Receiver(conn, handlers={"*": self._on_event})
            self.ready.set()
            self._receiver.capture(limit=None, timeout=None, wakeup=False)

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.counts)

    @staticmethod
    def outstanding(counts: Counter[str]) -> int:
        return counts["task-sent"] - sum(counts[k] for k in FINISHED)

    def close(self) -> None:
        if self._receiver is not None:
            self._receiver.should_stop = True
        self._thread.join(5)
        self.app.close()


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry.name))
    return out


def cpu_ticks(pid: int, *, children: bool = True) -> int:
    """Clock ticks of CPU a process used (user + system), with its reaped children's when `children`."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if children else 0)


def tree_ticks(root: int) -> int:
    """CPU ticks of a process and every descendant, alive or reaped."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += cpu_ticks(pid)
        stack.extend(children_of(pid))
    return total


def server_pid(name: str) -> int | None:
    """The root process of a local server by its command name (postgres: the postmaster)."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    roots = [pid for pid, parent in found.items() if parent not in found]
    return min(roots) if roots else None


class CpuShares:
    """The share of the machine's cores each part used between `start` and `stop`: the workers (all
    their processes), this process (the demo portal's server threads, the event listener), Redis and
    PostgreSQL (every backend), from /proc."""

    def __init__(self, worker_pids: list[int]) -> None:
        self.groups: dict[str, Callable[[], int]] = {
            "workers": lambda: sum(tree_ticks(pid) for pid in worker_pids),
            "portal server + bench": lambda: cpu_ticks(os.getpid(), children=False),
        }
        for label, name in (("Redis", "redis-server"), ("PostgreSQL", "postgres")):
            pid = server_pid(name)
            if pid is not None:
                self.groups[label] = lambda pid=pid: tree_ticks(pid)  # type: ignore[misc]
        self.before: dict[str, int] = {}
        self.began = 0.0

    def start(self) -> None:
        self.before = {label: read() for label, read in self.groups.items()}
        self.began = time.perf_counter()

    def stop(self) -> dict[str, float]:
        seconds = time.perf_counter() - self.began
        hz, cores = os.sysconf("SC_CLK_TCK"), os.cpu_count() or 1
        return {label: (read() - self.before[label]) / hz / (seconds * cores) for label, read in self.groups.items()}


@dataclass
class RssSampler:
    """Peak RSS of each worker (main + pool children) and of any single process, sampled every 0.25 s."""

    pids: list[int]
    peak_worker_kib: int = 0
    peak_process_kib: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            for pid in self.pids:
                sizes = [rss_kib(p) for p in (pid, *children_of(pid))]
                self.peak_worker_kib = max(self.peak_worker_kib, sum(sizes))
                self.peak_process_kib = max(self.peak_process_kib, max(sizes))

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()


def start_workers(
    count: int, env: dict[str, str], logdir: Path, concurrency: int = 1, queues: list[str] | None = None
) -> list[tuple[subprocess.Popen[bytes], Any]]:
    """`count` workers; worker n consumes `queues[n]` (default: both queues, as one process each)."""
    started = []
    for n in range(count):
        log = (logdir / f"worker-{n}.log").open("wb")
        queue = queues[n] if queues else "crawl,process"
        argv = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "-Q", queue]
        argv += ["-n", f"bench{n}@%h", "-c", str(concurrency), "--without-gossip", "--without-mingle", "-l", "warning"]
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((process, log))
    return started


def stop_workers(started: list[tuple[subprocess.Popen[bytes], Any]]) -> None:
    for process, _ in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process, log in started:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def wait_for_ping(broker: str, count: int, seconds: float = 90) -> None:
    app = Celery(broker=broker, set_as_current=False)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if len(app.control.inspect(timeout=1.0).ping() or {}) >= count:
                return
        raise SystemExit(f"{count} workers did not answer within {seconds:.0f} s")
    finally:
        app.close()


def db_scalar(engine: sa.Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.text(sql)) or 0)


def db_footprint(engine: sa.Engine) -> tuple[int, int]:
    """Rows and bytes (tables, indexes, TOAST) of every govreports table."""
    rows = size = 0
    for table in Base.metadata.sorted_tables:
        rows += db_scalar(engine, f"SELECT count(*) FROM {table.name}")
        size += db_scalar(engine, f"SELECT pg_total_relation_size('{table.name}')")
    return rows, size


def crawl_and_wait(
    app: Celery, events: EventCounter, engine: sa.Engine, *, full: bool, want_versions: int | None, timeout: float
) -> tuple[float, Counter[str], dict[str, float], dict[str, float]]:
    """Send one crawl; wait until every task it caused has finished (and the versions are stored).

    Returns the seconds, the events it caused, the mean run time in ms of each task name, and the
    mean ms each task name waited in the queue (from sent to started)."""
    before = events.snapshot()
    runtime_before, runs_before = events.timings()
    waits_before = events.queue_waits()
    started = time.perf_counter()
    app.send_task("govreports.crawl_portal", args=[SLUG], kwargs={"full": full}, queue="crawl")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delta = events.snapshot() - before
        done = delta["task-sent"] > 0 and EventCounter.outstanding(delta) <= 0
        if done and want_versions is not None:
            done = db_scalar(engine, "SELECT count(*) FROM report_versions") >= want_versions
        if done:
            runtime_after, runs_after = events.timings()
            spent, runs = runtime_after - runtime_before, runs_after - runs_before
            mean_ms = {name: spent[name] / 1000 / max(1, runs[name]) for name in spent}
            waited = events.queue_waits() - waits_before
            wait_ms = {name: waited[name] / 1000 / max(1, runs[name]) for name in waited}
            return time.perf_counter() - started, delta, mean_ms, wait_ms
        time.sleep(0.05)
    raise SystemExit(f"the crawl did not finish within {timeout:.0f} s: events {dict(events.snapshot() - before)}")


@dataclass
class Result:
    reports: int
    seconds: float
    per_second: float
    rows_per_report: float
    bytes_per_report: float
    task_messages_per_report: float
    events_per_report: float
    peak_worker_mib: float
    peak_process_mib: float
    failures: int
    task_ms: dict[str, float]
    recrawls: list[dict[str, Any]]
    queue_wait_ms: dict[str, float] = field(default_factory=dict)
    stages: dict[str, tuple[float, float, int]] = field(default_factory=dict)  # name: wall s, CPU s, count
    cpu_share: dict[str, float] = field(default_factory=dict)


def run(
    reports: int,
    workers: int,
    tmp: Path,
    concurrency: int = 1,
    batch_size: int | None = None,
    *,
    stages: bool = True,
    split: tuple[int, int] | None = None,
) -> Result:
    """Ingest N reports, then recrawl twice. `split=(c, p)`: c workers on the crawl queue and p on the
    process queue, as docker-compose runs them (instead of `workers` consuming both)."""
    site: DemoSite = build_demo_site(extra_reports=reports + 2)  # 4 go to the other portal, 2 real ones here
    hy = site.portals["hy"]
    hy.articles = hy.articles[:reports]
    fresh_database(POSTGRES)
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    client.close()
    engine = sa.create_engine(POSTGRES)
    with serve(site) as server:
        index_articles(server, site)
        registry = bench_registry(tmp / f"portals-{reports}.yaml", hy.page_count + 1)
        env = {
            **os.environ,
            "GOVREPORTS_BROKER_URL": REDIS,
            "GOVREPORTS_DATABASE_URL": POSTGRES,
            "GOVREPORTS_DEMO_BASE_URL": server.base_url,
            "GOVREPORTS_REGISTRY_PATH": str(registry),
            "GOVREPORTS_REQUESTS_PER_SECOND": "100000",
            **({"GOVREPORTS_FETCH_BATCH_SIZE": str(batch_size)} if batch_size else {}),
            "GOVREPORTS_STAGE_TIMINGS": "1" if stages else "",
        }
        queues = ["crawl"] * split[0] + ["process"] * split[1] if split else None
        started = start_workers(len(queues) if queues else workers, env, tmp, concurrency, queues)
        events = EventCounter(REDIS)
        app = Celery(broker=REDIS, set_as_current=False)
        app.conf.task_send_sent_event = True  # the crawl's own message is counted like the rest
        try:
            wait_for_ping(REDIS, len(started))
            sampler = RssSampler([p.pid for p, _ in started])
            sampler.start()
            shares = CpuShares([p.pid for p, _ in started])
            shares.start()
            seconds, delta, task_ms, wait_ms = crawl_and_wait(
                app, events, engine, full=False, want_versions=reports, timeout=1800
            )
            cpu_share = shares.stop()
            time.sleep(0.5)  # the last task's stage timings are published after its answer
            with redis.Redis.from_url(REDIS) as client:
                stage_totals = stage_clock.read(client)
            rows, size = db_footprint(engine)
            failures = db_scalar(engine, "SELECT count(*) FROM fetch_events WHERE outcome = 'failed'")
            recrawls = []
            for label, full in (("recrawl (default)", False), ("recrawl (full)", True)):
                site.requests.clear()
                event_max = db_scalar(engine, "SELECT coalesce(max(id), 0) FROM fetch_events")
                versions = db_scalar(engine, "SELECT count(*) FROM report_versions")
                again, _, again_ms, _ = crawl_and_wait(app, events, engine, full=full, want_versions=None, timeout=600)
                recrawls.append(
                    {
                        "label": label,
                        "requests": len(site.requests),
                        "bytes": db_scalar(
                            engine, f"SELECT coalesce(sum(size_bytes), 0) FROM fetch_events WHERE id > {event_max}"
                        ),
                        "seconds": again,
                        "versions": db_scalar(engine, "SELECT count(*) FROM report_versions") - versions,
                        "task_ms": again_ms,
                    }
                )
            sampler.stop()
        finally:
            app.close()
            events.close()
            stop_workers(started)
    engine.dispose()
    return Result(
        reports=reports,
        seconds=seconds,
        per_second=reports / seconds,
        rows_per_report=rows / reports,
        bytes_per_report=size / reports,
        task_messages_per_report=delta["task-sent"] / reports,
        events_per_report=sum(delta.values()) / reports,
        peak_worker_mib=sampler.peak_worker_kib / 1024,
        peak_process_mib=sampler.peak_process_kib / 1024,
        failures=failures,
        task_ms=task_ms,
        recrawls=recrawls,
        queue_wait_ms=wait_ms,
        stages=stage_totals,
        cpu_share=cpu_share,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--workers", type=int, default=2, help="`celery worker` processes")
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes of each worker")
    parser.add_argument("--batch-size", type=int, default=None, help="GOVREPORTS_FETCH_BATCH_SIZE (default: 50)")
    parser.add_argument(
        "--no-stages", action="store_true", help="do not time the stages (one Redis round trip a task less)"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="scale-out instead: 1, 2 and 4 workers on both queues, then crawl and process workers split "
        "(1 + 1, 1 + 3), at the first --reports",
    )
    args = parser.parse_args()
    console = Console(width=max(120, Console().width))  # tables unwrapped, in a log too
    if args.scale:
        console.print(scale_table(args.reports[0], args.batch_size, console))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.reports:
            console.print(f"ingesting {n} reports with {args.workers} workers …")
            results.append(
                run(n, args.workers, Path(tmp), args.concurrency, args.batch_size, stages=not args.no_stages)
            )
    batches = f"fetch batches of {args.batch_size}" if args.batch_size else "default fetch batches"
    table = Table(title=f"pipeline on Redis + PostgreSQL, {args.workers} worker processes, {batches}")
    table.add_column("measure")
    for r in results:
        table.add_column(f"N = {r.reports:,}", justify="right")
    table.add_column("target")

    def row(name: str, values: list[str], target: str = "") -> None:
        table.add_row(name, *values, target)

    def ms(timings: dict[str, float], task: str) -> str:
        return f"{timings[task]:,.0f}" if task in timings else "-"

    row("first crawl: seconds", [f"{r.seconds:.1f}" for r in results])
    for task in ("crawl_portal", "fetch_reports", "process_report"):
        row(f"  {task}: mean ms", [ms(r.task_ms, f"govreports.{task}") for r in results])
    row("reports / second", [f"{r.per_second:.1f}" for r in results], "≥ 40")
    row("failures recorded", [str(r.failures) for r in results], "0")
    row("DB rows / report", [f"{r.rows_per_report:.1f}" for r in results])
    row("DB bytes / report", [f"{r.bytes_per_report:,.0f}" for r in results])
    row("task messages / report", [f"{r.task_messages_per_report:.2f}" for r in results])
    row("  monitoring events / report", [f"{r.events_per_report:.1f}" for r in results])
    row("peak RSS, one worker (MiB)", [f"{r.peak_worker_mib:.0f}" for r in results], "≤ 250")
    row("peak RSS, one process (MiB)", [f"{r.peak_process_mib:.0f}" for r in results])
    for i, label in enumerate(("recrawl (default)", "recrawl (full)")):
        row(f"{label}: requests", [f"{r.recrawls[i]['requests']:.0f}" for r in results])
        row(f"{label}: bytes", [f"{r.recrawls[i]['bytes']:,.0f}" for r in results])
        row(f"{label}: seconds", [f"{r.recrawls[i]['seconds']:.2f}" for r in results], "≤ 15 (5,000)")
        row(f"{label}: new versions", [f"{r.recrawls[i]['versions']:.0f}" for r in results], "0")
        for task in ("crawl_portal", "fetch_reports"):
            row(f"  {task}: mean ms", [ms(r.recrawls[i]["task_ms"], f"govreports.{task}") for r in results])
    console.print(table)
    if any(r.stages for r in results):
        console.print(stage_table(results))


SCALE_LAYOUTS: list[tuple[str, int, tuple[int, int] | None]] = [
    ("1 worker, both queues", 1, None),
    ("2 workers, both queues", 2, None),
    ("4 workers, both queues", 4, None),
    ("split: 1 crawl + 1 process", 2, (1, 1)),
    ("split: 1 crawl + 3 process", 4, (1, 3)),
]


def scale_table(reports: int, batch_size: int | None, console: Console) -> Table:
    """The first crawl's reports/s with more worker processes (one pool process each) on the 2-core
    machine, and with the queues split between crawl and process workers as in docker-compose."""
    table = Table(title=f"scale-out: first crawl of {reports:,} reports, one pool process a worker")
    for column in ("layout", "processes", "reports / s", "per process", "peak RSS a worker (MiB)"):
        table.add_column(column, justify="right" if column != "layout" else "left")
    for label, processes, split in SCALE_LAYOUTS:
        console.print(f"{label} …")
        with tempfile.TemporaryDirectory() as tmp:
            r = run(reports, processes, Path(tmp), 1, batch_size, stages=False, split=split)
        table.add_row(
            label, str(processes), f"{r.per_second:.1f}", f"{r.per_second / processes:.1f}", f"{r.peak_worker_mib:.0f}"
        )
    return table


STAGE_ORDER = (
    "fetch.get",
    "fetch.store",
    "fetch.attachments",
    "fetch.store_unchanged",
    "queue.send",
    "process.load",
    "process.clean",
    "process.extract",
    "process.store",
)


def stage_table(results: list[Result]) -> Table:
    """Where a report's time goes in the first crawl: CPU and wall ms a report of each stage, as the
    workers timed it (workers/stage_clock.py); each task's whole run (what its stages leave over is
    the task's own overhead: Celery, the answer, the monitoring events it sends); the mean wait of a
    task message in the queue; and the share of the machine's cores each part used."""
    table = Table(title="where the time goes: first crawl, per report (CPU ms / wall ms)")
    table.add_column("stage")
    for r in results:
        table.add_column(f"N = {r.reports:,}", justify="right")

    def per_report(r: Result, key: str) -> str:
        wall, cpu, _ = r.stages.get(key, (0.0, 0.0, 0))
        return f"{1000 * cpu / r.reports:.2f} / {1000 * wall / r.reports:.2f}" if key in r.stages else "-"

    names = [n for n in STAGE_ORDER if any(n in r.stages for r in results)]
    names += sorted({n for r in results for n in r.stages if n not in STAGE_ORDER and not n.startswith("task:")})
    for name in names:
        table.add_row(name, *(per_report(r, name) for r in results))
    for r in results:
        stage_cpu = sum(cpu for n, (_, cpu, _) in r.stages.items() if not n.startswith("task:"))
        stage_wall = sum(wall for n, (wall, _, _) in r.stages.items() if not n.startswith("task:"))
        r.stages["stages, summed"] = (stage_wall, stage_cpu, 0)
        task_wall = sum(wall for n, (wall, _, _) in r.stages.items() if n.startswith("task:"))
        task_cpu = sum(cpu for n, (_, cpu, _) in r.stages.items() if n.startswith("task:"))
        r.stages["tasks, summed"] = (task_wall, task_cpu, 0)
        r.stages["task overhead (tasks − stages)"] = (task_wall - stage_wall, task_cpu - stage_cpu, 0)
    for name in ("stages, summed", "tasks, summed", "task overhead (tasks − stages)"):
        table.add_row(name, *(per_report(r, name) for r in results))
    tasks = sorted({n for r in results for n in r.stages if n.startswith("task:")})
    for name in tasks:
        table.add_row(f"  {name.removeprefix('task:')}", *(per_report(r, name) for r in results))
    waits = sorted({n for r in results for n in r.queue_wait_ms})
    for name in waits:
        table.add_row(
            f"queue wait, {name.removeprefix('govreports.')} (mean ms a message)",
            *(f"{r.queue_wait_ms[name]:,.1f}" if name in r.queue_wait_ms else "-" for r in results),
        )
    parts = sorted({n for r in results for n in r.cpu_share})
    for name in parts:
        table.add_row(
            f"share of the cores: {name}",
            *(f"{100 * r.cpu_share[name]:.0f}%" if name in r.cpu_share else "-" for r in results),
        )
    return table


if __name__ == "__main__":
    main()
