"""Fault-injection harness: private Redis/PostgreSQL, real worker processes, the demo portal.

Results of each fault test are collected into docs/reliability.md (see `report.py`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
import yaml

from pipelines.store import migrate
from seeds.demo import DemoServer, DemoSite, build_demo_site, serve
from tests.reliability.report import RESULTS
from tests.reliability.servers import PrivatePostgres, PrivateRedis, wait_until
from workers.status import UNACKED, queue_lengths


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "reliability" in str(item.fspath):
            item.add_marker(pytest.mark.reliability)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    try:
        server = PrivatePostgres()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        pytest.fail(f"cannot create a private PostgreSQL cluster: {exc}")
    server.start()
    yield server
    server.close()


@pytest.fixture
def broker(private_redis: PrivateRedis) -> str:
    if private_redis.process is None:
        private_redis.start()
    client = redis.Redis.from_url(private_redis.url)
    client.flushall()
    client.close()
    return private_redis.url


@pytest.fixture
def store(private_pg: PrivatePostgres) -> str:
    """The private cluster, its schema dropped and migrated to head."""
    if not private_pg_running(private_pg):
        private_pg.start()
    engine = sa.create_engine(private_pg.url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(private_pg.url)
    return private_pg.url


def private_pg_running(pg: PrivatePostgres) -> bool:
    from tests.reliability.servers import port_open

    return port_open(pg.port)


@pytest.fixture
def site() -> DemoSite:
    return build_demo_site()


@pytest.fixture
def demo(site: DemoSite) -> Iterator[DemoServer]:
    with serve(site) as server:
        yield server


def write_registry(path: Path, max_list_pages: int = 50) -> Path:
    """The demo portals with room for large sites."""
    from scrapers.registry import default_registry_path

    data = yaml.safe_load(default_registry_path().read_text(encoding="utf-8"))
    portals = [p for p in data["portals"] if str(p["seeds"][0]).startswith("{demo}")]
    for portal in portals:
        portal["max_list_pages"] = max_list_pages
    path.write_text(yaml.safe_dump({"portals": portals}, allow_unicode=True), encoding="utf-8")
    return path


class Worker:
    """One `celery worker` process (its pool children included), killable at will."""

    def __init__(
        self, env: dict[str, str], log: Path, concurrency: int, name: str | None = None, queues: str = "crawl,process"
    ) -> None:
        self.log_path = log
        self._log = log.open("ab")
        self.env = env
        self._concurrency = concurrency
        self.name = name  # the node name is name@<host> (`-n`); unset: Celery's default celery@<host>
        self._queues = queues
        self.restarts = 0
        self.exit_codes: list[int] = []  # of each exit the supervisor saw
        self.process = self._spawn()

    def restart_if_dead(self) -> bool:
        """Start the worker again if it exited, as its supervisor (compose `restart:`) would."""
        code = self.process.poll()
        if code is None:
            return False
        self.exit_codes.append(code)
        self.process = self._spawn()
        self.restarts += 1
        return True

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.reliability.stall_app",
                "worker",
                "-Q",
                self._queues,
                "-c",
                str(self._concurrency),
                *(["-n", f"{self.name}@%h"] if self.name else []),
                "--without-gossip",
                "--without-mingle",
                "-l",
                "warning",
            ],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill9(self) -> None:
        """SIGKILL the worker and all its pool processes at once."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


WorkerFactory = Callable[..., Worker]


@pytest.fixture
def start_worker(tmp_path: Path, broker: str, store: str, demo: DemoServer) -> Iterator[WorkerFactory]:
    started: list[Worker] = []
    registry = write_registry(tmp_path / "portals.yaml")

    def start(concurrency: int = 2, name: str | None = None, queues: str = "crawl,process", **env: str) -> Worker:
        full_env = {
            **os.environ,
            "GOVREPORTS_BROKER_URL": broker,
            "GOVREPORTS_DATABASE_URL": store,
            "GOVREPORTS_DEMO_BASE_URL": demo.base_url,
            "GOVREPORTS_REGISTRY_PATH": str(registry),
            "GOVREPORTS_REQUESTS_PER_SECOND": "1000",
            "GOVREPORTS_READ_TIMEOUT": "1",
            "GOVREPORTS_CONNECT_TIMEOUT": "1",
            "GOVREPORTS_RETRY_BACKOFF_MAX": "4",
            "GOVREPORTS_MAX_RETRIES": "12",
            "GOVREPORTS_TASK_TIME_LIMIT": "15",
            "GOVREPORTS_VISIBILITY_TIMEOUT": "30",
            "GOVREPORTS_TEST_STALL_MARK": str(tmp_path / "stall.mark"),
            **env,
        }
        worker = Worker(full_env, tmp_path / f"worker-{len(started)}.log", concurrency, name, queues)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def send(broker: str, task: str, *args: Any, queue: str = "crawl", **kwargs: Any) -> None:
    from celery import Celery

    client = Celery(broker=broker)
    client.send_task(task, args=list(args), kwargs=kwargs, queue=queue)
    client.close()


def scalar(url: str, sql: str) -> Any:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text(sql))
    finally:
        engine.dispose()


def wait_for_versions(
    url: str, expected: int, workers: list[Worker], seconds: float = 180, *, supervised: bool = False
) -> None:
    """Until `expected` versions are stored; a worker that dies fails the test unless `supervised`."""

    def done() -> bool:
        for w in workers:
            if supervised:
                w.restart_if_dead()
            else:
                assert w.process.poll() is None, w.tail()
        try:
            return bool(scalar(url, "SELECT count(*) FROM report_versions") >= expected)
        except sa.exc.OperationalError:
            return False

    try:
        wait_until(done, seconds, f"{expected} versions")
    except TimeoutError as exc:
        # a stall is rare and seen once in many runs: say where it stopped and what each worker last logged
        stored = scalar(url, "SELECT count(*) FROM report_versions")
        logs = "\n".join(f"--- worker {i} (restarts {w.restarts}):\n{w.tail()[-1500:]}" for i, w in enumerate(workers))
        raise TimeoutError(f"{exc}: {stored} of {expected} stored; {_stalled_at(url, workers)}\n{logs}") from exc


def _stalled_at(url: str, workers: list[Worker]) -> str:
    """Where the reports not stored wait: never fetched, or fetched and not processed; and what the
    broker still holds (queued, unacknowledged)."""
    never = scalar(url, "SELECT count(*) FROM reports WHERE last_fetched_at IS NULL")
    unprocessed = scalar(url, "SELECT count(*) FROM reports WHERE last_fetched_at IS NOT NULL AND current_version = 0")
    broker = workers[0].env["GOVREPORTS_BROKER_URL"] if workers else ""
    held = "broker not read"
    if broker:
        client = redis.Redis.from_url(broker)
        try:
            queued, unacknowledged = _held(client)
            held = f"queued {queued}, unacknowledged {unacknowledged}"
        except redis.RedisError as error:
            held = f"broker not read: {error}"
        finally:
            client.close()
    return f"reports never fetched {never}, fetched and not processed {unprocessed}; {held}"


def wait_idle(broker: str, seconds: float = 60, *, workers: Sequence[Worker] = ()) -> None:
    """Until no task is queued or unacknowledged (in flight) on the broker; `workers` that die on
    the way are started again, as their supervisor would."""
    client = redis.Redis.from_url(broker)

    def idle() -> bool:
        for w in workers:
            w.restart_if_dead()
        queued, unacknowledged = _held(client)
        return sum(queued.values()) == 0 and unacknowledged == 0

    try:
        time.sleep(1.0)
        wait_until(idle, seconds, "an idle broker")
    finally:
        client.close()


def _held(client: redis.Redis) -> tuple[dict[str, int], int]:
    """What the broker holds, as `govreports status` reads it: messages queued, by queue, and delivered
    but not yet acknowledged."""
    return queue_lengths(client), int(client.hlen(UNACKED))


def sweep_when_idle(broker: str, store: str, expected: int, workers: Sequence[Worker]) -> int:
    """Once the broker is idle, run beat's sweep as its next run would, and say how many reports were
    not stored by then: their message was lost in a broker restart (kombu's Redis transport pops a
    message before noting it unacknowledged), and the sweep sends them again."""
    wait_idle(broker, seconds=240, workers=workers)
    missing = expected - int(scalar(store, "SELECT count(*) FROM report_versions"))
    send(broker, "govreports.resend_stuck", queue="process", older_than_minutes=0)
    return missing


def ingest_census(url: str) -> dict[str, int]:
    """Reports, versions, reports with more than one version, reports with none."""
    return {
        "reports": int(scalar(url, "SELECT count(*) FROM reports")),
        "versions": int(scalar(url, "SELECT count(*) FROM report_versions")),
        "duplicated": int(
            scalar(
                url,
                "SELECT count(*) FROM (SELECT report_id FROM report_versions GROUP BY report_id HAVING count(*) > 1) d",
            )
        ),
        "lost": int(scalar(url, "SELECT count(*) FROM reports WHERE current_version = 0")),
        "versions_without_metrics": int(
            scalar(
                url,
                "SELECT count(*) FROM report_versions v WHERE NOT EXISTS "
                "(SELECT 1 FROM metrics m WHERE m.version_id = v.id)",
            )
        ),
    }


@pytest.fixture
def reliability_result(request: pytest.FixtureRequest) -> Callable[..., None]:
    """Record one row of docs/reliability.md."""

    def write(fault: str, injected: str, runs: int, expected: int, ingested: int, duplicated: int, lost: int) -> None:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        row = {
            "test": request.node.name,
            "fault": fault,
            "injected": injected,
            "runs": runs,
            "expected": expected,
            "ingested": ingested,
            "duplicated": duplicated,
            "lost": lost,
        }
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")

    return write
