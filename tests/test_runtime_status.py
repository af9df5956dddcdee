"""`govreports status`: queues, workers, the last crawl of each portal and the day's failures."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from rich.console import Console
from sqlalchemy import select

from pipelines.store.models import Report
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.runtime_processes import Process, celery_worker, redis_db, script, wait_until
from workers.config import Settings
from workers.failures import PENDING_KEY
from workers.failures import Failure as KeptFailure
from workers.ingest import run_in_process
from workers.status import gather


def run_status(env_updates: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GOVREPORTS_BROKER_URL", "GOVREPORTS_REDIS_URL")}
    return subprocess.run(
        [script("govreports"), "status"],
        capture_output=True,
        text=True,
        env={**env, **env_updates},
        cwd=cwd,
        timeout=60,
    )


@pytest.fixture
def crawled(make_runtime: RuntimeFactory, sqlite_url: str, demo_server: DemoServer, demo_site: DemoSite) -> str:
    """A SQLite store holding one in-process crawl of both demo portals, one report answering 404."""
    portal = demo_site.portals["hy"]
    demo_site.fail(portal.article_path(portal.articles[-1]), "404")
    rt = make_runtime(sqlite_url, demo_server.base_url)
    run_in_process(rt, ["demo-yangjiang", "demo-heyuan"], Console(file=io.StringIO()))
    return sqlite_url


def test_status_without_a_broker_says_so_and_still_shows_each_portals_last_crawl(crawled: str, tmp_path: Path) -> None:
    run = run_status({"GOVREPORTS_DATABASE_URL": crawled}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert "no broker configured" in run.stdout
    for slug in ("demo-yangjiang", "demo-heyuan"):
        assert slug in run.stdout
    assert "links," in run.stdout  # the outcome the crawl recorded
    assert "reports waiting: 0 listed, not fetched yet; 0 fetched, not processed yet" in run.stdout


def test_status_counts_the_failures_of_the_last_24_hours_per_portal(crawled: str) -> None:
    state = gather(Settings(database_url=crawled, broker_url=None))
    assert len(state.failures) == 1
    assert state.failures_by_portal == {"demo-heyuan": 1}
    assert "HTTPStatusFailure" in state.failures[0].error


@pytest.mark.redis
def test_status_counts_the_messages_waiting_in_each_queue(sqlite_url: str) -> None:
    broker = redis_db(10)
    app = Celery(broker=broker, set_as_current=False)
    for _ in range(2):
        app.send_task("govreports.crawl_portal", args=["demo-heyuan"], queue="crawl")
    app.send_task("govreports.process_report", args=[1], queue="process")
    app.close()
    state = gather(Settings(database_url=sqlite_url, broker_url=broker), timeout=0.5)
    assert state.broker_problem is None
    assert state.queues == {"crawl": 2, "process": 1}
    assert state.unacknowledged == 0
    assert state.workers == []


def test_status_with_an_unreachable_broker_says_so_shows_the_database_and_exits_non_zero(
    sqlite_url: str, tmp_path: Path
) -> None:
    run = run_status(
        {"GOVREPORTS_DATABASE_URL": sqlite_url, "GOVREPORTS_BROKER_URL": "redis://127.0.0.1:9/10"}, tmp_path
    )
    assert run.returncode == 1
    assert "broker unreachable at redis://127.0.0.1:9/10" in run.stdout
    assert "failures in the last 24 h: 0" in run.stdout


def test_status_with_an_unreachable_database_says_so_and_exits_non_zero(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:9/nothing"
    run = run_status({"GOVREPORTS_DATABASE_URL": url}, tmp_path)
    assert run.returncode == 1
    assert "database unavailable" in run.stdout


@pytest.fixture
def worker(tmp_path: Path, sqlite_url: str) -> Iterator[tuple[str, Process]]:
    broker = redis_db(10)
    env = {**os.environ, "GOVREPORTS_BROKER_URL": broker, "GOVREPORTS_DATABASE_URL": sqlite_url}
    process = celery_worker(env, tmp_path / "worker.log", name="statuswatched")
    yield broker, process
    process.stop()


@pytest.mark.slow
@pytest.mark.redis
def test_status_names_the_workers_answering_a_ping(worker: tuple[str, Process], sqlite_url: str) -> None:
    broker, process = worker
    settings = Settings(database_url=sqlite_url, broker_url=broker)
    assert wait_until(lambda: gather(settings, timeout=0.5).workers, 60, every=0.5), process.output()[-3000:]
    assert [name.split("@")[0] for name in gather(settings).workers] == ["statuswatched"]


def test_status_counts_the_reports_still_waiting_to_be_fetched_or_processed(
    make_runtime: RuntimeFactory, sqlite_url: str, demo_server: DemoServer
) -> None:
    from workers import steps, tasks

    rt = make_runtime(sqlite_url, demo_server.base_url)
    tasks.crawl_portal.apply(args=("demo-heyuan",), kwargs={"follow": False})  # listed, none fetched
    with rt.sessions() as session:
        reports = session.scalars(select(Report).order_by(Report.id)).all()
    steps.fetch(rt, reports[0], rt.registry.get("demo-heyuan"))  # fetched, not processed
    state = gather(Settings(database_url=sqlite_url, broker_url=None))
    assert (state.unfetched, state.unprocessed) == (len(reports) - 1, 1)


def test_status_after_a_whole_crawl_owes_nothing(crawled: str) -> None:
    state = gather(Settings(database_url=crawled, broker_url=None))
    assert (state.unfetched, state.unprocessed) == (0, 0)  # the report answering 404 failed for good


@pytest.mark.redis
def test_status_counts_the_failures_waiting_in_redis_for_the_database(sqlite_url: str, tmp_path: Path) -> None:
    url = redis_db(11)
    client = redis.Redis.from_url(url)
    for n in (1, 2):
        client.lpush(PENDING_KEY, KeptFailure(url=f"https://a.example/{n}", kind="fetch", error="x").to_json())
    client.close()

    assert gather(Settings(database_url=sqlite_url, broker_url=None, redis_url=url)).failures_kept == 2
    run = run_status({"GOVREPORTS_DATABASE_URL": sqlite_url, "GOVREPORTS_REDIS_URL": url}, tmp_path)
    assert "waiting in Redis to be written: 2" in run.stdout, run.stdout


def test_status_without_a_cluster_redis_has_no_kept_failures_to_count(sqlite_url: str) -> None:
    assert gather(Settings(database_url=sqlite_url, broker_url=None, redis_url=None)).failures_kept is None
