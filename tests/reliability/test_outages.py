"""Broker and database outages during ingestion: workers ride them out, nothing lost or doubled."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from seeds.demo import DemoSite
from tests.reliability.conftest import (
    WorkerFactory,
    ingest_census,
    scalar,
    send,
    sweep_when_idle,
    wait_for_versions,
    wait_idle,
)
from tests.reliability.servers import PrivatePostgres, PrivateRedis, wait_until

LARGE = 500


@pytest.fixture
def site() -> DemoSite:
    from seeds.demo import build_demo_site

    return build_demo_site(extra_reports=LARGE - 3)


def _versions(store: str) -> int:
    try:
        return int(scalar(store, "SELECT count(*) FROM report_versions"))
    except Exception:
        return -1


@pytest.mark.timeout(600)
def test_redis_restarted_during_a_crawl_of_500_reports_loses_nothing(
    start_worker: WorkerFactory,
    broker: str,
    store: str,
    site: DemoSite,
    private_redis: PrivateRedis,
    reliability_result: Any,
) -> None:
    workers = [start_worker(concurrency=2), start_worker(concurrency=1)]
    for slug in ("demo-yangjiang", "demo-heyuan"):
        send(broker, "govreports.crawl_portal", slug)
    wait_until(lambda: _versions(store) >= 50, 120, "50 versions before the restart")
    private_redis.stop()
    time.sleep(3)
    private_redis.start()
    expected = len(site.all_articles())
    # kombu 5.7 can end a worker on the reconnect ("Unrecoverable error: … 'hostname'": the consumer
    # closes a channel whose connection collect() already dropped); production runs workers under a
    # supervisor (compose restart: unless-stopped), and so does this test. Right after the reconnect
    # kombu may also publish on a closed channel (AttributeError): workers/tasks.py runs such a task
    # again instead of letting Celery drop it (see test_a_next_step_that_cannot_be_queued_…).
    lost_by_broker = sweep_when_idle(broker, store, expected, workers)
    wait_for_versions(store, expected, workers, seconds=300, supervised=True)
    # Tasks whose ack was lost with the old connection come back after the visibility timeout
    # (30 s here) and must leave nothing behind when they run again.
    wait_idle(broker, seconds=180)
    census = ingest_census(store)
    reliability_result(
        "Redis restarted during a crawl",
        "redis-server stopped 3 s after 50 of 500 versions, then started; workers restarted by the supervisor: "
        f"{sum(w.restarts for w in workers)}; reports sent again by the sweep, their message lost in the restart: "
        f"{lost_by_broker}",
        1,
        expected,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        census["lost"],
    )
    assert (census["reports"], census["versions"], census["duplicated"], census["lost"]) == (expected, expected, 0, 0)


def test_postgresql_stopped_for_20_seconds_during_processing_loses_nothing(
    start_worker: WorkerFactory,
    broker: str,
    store: str,
    site: DemoSite,
    private_pg: PrivatePostgres,
    reliability_result: Any,
) -> None:
    workers = [start_worker(concurrency=2)]
    for slug in ("demo-yangjiang", "demo-heyuan"):
        send(broker, "govreports.crawl_portal", slug)
    wait_until(lambda: _versions(store) >= 30, 120, "30 versions before the outage")
    private_pg.stop()
    outage = threading.Timer(20, private_pg.start)
    outage.start()
    outage.join()
    expected = len(site.all_articles())
    wait_for_versions(store, expected, workers, seconds=300)
    wait_idle(broker)
    census = ingest_census(store)
    retries = int(scalar(store, "SELECT count(*) FROM fetch_events WHERE outcome = 'retrying'"))
    gave_up = int(scalar(store, "SELECT count(*) FROM fetch_events WHERE outcome = 'failed'"))
    reliability_result(
        "PostgreSQL stopped for 20 s during processing",
        "pg_ctl stop after 30 of 500 versions, start 20 s later",
        1,
        expected,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        census["lost"],
    )
    assert (census["reports"], census["versions"], census["duplicated"], census["lost"]) == (expected, expected, 0, 0)
    assert retries > 0, "the failures table shows the retries"
    assert gave_up == 0, "no task gave up early"
