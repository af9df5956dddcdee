"""The read API under load: requests/s and p50/p95/p99 latency of its queries on PostgreSQL.

    python bench/api.py                        # 5,000 reports, 200 requests a query, 4 clients
    python bench/api.py --reports 500 --requests 50
    python bench/api.py --compare              # also without the API indexes (schema 0009), then with them
    python bench/api.py --explain              # EXPLAIN ANALYZE of one request of each query

**Database.** `govreports_bench_api` on the local PostgreSQL (GOVREPORTS_BENCH_API_POSTGRES_URL moves
it), created, migrated by `pipelines.store.migrate.upgrade` and dropped by the bench (`--keep` keeps
it). It is filled with bulk COPY, not through the ORM: 20 portals over 10 places of 广东 (a city's
portal and one of its districts, of uneven sizes), reports over 2018–2025 (annual, quarterly, monthly
and five-year periods, a few undated and a few never fetched), one version a report and a second or
third for about a third of them, 40–60 metrics a version, and an older extractor's superseded set on
one version in ten. Names and evidence are those `pipelines.metrics.extract_metrics` reads in the
demo reports (seeds/demo/reports), the place in them replaced by the portal's, the values varied;
`name_key` is `pipelines.indicator.canonical(name)`, as the store writes it. Every name of that pool
(≈180 metrics, ≈170 keys) recurs in about a quarter of the versions, which is denser than real
portals: a series of one indicator over every place reads ~1,500 candidate metrics.

**Load.** The app (`workers.web.app:create_app`) is served by uvicorn in its own process on a free
port of 127.0.0.1, as `govreports serve` runs it (one process), with a token; `--clients` threads
of httpx send a fixed number of requests of each kind, parameters varied over the requests (place,
year, name, indicator; half of the list requests ask for the second page through the cursor of the
first). Latency is measured by the client, from sending to the whole body read.

Target (issue 14): p95 ≤ 50 ms for every query on this (2-core) machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from pipelines.indicator import canonical  # noqa: E402
from pipelines.metrics import EXTRACTOR_VERSION, Metric, extract_metrics  # noqa: E402
from pipelines.store import migrate  # noqa: E402

POSTGRES = os.environ.get(
    "GOVREPORTS_BENCH_API_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/govreports_bench_api"
)
DEMO_REPORTS = ROOT / "seeds" / "demo" / "reports"
WITHOUT_INDEXES = "0009"  # the schema before the API's indexes (0010_api_indexes)
TARGET_P95_MS = 50.0
OLD_EXTRACTOR = "1.3.0"

# (region, city, district, slug): a portal for the city and one for the district, 20 in all.
PLACES = [
    ("广东省广州市", "广州市", "花都区", "gz"),
    ("广东省深圳市", "深圳市", "南山区", "sz"),
    ("广东省阳江市", "阳江市", "阳东区", "yj"),
    ("广东省河源市", "河源市", "源城区", "hy"),
    ("广东省惠州市", "惠州市", "惠城区", "hz"),
    ("广东省佛山市", "佛山市", "顺德区", "fs"),
    ("广东省江门市", "江门市", "新会区", "jm"),
    ("广东省韶关市", "韶关市", "曲江区", "sg"),
    ("广东省梅州市", "梅州市", "梅江区", "mz"),
    ("广东省肇庆市", "肇庆市", "端州区", "zq"),
]
# Places the demo reports name, replaced in names and evidence by the portal's own.
DEMO_PLACES = ("陽江市", "阳江市", "河源市", "广州市", "惠州市", "花都区", "源城区", "陽東區", "阳东区", "江城区")
YEARS = range(2018, 2026)
BUILD_EPOCH = datetime(2026, 6, 1, tzinfo=UTC)


# --- the database ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolMetric:
    """A metric of a demo report, with where its value sits in its evidence."""

    metric: Metric
    value_offset: int  # start of the value in the evidence


def metric_pool() -> list[PoolMetric]:
    """Every metric the extractor reads in the bundled demo reports (the extractor runs once)."""
    pool = []
    for path in sorted(DEMO_REPORTS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for m in extract_metrics(text):
            at = text.rfind(m.evidence, 0, m.start + 1)
            pool.append(PoolMetric(m, max(0, m.start - at) if at >= 0 else 0))
    if not pool:
        raise SystemExit(f"no metrics read in {DEMO_REPORTS}: the bench needs the demo reports")
    return pool


@dataclass(frozen=True)
class Portal:
    id: int
    slug: str
    name: str
    region: str
    place: str  # what replaces the demo's places in names and evidence
    weight: float  # share of the reports


def portals() -> list[Portal]:
    out: list[Portal] = []
    for region, city, district, code in PLACES:
        for level, place, reg in (("city", city, region), ("district", district, region + district)):
            n = len(out) + 1
            out.append(Portal(n, f"{code}-{level}", f"{place}政务服务数据管理局", reg, place, 1.0 / n**0.6))
    return out


@dataclass(frozen=True)
class Counts:
    portals: int
    reports: int
    versions: int
    metrics: int
    current_metrics: int
    seconds: float


def _period(rng: random.Random) -> tuple[str | None, int | None, int | None, date, str]:
    """(period, from, to, a publication date, how the title says it)."""
    kind = rng.random()
    year = rng.choice(YEARS)
    if kind < 0.55:
        return str(year), year, year, date(year + 1, rng.randint(1, 4), rng.randint(1, 28)), f"{year}年"
    if kind < 0.72:
        q = rng.randint(1, 4)
        return f"{year}-Q{q}", year, year, date(year, q * 3, rng.randint(1, 28)) + timedelta(20), f"{year}年第{q}季度"
    if kind < 0.85:
        m = rng.randint(1, 12)
        return f"{year}-{m:02d}", year, year, date(year, m, rng.randint(1, 28)) + timedelta(8), f"{year}年{m}月"
    if kind < 0.90:
        start = rng.choice((2016, 2021))
        return f"{start}–{start + 4}", start, start + 4, date(start, rng.randint(3, 9), 1), f"{start}–{start + 4}年"
    return None, None, None, date(year, rng.randint(1, 12), rng.randint(1, 28)), ""


TITLES = (
    "{p}{t}法治政府建设年度报告",
    "{p}{t}工作总结",
    "{p}{t}政务服务工作情况",
    "{p}{t}政务公开工作报告",
    "{p}{t}数据统计",
)


def _localised(text: str, place: str) -> str:
    for demo in DEMO_PLACES:
        if demo in text:
            text = text.replace(demo, place)
    return text


def _value(value: Decimal, unit: str, rng: random.Random) -> Decimal:
    if unit == "%":
        return min(Decimal(100), (value * Decimal(rng.uniform(0.9, 1.1))).quantize(Decimal("0.01")))
    return (value * Decimal(rng.uniform(0.6, 1.5))).quantize(Decimal(1)) or Decimal(1)


_COPY_BATCH = 500  # versions (and their metrics) a pair of COPY statements
VERSION_COLUMNS = (
    "report_versions (id, report_id, version, content_sha256, title, raw_html_z, clean_text, fetched_at, created_at,"
    " extractor_version, cleaning_warnings, period, period_from, period_to, origin, reader_version)"
)
METRIC_COLUMNS = (
    'metrics (id, version_id, seq, name, name_key, value, unit, qualifier, target, evidence, start, "end",'
    " confidence, extractor_version, superseded_at)"
)


def _copy(conn: Any, columns: str, rows: Sequence[tuple[Any, ...]]) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {columns} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class Builder:
    """Rows of the bench database, written with COPY: ids chosen here, sequences set at the end."""

    def __init__(self, reports: int, seed: int) -> None:
        self.n = reports
        self.rng = random.Random(seed)
        self.pool = metric_pool()
        self.portals = portals()
        self.keys: dict[str, str] = {}  # name → canonical(name), once a distinct name
        # Each portal reports about its own ~110 of the pool's indicators.
        self.subsets = {
            p.id: sorted(self.rng.sample(range(len(self.pool)), k=min(110, len(self.pool)))) for p in self.portals
        }

    def key(self, name: str) -> str:
        found = self.keys.get(name)
        if found is None:
            found = self.keys[name] = canonical(name)
        return found

    def version_text(self, portal: Portal, title: str, chosen: list[PoolMetric]) -> tuple[str, list[int]]:
        """A body made of the chosen metrics' evidence (localised), and where each evidence starts in it."""
        parts, starts, at = [title, ""], [], len(title) + 1
        for pm in chosen:
            evidence = _localised(pm.metric.evidence, portal.place)
            starts.append(at)
            parts.append(evidence)
            at += len(evidence) + 1
        return "\n".join(parts), starts

    def build(self, url: str) -> Counts:
        started = time.perf_counter()
        engine = sa.create_engine(url)
        raw = engine.raw_connection()
        try:
            conn: Any = raw.driver_connection
            counts = self._write(conn)
            conn.commit()
            with conn.cursor() as cur:
                for table in ("portals", "reports", "report_versions", "metrics"):
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
            conn.commit()
            conn.autocommit = True
            conn.execute("ANALYZE")
        finally:
            raw.close()
            engine.dispose()
        return Counts(*counts, time.perf_counter() - started)

    def _write(self, conn: Any) -> tuple[int, int, int, int, int]:
        rng = self.rng
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY portals (id, slug, name, region, agency, last_crawl_at, last_crawl_outcome) FROM STDIN"
            ) as copy,
        ):
            for p in self.portals:
                copy.write_row((p.id, p.slug, p.name, p.region, p.name, BUILD_EPOCH, "ok"))
        weights = [p.weight for p in self.portals]
        reports: list[tuple[Any, ...]] = []
        pending: list[tuple[int, Portal, int, int, str | None, int | None, int | None, date, str]] = []
        for rid in range(1, self.n + 1):
            portal = rng.choices(self.portals, weights)[0]
            period, p_from, p_to, published, said = _period(rng)
            title = rng.choice(TITLES).format(p=portal.name, t=said)
            stored = 0 if rng.random() < 0.02 else rng.choices((1, 2, 3), (0.68, 0.25, 0.07))[0]
            seen = BUILD_EPOCH - timedelta(days=rng.randint(0, 30))
            dated = published if rng.random() > 0.03 else None
            url = f"https://www.{portal.slug}.gov.cn/zwgk/{published.year}/{rid:06d}.html"
            fetched = datetime.combine(published, datetime.min.time(), UTC) + timedelta(days=rng.randint(0, 20))
            reports.append((rid, portal.id, url, title, dated, fetched, seen, fetched, stored))
            for number in range(1, stored + 1):
                pending.append((rid, portal, number, stored, period, p_from, p_to, published, title))
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY reports (id, portal_id, url, title, published_at, first_seen_at, last_seen_at, last_fetched_at,"
                " current_version) FROM STDIN"
            ) as copy,
        ):
            for row in reports:
                copy.write_row(row)
        # The crawler stores first versions as it finds them (portals interleaved), edits later.
        first = [v for v in pending if v[2] == 1]
        rng.shuffle(first)
        order = first + sorted((v for v in pending if v[2] > 1), key=lambda v: v[2])
        metric_id = 0
        current_metrics = 0
        versions: list[tuple[Any, ...]] = []
        metrics: list[tuple[Any, ...]] = []
        for vid, (rid, portal, number, last, period, p_from, p_to, published, title) in enumerate(order, 1):
            subset = self.subsets[portal.id]
            chosen = [self.pool[i] for i in sorted(rng.sample(subset, k=min(len(subset), rng.randint(40, 60))))]
            text, starts = self.version_text(portal, title, chosen)
            made = datetime.combine(published, datetime.min.time(), UTC) + timedelta(days=30 * number)
            warnings = json.dumps(["mostly link text"]) if rng.random() < 0.03 else None
            sha = hashlib.sha256(f"{rid}/{number}/{text}".encode()).hexdigest()
            html = zlib.compress(f"<html><body><h1>{title}</h1><p>{text}</p></body></html>".encode())
            row = (vid, rid, number, sha, title, html, text, made, made, EXTRACTOR_VERSION, warnings, period)
            versions.append((*row, p_from, p_to, "fetch", "2.0.0"))
            sets: list[tuple[str, datetime | None]] = [(EXTRACTOR_VERSION, None)]
            if rng.random() < 0.1:  # re-extracted: the older extractor's set stays, superseded
                sets.insert(0, (OLD_EXTRACTOR, made + timedelta(days=3)))
            for extractor, superseded in sets:
                for seq, (pm, at) in enumerate(zip(chosen, starts, strict=True)):
                    m = pm.metric
                    name = _localised(m.name, portal.place)
                    metric_id += 1
                    start = at + pm.value_offset
                    value = _value(m.value, m.unit, rng)
                    evidence = _localised(m.evidence, portal.place)
                    head = (metric_id, vid, seq, name, self.key(name), value, m.unit, m.qualifier, m.target, evidence)
                    metrics.append((*head, start, start + (m.end - m.start), m.confidence, extractor, superseded))
                if superseded is None and number == last:
                    current_metrics += len(chosen)
            if len(versions) >= _COPY_BATCH or vid == len(order):
                _copy(conn, VERSION_COLUMNS, versions)  # one COPY at a time on a connection
                _copy(conn, METRIC_COLUMNS, metrics)
                versions.clear()
                metrics.clear()
        return len(self.portals), len(reports), len(order), metric_id, current_metrics


def admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def unreachable(url: str) -> str | None:
    """Why PostgreSQL at `url` cannot be used, or None."""
    try:
        engine = sa.create_engine(admin_url(url), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.SQLAlchemyError as exc:
        return f"{urlsplit(url.replace('+psycopg', ''))._replace(path='').geturl()}: {str(exc).splitlines()[0]}"
    return None


def create_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(admin_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(admin_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def served(url: str, token: str, processes: int = 1) -> Iterator[str]:
    """The app over `url` in a uvicorn process of its own (`processes` > 1: uvicorn's workers); yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "GOVREPORTS_DATABASE_URL": url,
        "GOVREPORTS_API_TOKEN": token,
        "GOVREPORTS_API_PUBLIC": "false",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "workers.web.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
        "--workers", str(processes),
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:  # the server's stderr, shown when it fails to start
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        try:
            yield _started(process, log, f"http://127.0.0.1:{port}")
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _started(process: subprocess.Popen[bytes], log: IO[bytes], base: str) -> str:
    """`base` once the server answers /health; its stderr in the error when it exits or hangs instead."""
    deadline = time.monotonic() + 30
    while process.poll() is None:
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not answer /health within 30 s")
        time.sleep(0.1)
    log.seek(0)
    raise RuntimeError(f"uvicorn exited: {log.read().decode(errors='replace')}")


# --- the load ------------------------------------------------------------------------------------

Request = tuple[str, dict[str, Any]]
KINDS = (
    "metrics: region + year",
    "metrics: name",
    "series: indicator + region",
    "series: indicator",
    "reports list",
)


def workload(pool: Sequence[PoolMetric], requests: int, seed: int) -> dict[str, list[Request]]:
    """`requests` requests of each kind, parameters drawn from the places, years and the pool's names."""
    rng = random.Random(seed)
    places = [name[:2] for _, city, district, _ in PLACES for name in (city, district)]
    keys = sorted({canonical(pm.metric.name) for pm in pool})
    fragments = sorted({k[i : i + n] for k in keys for n in (3, 4) for i in range(0, max(1, len(k) - n + 1), 2)})
    slugs = [p.slug for p in portals()]
    out: dict[str, list[Request]] = {kind: [] for kind in KINDS}
    for _ in range(requests):
        year = rng.choice(YEARS)
        out[KINDS[0]].append(("/api/metrics", {"region": rng.choice(places), "year": year, "limit": 100}))
        out[KINDS[1]].append(("/api/metrics", {"name": rng.choice(fragments), "limit": 100}))
        out[KINDS[2]].append(("/api/series", {"indicator": rng.choice(keys), "region": rng.choice(places)}))
        out[KINDS[3]].append(("/api/series", {"indicator": rng.choice(keys)}))
        listing: dict[str, Any] = rng.choice(
            ({}, {"region": rng.choice(places)}, {"portal": rng.choice(slugs)}, {"year": year},
             {"region": rng.choice(places), "year": year}, {"q": "报告"})
        )  # fmt: skip
        out[KINDS[4]].append(("/api/reports", {**listing, "limit": 50}))
    return out


@dataclass(frozen=True)
class Result:
    kind: str
    requests: int
    failed: int
    seconds: float
    latencies_ms: list[float]
    rows: float  # items (or series points) an answer carried, on average

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _rows(body: Any) -> int:
    if isinstance(body, dict):
        return len(body.get("items") or body.get("points") or [])
    return 0


def with_second_pages(base: str, headers: dict[str, str], requests: list[Request]) -> list[Request]:
    """Half of the list requests ask for the page after the first (its cursor read now, untimed)."""
    out = []
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for i, (path, params) in enumerate(requests):
            if path != "/api/series" and i % 2:
                cursor = client.get(path, params=params).json().get("next_cursor")
                if cursor:
                    params = {**params, "cursor": cursor}
            out.append((path, params))
    return out


def run_kind(base: str, headers: dict[str, str], kind: str, requests: list[Request], clients: int) -> Result:
    """The requests sent by `clients` threads, each on its own keep-alive connection.

    A thread only sends and reads: the answers are parsed after the clock stops, so that one
    thread's JSON decoding (the client's GIL) is not counted in another's latency.
    """
    local = threading.local()
    latencies: list[float] = []
    answers: list[httpx.Response] = []
    clients_made: list[httpx.Client] = []

    def one(request: Request) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, headers=headers, timeout=60)
            clients_made.append(client)
        path, params = request
        started = time.perf_counter()
        response = client.get(path, params=params)
        latencies.append((time.perf_counter() - started) * 1000)  # list.append is atomic
        answers.append(response)

    with ThreadPoolExecutor(clients) as executor:
        list(executor.map(one, requests[: max(2, clients)]))  # warm-up: connections, plans, caches
        latencies.clear()
        answers.clear()
        started = time.perf_counter()
        list(executor.map(one, requests))
        seconds = time.perf_counter() - started
    for made in clients_made:
        made.close()
    rows = [_rows(a.json()) for a in answers if a.status_code == 200]
    failed = sum(a.status_code != 200 for a in answers)
    return Result(kind, len(requests), failed, seconds, latencies, statistics.fmean(rows) if rows else 0.0)


def measure(url: str, work: dict[str, list[Request]], clients: int, processes: int = 1) -> list[Result]:
    token = hashlib.sha256(os.urandom(16)).hexdigest()[:32]
    headers = {"Authorization": f"Bearer {token}"}
    with served(url, token, processes) as base:
        return [
            run_kind(base, headers, kind, with_second_pages(base, headers, reqs), clients)
            for kind, reqs in work.items()
        ]


# --- EXPLAIN -------------------------------------------------------------------------------------


def explain(url: str, work: dict[str, list[Request]], console: Console) -> None:
    """EXPLAIN ANALYZE of the first request of each kind: the statement the app's query layer runs for it."""
    from pipelines.store import browse
    from pipelines.store.queries import MetricFilter
    from workers.web.api import SERIES_CANDIDATES

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for kind, requests in work.items():
            path, p = requests[0]
            recorder = Recorder()
            if path == "/api/reports":
                f = browse.ReportFilter(p.get("portal"), p.get("region"), p.get("year"), p.get("q"))
                browse.report_page(recorder, f, limit=p["limit"])  # type: ignore[arg-type]
            elif path == "/api/metrics":
                mf = MetricFilter(region=p.get("region"), year=p.get("year"), name_contains=p.get("name"))
                browse.metric_page(recorder, mf, limit=p["limit"])  # type: ignore[arg-type]
            else:
                mf = MetricFilter(indicator=p["indicator"], region=p.get("region"))
                browse.metric_hits(recorder, mf, limit=SERIES_CANDIDATES + 1)  # type: ignore[arg-type]
            compiled = recorder.statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
            # No parameters: the driver then reads %% (how the statement escapes %) as %.
            plan = [row[0] for row in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), ()).all()]
            console.print(f"[bold]{kind}[/bold]  {p}")
            console.print("\n".join(plan), highlight=False, markup=False, soft_wrap=True)
    engine.dispose()


class Recorder:
    """A stand-in session that keeps the statement a query function runs and answers no rows."""

    statement: Any = None

    def execute(self, statement: Any) -> Recorder:
        self.statement = statement
        return self

    def tuples(self) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


# --- main ----------------------------------------------------------------------------------------


def table_of(results: Sequence[tuple[str, Result]], title: str) -> Table:
    table = Table(title=title)
    for column in (
        "schema",
        "query",
        "requests",
        "failed",
        "rows/answer",
        "requests/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "p95 target",
    ):
        table.add_column(column, justify="left" if column in ("schema", "query") else "right")
    for schema, r in results:
        p95 = r.percentile(95)
        table.add_row(
            schema, r.kind, f"{r.requests}", f"{r.failed}", f"{r.rows:.0f}", f"{r.rate:.0f}", f"{r.percentile(50):.1f}",
            f"{p95:.1f}", f"{r.percentile(99):.1f}", "ok" if p95 <= TARGET_P95_MS and not r.failed else "MISSED",
        )  # fmt: skip
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200, help="requests of each query kind")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--database", default=POSTGRES, help="PostgreSQL URL (the database is created and dropped)")
    parser.add_argument(
        "--compare", action="store_true", help=f"first without the API indexes (schema {WITHOUT_INDEXES})"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE one request of each kind")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left, as it is")
    parser.add_argument("--processes", type=int, default=1, help="uvicorn worker processes (govreports serve: 1)")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 150)  # the table whole when piped to a file
    why = unreachable(args.database)
    if why:
        console.print(
            f"skipped: PostgreSQL is not reachable ({why}); set GOVREPORTS_BENCH_API_POSTGRES_URL or --database"
        )
        return 0
    url = args.database
    if not args.reuse:
        create_database(url)
    try:
        if args.reuse:
            counts = count_rows(url)
        else:
            migrate.upgrade(url, WITHOUT_INDEXES if args.compare else "head")
            counts = Builder(args.reports, args.seed).build(url)
        console.print(
            f"database: {counts.portals} portals, {counts.reports:,} reports, {counts.versions:,} versions, "
            f"{counts.metrics:,} metrics ({counts.current_metrics:,} current), built in {counts.seconds:.1f} s"
        )
        work = workload(metric_pool(), args.requests, args.seed)
        results: list[tuple[str, Result]] = []
        if args.compare:
            if args.explain:
                explain(url, work, console)
            results += [(f"{WITHOUT_INDEXES} (without)", r) for r in measure(url, work, args.clients, args.processes)]
            started = time.perf_counter()
            migrate.upgrade(url, "head")
            _analyze(url)
            console.print(f"migrated to head (the API indexes) in {time.perf_counter() - started:.1f} s")
        if args.explain:
            explain(url, work, console)
        schema = migrate.current_revision(url) or "?"
        label = f"{schema} (with)" if args.compare else schema
        results += [(label, r) for r in measure(url, work, args.clients, args.processes)]
        server = f"uvicorn ({args.processes} process{'es' if args.processes > 1 else ''})"
        console.print(
            table_of(results, f"read API on PostgreSQL: {counts.reports:,} reports, {args.clients} clients, {server}")
        )
        missed = [r.kind for s, r in results if s == label and (r.percentile(95) > TARGET_P95_MS or r.failed)]
        console.print(
            f"target p95 ≤ {TARGET_P95_MS:.0f} ms: " + ("ok" if not missed else "MISSED by " + ", ".join(missed))
        )
    finally:
        if not (args.keep or args.reuse):
            drop_database(url)
    return 0


def count_rows(url: str) -> Counts:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = [
            conn.scalar(sa.text(f"SELECT count(*) FROM {t}")) or 0
            for t in ("portals", "reports", "report_versions", "metrics")
        ]
        current = conn.scalar(
            sa.text(
                "SELECT count(*) FROM metrics m JOIN report_versions v ON m.version_id = v.id"
                " JOIN reports r ON v.report_id = r.id WHERE m.superseded_at IS NULL AND v.version = r.current_version"
            )
        )
    engine.dispose()
    return Counts(n[0], n[1], n[2], n[3], current or 0, 0.0)


def _analyze(url: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
