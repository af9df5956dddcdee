"""Load: many demo portals, each on its own loopback host, crawled at once by real `celery worker`
processes on Redis and PostgreSQL, with their politeness checked from the demo servers' own counters.

    python bench/load.py                            # 50 portals x 30 reports, 5 requests/s and 2 in flight a host
    python bench/load.py --portals 3 --reports 3    # what tests/test_bench_load.py runs

Every portal is a `DemoServer` bound to its own address (127.0.0.2, 127.0.0.3, …: all of 127.0.0.0/8
reaches `lo` on Linux), so the crawler sees as many hosts as portals; each answers after a random
delay (0 to `--delay` seconds, a slow portal) so that requests of several pool processes overlap and
the in-flight cap has something to hold. The registry gives every portal `rate_limit_per_second`
(`--rate`); GOVREPORTS_MAX_CONNECTIONS_PER_HOST (`--cap`) is the cap on requests in flight a host,
both held cluster-wide in Redis (workers/cluster_limits.py). Small fetch batches (`--batch`) put
several pool processes on one host at a time. All crawls are sent at once.

The demo site counts every request it receives (`DemoSite.request_times`, arrival time on the
server) and the most it was answering at once (`DemoSite.peak_in_flight`): the table reads them.
Per host, min / median / max over hosts of: requests; the most requests that arrived within any
1-second window (half-open: `(t - 1 s, t]`), and within any 0.95-s window; the shortest gap between
two requests; the peak in flight, against the cap; seconds from the send to the host's first request
(a starved portal waits); seconds to its last version stored. Totals: reports/s (all reports over the
time to the last version), versions (must equal reports), failed and retried fetches, tasks left.

Why 0.95 s: a host kept busy at exactly its rate gets requests exactly 1/rate apart, so `rate` + 1 of
them span exactly 1 s and any timing noise (the worker's wake-up, the demo server's threads sharing
this process's GIL with 49 others) puts `rate` + 1 into some 1-s window. Measured without in-flight
contention (`--delay 0`), the shortest span of 6 requests at 5/s was 0.979 s, so 50 ms of noise is
allowed an arrival: the rate verdict counts requests in windows of 1 s - 50 ms.

Verdicts: rate held (no host over `--rate` in any 0.95-s window), cap held (no host over `--cap`), no
portal starved (every host's first request within X = max(2 x the median first request, 1 s) of the
send: with all crawls queued at once and served first come first served, first requests spread
evenly from 0 to the last one, which lands near 2 x the median; a portal skipped for others' work
lands beyond), nothing lost (each host's versions equal its reports, no fetch failed, no task left).

Uses Redis database 5 and the PostgreSQL database govreports_bench_load (both emptied at start);
`--postgres` / `--redis` move them.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

import redis  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import yaml  # noqa: E402
from celery import Celery  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from bench.pipeline import (  # noqa: E402
    EventCounter,
    children_of,
    db_scalar,
    fresh_database,
    index_articles,
    rss_kib,
    start_workers,
    stop_workers,
    wait_for_ping,
)
from bench.pipeline import IndexedHandler as _IndexedHandler  # noqa: E402
from seeds.demo import DemoServer, DemoSite, build_demo_site, serve  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/govreports_bench_load"
REDIS = "redis://127.0.0.1:6379/5"
FIRST_HOST = ipaddress.IPv4Address("127.0.0.2")
PREFIX = "hy"  # the TRS portal of the demo site, no selectors: what bench/pipeline.py crawls
SEED_PATH = "/hy/zwgk/ghjh/index.html"
JITTER = 0.05  # seconds of timing noise allowed an arrival on the demo server (see the docstring)


# --- demo portals on their own hosts (shared with bench/soak.py) ---------------------------------


class SlowHandler(_IndexedHandler):
    """The indexed demo handler answering after a random delay of 0 to `server.delay_max` seconds,
    noting each answer's (start, end) in `server.answers`.

    The delay falls inside the site's in-flight count (between `take_fault` and `answered`)."""

    def _answer(self, path: str, fault: str | None) -> None:
        began = time.monotonic()
        try:
            delay_max = getattr(self.server, "delay_max", 0.0)
            if delay_max > 0:
                time.sleep(getattr(self.server, "rng", random).uniform(0.0, delay_max))
            super()._answer(path, fault)
        finally:
            getattr(self.server, "answers", []).append((began, time.monotonic()))


@dataclass
class Host:
    """One demo portal on its own address."""

    slug: str
    site: DemoSite
    server: DemoServer

    @property
    def address(self) -> str:
        return self.server.base_url.split("//", 1)[1].rsplit(":", 1)[0]

    @property
    def reports(self) -> int:
        return len(self.site.portals[PREFIX].articles)


def host_address(n: int, first: ipaddress.IPv4Address = FIRST_HOST) -> str:
    address = first + n
    if address not in ipaddress.ip_network("127.0.0.0/8"):
        raise SystemExit(f"{n + 1} hosts do not fit in 127.0.0.0/8 from {first}")
    return str(address)


def demo_site(reports: int) -> DemoSite:
    """A demo site whose `hy` portal lists exactly `reports` reports."""
    site = build_demo_site(extra_reports=max(4, reports + 2))  # 4 go to the other portal, 2 real ones in hy
    portal = site.portals[PREFIX]
    portal.articles = portal.articles[:reports]
    return site


@contextmanager
def demo_hosts(
    count: int, reports: int, *, slug: str, delay_max: float = 0.0, first: ipaddress.IPv4Address = FIRST_HOST
) -> Iterator[list[Host]]:
    """`count` demo portals, the n-th served on address `first + n` (a port the OS picks)."""
    with ExitStack() as stack:
        hosts = []
        for n in range(count):
            site = demo_site(reports)
            server = stack.enter_context(serve(site, host=host_address(n, first)))
            index_articles(server, site)
            httpd: Any = server._httpd
            httpd.RequestHandlerClass = SlowHandler
            httpd.delay_max = delay_max
            httpd.rng = random.Random(n)
            httpd.answers = []
            hosts.append(Host(f"{slug}-{n + 1:02d}", site, server))
        yield hosts


def write_registry(path: Path, hosts: Sequence[Host], rate: float) -> Path:
    """A registry with one entry a host: its seed on the host's own address, `rate` requests/s."""
    entries = [
        {
            "slug": host.slug,
            "name": f"bench {host.address}",
            "seeds": [host.server.base_url + SEED_PATH],
            "max_list_pages": host.site.portals[PREFIX].page_count + 1,
            "rate_limit_per_second": rate,
            "crawl_interval_minutes": 1440,
            "private_networks": ["127.0.0.0/8"],
            "needs_network": False,
        }
        for host in hosts
    ]
    path.write_text(yaml.safe_dump({"portals": entries}, allow_unicode=True), encoding="utf-8")
    return path


def worker_env(postgres: str, broker: str, registry: Path, **settings: str) -> dict[str, str]:
    """The workers' environment: this process's, without any GOVREPORTS_ setting but ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVREPORTS_")}
    env.update(
        {
            "GOVREPORTS_BROKER_URL": broker,
            "GOVREPORTS_DATABASE_URL": postgres,
            "GOVREPORTS_REGISTRY_PATH": str(registry),
            **{f"GOVREPORTS_{k.upper()}": v for k, v in settings.items()},
        }
    )
    return env


def fresh_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def sender(broker: str) -> Celery:
    app = Celery(broker=broker, set_as_current=False)
    app.conf.task_send_sent_event = True  # the crawls' own messages are counted like the rest
    return app


def send_crawls(app: Celery, slugs: Sequence[str]) -> None:
    for slug in slugs:
        app.send_task("govreports.crawl_portal", args=[slug], queue="crawl")


def wait_idle(
    events: EventCounter, before: Counter[str], sent: int, *, done: Any = None, timeout: float, settle: float = 3.0
) -> bool:
    """Wait until the `sent` tasks and every task they caused have finished and `done()` (if given)
    holds; or, when `done()` never holds, until nothing has been outstanding for `settle` seconds.
    True when `done()` held (or was not given)."""
    deadline = time.monotonic() + timeout
    idle_since: float | None = None
    while time.monotonic() < deadline:
        delta = events.snapshot() - before
        idle = delta["task-sent"] >= sent and EventCounter.outstanding(delta) <= 0
        if idle and (done is None or done()):
            return True
        if idle:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > settle:
                return False
        else:
            idle_since = None
        time.sleep(0.1)
    return False


def worker_rss_mib(pids: Sequence[int]) -> float:
    """RSS of the workers, each its main process and its pool children, in MiB."""
    return sum(rss_kib(p) for pid in pids for p in (pid, *children_of(pid))) / 1024


def log_tails(logdir: Path, lines: int = 15) -> str:
    out = []
    for log in sorted(logdir.glob("worker-*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        out.append(f"--- {log.name}\n" + "\n".join(tail))
    return "\n".join(out)


# --- the load bench -------------------------------------------------------------------------------


def max_in_window(times: Sequence[float], width: float = 1.0) -> int:
    """The most of `times` (sorted) inside any window `(t - width, t]`."""
    best = start = 0
    for end, t in enumerate(times):
        while times[start] <= t - width:
            start += 1
        best = max(best, end - start + 1)
    return best


def over_cap(answers: Sequence[tuple[float, float]], cap: int) -> list[tuple[float, float]]:
    """(start, seconds) of each stretch during which more than `cap` answers were under way."""
    edges = sorted([(a, 1) for a, _ in answers] + [(b, -1) for _, b in answers], key=lambda e: (e[0], e[1]))
    stretches, running, since = [], 0, None
    for t, step in edges:
        running += step
        if running > cap and since is None:
            since = t
        elif running <= cap and since is not None:
            stretches.append((since, t - since))
            since = None
    return stretches


def shortest_gap(times: Sequence[float]) -> float:
    return min((b - a for a, b in pairwise(times)), default=float("inf"))


@dataclass
class HostRow:
    slug: str
    address: str
    reports: int
    requests: int
    max_per_second: int  # in any 1 s window
    max_per_window: int  # in any window of 1 s less the jitter allowance
    gap: float  # the shortest time between two requests
    peak_in_flight: int
    first_request: float  # seconds after the send
    last_request: float
    versions: int
    last_version: float | None
    times: list[float] = field(default_factory=list, repr=False)  # arrivals, seconds after the send
    answers: list[tuple[float, float]] = field(default_factory=list, repr=False)  # (start, end) of each answer


@dataclass
class LoadResult:
    portals: int
    reports: int
    rate: float
    cap: int
    processes: int
    rows: list[HostRow]
    seconds: float  # send to the last version stored
    versions: int
    failed: int
    retried: int
    outstanding: int
    starve_limit: float
    verdicts: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def versions_by_portal(engine: sa.Engine, sent_at: datetime) -> dict[str, tuple[int, float | None]]:
    """Per portal slug: versions stored and seconds from `sent_at` to the last one."""
    sql = sa.text(
        "SELECT p.slug, count(v.id), max(v.created_at) FROM report_versions v "
        "JOIN reports r ON r.id = v.report_id JOIN portals p ON p.id = r.portal_id GROUP BY p.slug"
    )
    with engine.connect() as conn:
        rows = conn.execute(sql).all()
    return {slug: (n, (last - sent_at).total_seconds() if last else None) for slug, n, last in rows}


def run(
    *,
    portals: int,
    reports: int,
    rate: float,
    cap: int,
    workers: int,
    concurrency: int,
    batch: int,
    delay: float,
    postgres: str,
    broker: str,
    timeout: float,
    tmp: Path,
) -> LoadResult:
    fresh_database(postgres)
    fresh_redis(broker)
    engine = sa.create_engine(postgres, poolclass=sa.NullPool)
    total = portals * reports
    with demo_hosts(portals, reports, slug="load", delay_max=delay) as hosts:
        registry = write_registry(tmp / "portals.yaml", hosts, rate)
        env = worker_env(postgres, broker, registry, max_connections_per_host=str(cap), fetch_batch_size=str(batch))
        started = start_workers(workers, env, tmp, concurrency)
        events = EventCounter(broker)
        app = sender(broker)
        try:
            wait_for_ping(broker, workers)
            for host in hosts:  # count from the send on
                host.site.requests.clear()
                host.site.request_times.clear()
                host.site.peak_in_flight = 0
                host.server._httpd.answers.clear()  # type: ignore[attr-defined]
            before = events.snapshot()
            sent_at = datetime.now(UTC)
            t0 = time.monotonic()
            send_crawls(app, [h.slug for h in hosts])
            finished = wait_idle(
                events,
                before,
                portals,
                done=lambda: db_scalar(engine, "SELECT count(*) FROM report_versions") >= total,
                timeout=timeout,
            )
            outstanding = EventCounter.outstanding(events.snapshot() - before)
        finally:
            app.close()
            events.close()
            stop_workers(started)
        stored = versions_by_portal(engine, sent_at)
        failed = db_scalar(engine, "SELECT count(*) FROM fetch_events WHERE outcome = 'failed'")
        retried = db_scalar(engine, "SELECT count(*) FROM fetch_events WHERE outcome = 'retrying'")
        versions = db_scalar(engine, "SELECT count(*) FROM report_versions")
        rows = []
        for host in hosts:
            times = sorted(t - t0 for t, _path in host.site.request_times)
            n_versions, last_version = stored.get(host.slug, (0, None))
            rows.append(
                HostRow(
                    host.slug,
                    host.address,
                    host.reports,
                    len(times),
                    max_in_window(times),
                    max_in_window(times, 1.0 - JITTER),
                    shortest_gap(times),
                    host.site.peak_in_flight,
                    times[0] if times else float("inf"),
                    times[-1] if times else float("inf"),
                    n_versions,
                    last_version,
                    times,
                    sorted((a - t0, b - t0) for a, b in host.server._httpd.answers),  # type: ignore[attr-defined]
                )
            )
    engine.dispose()
    ends = [r.last_version for r in rows if r.last_version is not None]
    seconds = max(ends) if ends else float("inf")
    firsts = [r.first_request for r in rows]
    starve_limit = max(2 * statistics.median(firsts), 1.0)
    result = LoadResult(
        portals, reports, rate, cap, workers * concurrency, rows, seconds, versions, failed, retried,
        outstanding, starve_limit,
    )  # fmt: skip
    result.verdicts = {
        "rate held": all(r.max_per_window <= rate for r in rows),
        "cap held": all(r.peak_in_flight <= cap for r in rows),
        "no portal starved": all(f <= starve_limit for f in firsts),
        "nothing lost": finished
        and outstanding <= 0
        and failed == 0
        and versions == total
        and all(r.versions == r.reports for r in rows),
    }
    offenders: dict[str, list[tuple[float, str, HostRow]]] = {
        "rate": [
            (r.max_per_window, f"{r.max_per_window} requests within {1 - JITTER:g} s (shortest gap {r.gap:.3f} s)", r)
            for r in rows
            if r.max_per_window > rate
        ],
        "cap": [
            (
                r.peak_in_flight,
                f"{r.peak_in_flight} in flight; over the cap for "
                + ", ".join(f"{d * 1000:.1f} ms at {a:.2f} s" for a, d in over_cap(r.answers, cap)),
                r,
            )
            for r in rows
            if r.peak_in_flight > cap
        ],
        "starved": [
            (r.first_request, f"first request after {r.first_request:.2f} s", r)
            for r in rows
            if r.first_request > starve_limit
        ],
        "lost": [(0, f"{r.versions} versions of {r.reports} reports", r) for r in rows if r.versions != r.reports],
    }
    for name, found in offenders.items():
        found.sort(key=lambda o: (-o[0], -o[2].max_per_second, o[2].gap))
        for _, what, r in found[:5]:
            result.notes.append(f"{name}: {r.slug} ({r.address}): {what}")
        if len(found) > 5:
            result.notes.append(f"{name}: … and {len(found) - 5} more hosts")
    if not result.verdicts["nothing lost"]:
        result.notes.append(f"worker logs:\n{log_tails(tmp)}")
    return result


def spread(values: Sequence[float], fmt: str = "{:.0f}") -> list[str]:
    if not values:
        return ["-", "-", "-"]
    return [fmt.format(min(values)), fmt.format(statistics.median(values)), fmt.format(max(values))]


def print_result(result: LoadResult, console: Console) -> None:
    title = (
        f"{result.portals} demo portals on {result.portals} loopback hosts crawled at once: {result.reports} "
        f"reports each, {result.processes} pool processes, {result.rate:g} requests/s and {result.cap} in flight a host"
    )
    table = Table(title=title)
    table.add_column("per host")
    for column in ("min", "median", "max"):
        table.add_column(column, justify="right")
    table.add_column("limit")
    rows = result.rows
    table.add_row("requests", *spread([r.requests for r in rows]), "")
    table.add_row("most requests in any 1 s", *spread([r.max_per_second for r in rows]), "")
    table.add_row(
        f"most requests in any {1 - JITTER:g} s", *spread([r.max_per_window for r in rows]), f"≤ {result.rate:g}"
    )
    table.add_row("shortest gap between requests (s)", *spread([r.gap for r in rows], "{:.3f}"), f"{1 / result.rate:g}")
    table.add_row("peak in flight", *spread([r.peak_in_flight for r in rows]), f"≤ {result.cap}")
    table.add_row(
        "first request (s after send)", *spread([r.first_request for r in rows], "{:.2f}"),
        f"≤ {result.starve_limit:.2f}",
    )  # fmt: skip
    table.add_row("last request (s)", *spread([r.last_request for r in rows], "{:.1f}"), "")
    lasts = [r.last_version for r in rows if r.last_version is not None]
    table.add_row("last version stored (s)", *spread(lasts, "{:.1f}"), "")
    table.add_row("versions / reports", *spread([r.versions / max(1, r.reports) for r in rows], "{:.2f}"), "1.00")
    table.add_section()
    total = result.portals * result.reports
    table.add_row("total: reports / second", f"{total / result.seconds:.1f}", "", "", "")
    table.add_row("total: versions / reports", f"{result.versions} / {total}", "", "", "equal")
    table.add_row("total: fetches failed / retried", f"{result.failed} / {result.retried}", "", "", "0 failed")
    table.add_row("total: tasks left unfinished", str(max(0, result.outstanding)), "", "", "0")
    console.print(table)
    for name, ok in result.verdicts.items():
        console.print(f"{name}: {'ok' if ok else 'FAILED'}")
    for note in result.notes:
        console.print(note, markup=False, highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--portals", type=int, default=50, help="demo portals, one loopback host each")
    parser.add_argument("--reports", type=int, default=30, help="reports a portal")
    parser.add_argument("--rate", type=float, default=5.0, help="rate_limit_per_second of every portal")
    parser.add_argument("--cap", type=int, default=2, help="GOVREPORTS_MAX_CONNECTIONS_PER_HOST")
    parser.add_argument("--workers", type=int, default=2, help="`celery worker` processes (queues crawl,process)")
    parser.add_argument("--concurrency", type=int, default=6, help="pool processes of each worker")
    parser.add_argument("--batch", type=int, default=10, help="GOVREPORTS_FETCH_BATCH_SIZE")
    parser.add_argument("--delay", type=float, default=0.5, help="the demo servers answer after 0 to DELAY s")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the crawls")
    parser.add_argument("--postgres", default=POSTGRES, help=f"database, emptied (default {POSTGRES})")
    parser.add_argument("--redis", default=REDIS, help=f"broker and cluster limits, emptied (default {REDIS})")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(
        f"crawling {args.portals} portals x {args.reports} reports with {args.workers} workers x "
        f"{args.concurrency} processes …"
    )
    with tempfile.TemporaryDirectory() as tmp:
        result = run(
            portals=args.portals,
            reports=args.reports,
            rate=args.rate,
            cap=args.cap,
            workers=args.workers,
            concurrency=args.concurrency,
            batch=args.batch,
            delay=args.delay,
            postgres=args.postgres,
            broker=args.redis,
            timeout=args.timeout,
            tmp=Path(tmp),
        )
    print_result(result, console)
    return 0 if all(result.verdicts.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
