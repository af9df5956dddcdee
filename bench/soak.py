"""Soak: periodic crawls of a few demo portals edited upstream between crawls, by real `celery worker`
processes on Redis and PostgreSQL, for `--minutes`; worker memory and connections must stay flat and
the versions be exactly the edits made.

    python bench/soak.py                  # 20 minutes: 3 portals x 40 reports, a crawl round every 30 s
    python bench/soak.py --minutes 3
    python bench/soak.py --minutes 0.3 --interval 5 --portals 2 --reports 5   # tests/test_bench_load.py

Each portal is a demo server on its own loopback host (127.0.2.1, …; see bench/load.py). A beat-like
loop sends `crawl_portal` for every portal at 0, `--interval`, 2 x `--interval` … seconds (a round
starts late when the previous one ran over), waits until every task a round caused has finished, then
edits `--edits` reports picked at random (distinct, so each edit is one new version), each with a
sentence of its own (`DemoSite.edit`). The last round (at or before `--minutes`) is followed by no
edit, so it collects the edits of the round before. GOVREPORTS_REVISIT_AFTER_HOURS=0: every crawl asks
every report again (a conditional GET; a 304 unless edited).

Every `--sample-every` seconds: RSS of the workers (main processes and pool children, from /proc),
their open sockets by peer (/proc/PID/fd → socket inode → /proc/net/tcp: PostgreSQL port, Redis port,
the demo servers' ports), the PostgreSQL backends on the database (pg_stat_activity, the sampler's own
left out), versions stored. The table shows the samples nearest to 0, 25, 50, 75 and 100% of the run.

Verdicts (after the warm-up: the first two rounds, the initial ingestion and the first recrawl, which
meets 304s and edited reports for the first time, so every code path has run once):
  RSS flat: the least-squares slope of RSS is under 10 MiB per 10 minutes (judged only when the
    samples after the warm-up span at least 2 minutes; shorter runs print "too short to judge");
  connections flat: PostgreSQL and Redis sockets each vary by at most 2, and HTTP sockets never exceed
    pool processes x portals (one keep-alive connection a host per process);
  versions exact: versions stored = initial reports + edits made, and after every round the count
    was what the edits so far make;
  nothing lost: every report's versions equal its revisions upstream, no fetch failed, no task left.

Uses Redis database 6 and the PostgreSQL database govreports_bench_soak (both emptied at start);
`--postgres` / `--redis` move them.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

import sqlalchemy as sa  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench.load import (  # noqa: E402
    PREFIX,
    Host,
    demo_hosts,
    fresh_redis,
    log_tails,
    send_crawls,
    sender,
    wait_idle,
    worker_env,
    worker_rss_mib,
    write_registry,
)
from bench.pipeline import (  # noqa: E402
    EventCounter,
    children_of,
    db_scalar,
    fresh_database,
    start_workers,
    stop_workers,
    wait_for_ping,
)

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/govreports_bench_soak"
REDIS = "redis://127.0.0.1:6379/6"
FIRST_HOST = ipaddress.IPv4Address("127.0.2.1")
RSS_SLOPE_LIMIT = 10.0  # MiB per 10 minutes
CONNECTIONS_SPREAD = 2
MIN_JUDGED_SECONDS = 120.0


# --- open sockets of a process, by peer port -------------------------------------------------------


def tcp_peer_ports() -> dict[int, int]:
    """Socket inode → remote port, for every TCP socket of this network namespace."""
    peers = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            peers[int(parts[9])] = int(parts[2].rsplit(":", 1)[1], 16)
    return peers


def socket_inodes(pid: int) -> list[int]:
    inodes: list[int] = []
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = fd.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.append(int(target[8:-1]))
    return inodes


def sockets_by_peer(pids: Sequence[int], ports: dict[str, set[int]]) -> Counter[str]:
    """Open sockets of `pids` counted by the label of their peer's port (`other`: any other socket)."""
    peers = tcp_peer_ports()
    counts: Counter[str] = Counter()
    for pid in pids:
        for inode in socket_inodes(pid):
            port = peers.get(inode)
            label = next((name for name, known in ports.items() if port in known), "other")
            counts[label] += 1
    return counts


# --- the soak --------------------------------------------------------------------------------------


@dataclass
class Sample:
    t: float
    rss_mib: float
    pg: int
    redis: int
    http: int
    other: int
    backends: int
    versions: int
    edits: int


@dataclass
class SoakResult:
    portals: int
    reports: int
    processes: int
    seconds: float
    rounds: int
    round_seconds: list[float]
    edits: int
    versions: int
    expected: int
    rounds_off: int  # rounds after which the versions were not what the edits so far make
    reports_off: list[str]
    failed: int
    outstanding: int
    pool_pids: int  # distinct pool processes seen (more than the pool's size: some were replaced)
    warmup: float
    samples: list[Sample]
    rss_slope: float | None  # MiB per 10 minutes after the warm-up; None: too short to judge
    spreads: dict[str, int]
    verdicts: dict[str, bool | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Sampler:
    def __init__(self, pids: list[int], ports: dict[str, set[int]], engine: sa.Engine, every: float, t0: float) -> None:
        self.pids, self.ports, self.engine, self.every, self.t0 = pids, ports, engine, every, t0
        self.edits = 0
        self.samples: list[Sample] = []
        self.pool_pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.sample()
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()

    def sample(self) -> None:
        children = [c for pid in self.pids for c in children_of(pid)]
        self.pool_pids.update(children)
        counts = sockets_by_peer([*self.pids, *children], self.ports)
        with self.engine.connect() as conn:
            backends = int(
                conn.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid()"
                    )
                )
                or 0
            )
            versions = int(conn.scalar(sa.text("SELECT count(*) FROM report_versions")) or 0)
        self.samples.append(
            Sample(
                time.monotonic() - self.t0,
                worker_rss_mib(self.pids),
                counts["postgres"],
                counts["redis"],
                counts["http"],
                counts["other"],
                backends,
                versions,
                self.edits,
            )
        )

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def edit_at_random(hosts: Sequence[Host], count: int, rng: random.Random, serial: int) -> int:
    """Edit `count` distinct reports picked at random, each with a sentence of its own; the edits made."""
    pool = [(host, article.id) for host in hosts for article in host.site.portals[PREFIX].articles]
    picked = rng.sample(pool, min(count, len(pool)))
    for n, (host, article_id) in enumerate(picked, start=serial + 1):
        sentence = (
            f"第{n}次修订：本季度新增办理事项{rng.randint(100, 999)}项，按时办结率{rng.randint(900, 999) / 10}%。"
        )
        host.site.edit(PREFIX, article_id, sentence)
    return len(picked)


def versions_by_url(engine: sa.Engine) -> dict[str, int]:
    sql = sa.text(
        "SELECT r.url, count(v.id) FROM reports r LEFT JOIN report_versions v ON v.report_id = r.id GROUP BY r.url"
    )
    with engine.connect() as conn:
        return {url: int(n) for url, n in conn.execute(sql).all()}


def versions_are(engine: sa.Engine, expected: int) -> Callable[[], bool]:
    return lambda: db_scalar(engine, "SELECT count(*) FROM report_versions") == expected


def linear_slope(points: Sequence[tuple[float, float]]) -> float:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return statistics.linear_regression(xs, ys).slope


def run(
    *,
    minutes: float,
    portals: int,
    reports: int,
    interval: float,
    edits: int,
    every: float,
    rate: float,
    cap: int,
    workers: int,
    concurrency: int,
    delay: float,
    seed: int,
    postgres: str,
    broker: str,
    tmp: Path,
) -> SoakResult:
    fresh_database(postgres)
    fresh_redis(broker)
    engine = sa.create_engine(postgres, poolclass=sa.NullPool)
    duration = minutes * 60
    rng = random.Random(seed)
    with demo_hosts(portals, reports, slug="soak", delay_max=delay, first=FIRST_HOST) as hosts:
        registry = write_registry(tmp / "portals.yaml", hosts, rate)
        env = worker_env(postgres, broker, registry, max_connections_per_host=str(cap), revisit_after_hours="0")
        started = start_workers(workers, env, tmp, concurrency)
        events = EventCounter(broker)
        app = sender(broker)
        ports = {
            "postgres": {urlsplit(postgres.replace("+psycopg", "")).port or 5432},
            "redis": {urlsplit(broker).port or 6379},
            "http": {int(h.server.base_url.rsplit(":", 1)[1]) for h in hosts},
        }
        sampler: Sampler | None = None
        made = rounds = rounds_off = 0
        warmup = 0.0
        round_seconds: list[float] = []
        try:
            wait_for_ping(broker, workers)
            t0 = time.monotonic()
            sampler = Sampler([p.pid for p, _ in started], ports, engine, every, t0)
            sampler.start()
            initial = portals * reports
            last_round = int(duration // interval)
            for k in range(last_round + 1):
                time.sleep(max(0.0, t0 + k * interval - time.monotonic()))
                expected = initial + made
                before, began = events.snapshot(), time.monotonic()
                send_crawls(app, [h.slug for h in hosts])
                done = wait_idle(
                    events, before, portals, done=versions_are(engine, expected), timeout=max(300.0, interval * 4)
                )
                round_seconds.append(time.monotonic() - began)
                rounds += 1
                rounds_off += not done
                if k <= 1:  # the first round ingests, the second meets 304s and edits for the first time
                    warmup = time.monotonic() - t0
                if k < last_round:
                    made += edit_at_random(hosts, edits, rng, made)
                    sampler.edits = made
            seconds = time.monotonic() - t0
            outstanding = EventCounter.outstanding(events.snapshot())
        finally:
            if sampler is not None:
                sampler.stop()
            app.close()
            events.close()
            stop_workers(started)
        assert sampler is not None
        stored = versions_by_url(engine)
        upstream = {
            h.server.base_url + h.site.portals[PREFIX].article_path(a): a.revision
            for h in hosts
            for a in h.site.portals[PREFIX].articles
        }
        reports_off = [
            f"{url}: {stored.get(url, 0)} versions, {revision} revisions upstream"
            for url, revision in upstream.items()
            if stored.get(url, 0) != revision
        ]
        failed = db_scalar(engine, "SELECT count(*) FROM fetch_events WHERE outcome = 'failed'")
        versions = db_scalar(engine, "SELECT count(*) FROM report_versions")
    engine.dispose()
    after = [s for s in sampler.samples if s.t >= warmup]
    judged = len(after) >= 2 and after[-1].t - after[0].t >= MIN_JUDGED_SECONDS
    slope = linear_slope([(s.t, s.rss_mib) for s in after]) * 600 if judged else None
    spreads = {
        name: (max(getattr(s, name) for s in after) - min(getattr(s, name) for s in after)) if after else 0
        for name in ("pg", "redis", "http", "backends")
    }
    processes = workers * concurrency
    result = SoakResult(
        portals, reports, processes, seconds, rounds, round_seconds, made, versions, portals * reports + made,
        rounds_off, reports_off, failed, outstanding, len(sampler.pool_pids), warmup, sampler.samples, slope,
        spreads,
    )  # fmt: skip
    result.verdicts = {
        "RSS flat": None if slope is None else slope < RSS_SLOPE_LIMIT,
        "connections flat": bool(after)
        and spreads["pg"] <= CONNECTIONS_SPREAD
        and spreads["redis"] <= CONNECTIONS_SPREAD
        and max(s.http for s in sampler.samples) <= processes * portals,
        "versions exact": versions == result.expected and rounds_off == 0,
        "nothing lost": not reports_off and failed == 0 and outstanding <= 0,
    }
    result.notes.extend(reports_off[:20])
    if not all(v is not False for v in result.verdicts.values()):
        result.notes.append(f"worker logs:\n{log_tails(tmp)}")
    return result


def at_fractions(samples: Sequence[Sample], fractions: Sequence[float]) -> list[tuple[float, Sample]]:
    end = samples[-1].t
    return [(f, min(samples, key=lambda s: abs(s.t - f * end))) for f in fractions]


def print_result(result: SoakResult, console: Console) -> None:
    title = (
        f"soak: {result.portals} portals x {result.reports} reports, {result.rounds} crawl rounds over "
        f"{result.seconds / 60:.1f} min, {result.edits} edits, {result.processes} pool processes"
    )
    table = Table(title=title)
    for column in ("at", "time", "worker RSS MiB", "PG conns", "PG backends", "Redis conns", "HTTP conns",
                   "versions", "edits made"):  # fmt: skip
        table.add_column(column, justify="right")
    for fraction, s in at_fractions(result.samples, (0.0, 0.25, 0.5, 0.75, 1.0)):
        table.add_row(
            f"{fraction:.0%}", f"{int(s.t // 60)}:{s.t % 60:04.1f}", f"{s.rss_mib:.1f}", str(s.pg), str(s.backends),
            str(s.redis), str(s.http), str(s.versions), str(s.edits),
        )  # fmt: skip
    console.print(table)
    slope = "too short to judge" if result.rss_slope is None else f"{result.rss_slope:+.1f} MiB / 10 min"
    console.print(
        f"samples: {len(result.samples)}; warm-up (first two rounds): {result.warmup:.1f} s; "
        f"RSS slope after it: {slope} "
        f"(limit {RSS_SLOPE_LIMIT:g}); spread after it: PG sockets {result.spreads['pg']}, Redis sockets "
        f"{result.spreads['redis']}, PG backends {result.spreads['backends']} (limit {CONNECTIONS_SPREAD}), HTTP "
        f"sockets at most {max(s.http for s in result.samples)} (limit {result.processes * result.portals})"
    )
    rs = result.round_seconds
    console.print(
        f"rounds: {result.rounds} (first {rs[0]:.1f} s, then median {statistics.median(rs[1:] or rs):.1f} s, "
        f"max {max(rs[1:] or rs):.1f} s); versions {result.versions} = {result.portals * result.reports} initial + "
        f"{result.edits} edits → expected {result.expected}; rounds off {result.rounds_off}; reports off "
        f"{len(result.reports_off)}; fetches failed {result.failed}; tasks left {max(0, result.outstanding)}; "
        f"pool processes seen {result.pool_pids} (pool size {result.processes})"
    )
    for name, ok in result.verdicts.items():
        console.print(f"{name}: {'too short to judge' if ok is None else 'ok' if ok else 'FAILED'}")
    for note in result.notes:
        console.print(note, markup=False, highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=20.0, help="length of the soak")
    parser.add_argument("--portals", type=int, default=3, help="demo portals, one loopback host each")
    parser.add_argument("--reports", type=int, default=40, help="reports a portal")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between crawl rounds")
    parser.add_argument("--edits", type=int, default=5, help="reports edited upstream after each round")
    parser.add_argument("--sample-every", type=float, default=None, help="seconds (default: 1/40 of the run, 1–10)")
    parser.add_argument("--rate", type=float, default=20.0, help="rate_limit_per_second of every portal")
    parser.add_argument("--cap", type=int, default=2, help="GOVREPORTS_MAX_CONNECTIONS_PER_HOST")
    parser.add_argument("--workers", type=int, default=2, help="`celery worker` processes (queues crawl,process)")
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes of each worker")
    parser.add_argument("--delay", type=float, default=0.05, help="the demo servers answer after 0 to DELAY s")
    parser.add_argument("--seed", type=int, default=0, help="of the edits' random picks")
    parser.add_argument("--postgres", default=POSTGRES, help=f"database, emptied (default {POSTGRES})")
    parser.add_argument("--redis", default=REDIS, help=f"broker and cluster limits, emptied (default {REDIS})")
    args = parser.parse_args(argv)
    every = args.sample_every or min(10.0, max(1.0, args.minutes * 60 / 40))
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(
        f"soaking {args.portals} portals x {args.reports} reports for {args.minutes:g} min, a round every "
        f"{args.interval:g} s, {args.edits} edits a round, sampling every {every:g} s …"
    )
    with tempfile.TemporaryDirectory() as tmp:
        result = run(
            minutes=args.minutes,
            portals=args.portals,
            reports=args.reports,
            interval=args.interval,
            edits=args.edits,
            every=every,
            rate=args.rate,
            cap=args.cap,
            workers=args.workers,
            concurrency=args.concurrency,
            delay=args.delay,
            seed=args.seed,
            postgres=args.postgres,
            broker=args.redis,
            tmp=Path(tmp),
        )
    print_result(result, console)
    return 0 if all(v is not False for v in result.verdicts.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
