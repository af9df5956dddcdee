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
    time.sleep(1.0)  # nothing more arrives: no duplicate versions from redeliveries
    assert _versions(postgres_url) == expected
    client.close()
