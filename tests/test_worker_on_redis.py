"""The same tasks on a real `celery worker` process with Redis as broker and PostgreSQL as store."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from sqlalchemy import create_engine, func, select

from pipelines.store.models import ReportVersion
from seeds.demo import DemoServer, DemoSite
from tests.conftest import REDIS_URL, _truncate, require_server
from tests.runtime_processes import Process, celery_worker

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def redis_url() -> str:
    require_server(REDIS_URL, 6379, "Redis")
    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def worker(redis_url: str, postgres_url: str, demo_server: DemoServer, tmp_path: Path) -> Iterator[Process]:
    _truncate(postgres_url)
    env = {
        **os.environ,
        "GOVREPORTS_BROKER_URL": redis_url,
        "GOVREPORTS_DATABASE_URL": postgres_url,
        "GOVREPORTS_DEMO_BASE_URL": demo_server.base_url,
        "GOVREPORTS_REQUESTS_PER_SECOND": "500",
    }
    process = celery_worker(env, tmp_path / "worker.log", name="on-redis", concurrency=2)
    yield process
    process.stop()


def _versions(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(ReportVersion)) or 0
    engine.dispose()
    return n


def _wait_for(url: str, expected: int, worker: Process, seconds: float = 120) -> int:
    deadline = time.monotonic() + seconds
    n = _versions(url)
    while n < expected and time.monotonic() < deadline:
        assert worker.running(), worker.output()[-3000:]
        time.sleep(0.5)
        n = _versions(url)
    return n


def test_demo_crawl_through_a_real_worker_ingests_every_report(
    worker: Process, redis_url: str, postgres_url: str, demo_site: DemoSite
) -> None:
    client = Celery(broker=redis_url)
    for slug in ("demo-yangjiang", "demo-heyuan"):
        client.send_task("govreports.crawl_portal", args=[slug], queue="crawl")
    expected = len(demo_site.all_articles())
    assert _wait_for(postgres_url, expected, worker) == expected
    _wait_until_idle(client, redis_url, worker)  # every message sent has been run: nothing more can arrive
    assert _versions(postgres_url) == expected
    assert _reports_with_more_than_one_version(postgres_url) == 0
    client.close()


def _queued(redis_url: str) -> int:
    client = redis.Redis.from_url(redis_url)
    try:
        return sum(int(client.llen(queue)) for queue in ("crawl", "process"))
    finally:
        client.close()


def _wait_until_idle(client: Celery, redis_url: str, worker: Process, seconds: float = 60) -> None:
    """Until no message is queued and the worker runs, holds or has scheduled none.

    Queues empty, then the worker says it has nothing, then the queues are still empty: a message is
    only ever sent by a task the worker runs, so none can be in flight between the two looks.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert worker.running(), worker.output()[-3000:]
        if _queued(redis_url) == 0:
            inspect = client.control.inspect(timeout=1.0)
            held = [
                task
                for answer in (inspect.active(), inspect.reserved(), inspect.scheduled())
                for tasks in (answer or {"no answer": [None]}).values()
                for task in tasks
            ]
            if not held and _queued(redis_url) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"the worker did not go idle in {seconds:.0f}s")


def _reports_with_more_than_one_version(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        per_report = select(ReportVersion.report_id).group_by(ReportVersion.report_id).having(func.count() > 1)
        n = conn.scalar(select(func.count()).select_from(per_report.subquery())) or 0
    engine.dispose()
    return n
