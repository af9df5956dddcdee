"""Redis restarted three times in a row during a crawl: every report ingested once, every worker back.

Issue 16, part 4. The test is the workers' supervisor, as compose (`restart: unless-stopped`) and
systemd (deploy/govreports-worker@.service, `Restart=always`) are in production: a worker that exits
is started again and counted, and the count goes into docs/reliability.md. A worker that stays up
but stopped consuming would not be restarted by either, so the test ends by asking each worker
(by name, as the compose health check does) to answer `inspect ping` and to run a fresh task sent
to its own queue.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from typing import Any

import pytest

from seeds.demo import DemoSite
from tests.reliability.conftest import (
    Worker,
    WorkerFactory,
    ingest_census,
    scalar,
    send,
    sweep_when_idle,
    wait_for_versions,
    wait_idle,
)
from tests.reliability.servers import PrivateRedis, wait_until

LARGE = 500
RESTARTS = 3
DOWN_SECONDS = 3.0
# Each demo answer is held this long, so the crawl of 500 outlasts the three restarts (two fetches
# in flight per host) and every restart hits workers in the middle of it (asserted below).
ANSWER_DELAY = 0.05


@pytest.fixture
def site() -> DemoSite:
    from seeds.demo import build_demo_site

    demo_site = build_demo_site(extra_reports=LARGE - 3)
    demo_site.answer_delay = ANSWER_DELAY
    return demo_site


def _versions(store: str) -> int:
    try:
        return int(scalar(store, "SELECT count(*) FROM report_versions"))
    except Exception:
        return -1


def _node(worker: Worker) -> str:
    return f"{worker.name}@{socket.gethostname()}"


def _answering(broker: str, workers: list[Worker]) -> bool:
    """Every worker answers a ping (its consumer is connected again); a dead one is restarted first."""
    from celery import Celery

    for w in workers:
        w.restart_if_dead()
    client = Celery(broker=broker)
    try:
        replies = client.control.ping(destination=[_node(w) for w in workers], timeout=1.0)
    except Exception:
        return False
    finally:
        client.close()
    answered = {node for reply in replies for node in reply}
    return answered == {_node(w) for w in workers}


def _cli_ping(worker: Worker) -> subprocess.CompletedProcess[str]:
    """The compose health check's command, for this worker."""
    return subprocess.run(
        [sys.executable, "-m", "celery", "-A", "workers.app", "inspect", "ping", "-d", _node(worker), "-t", "5"],
        env=worker.env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _consumed_fresh_task(broker: str, worker: Worker, seconds: float = 30) -> bool:
    """Send a no-op task to the worker's own queue; True once its stats count it as run."""
    from celery import Celery

    client = Celery(broker=broker)
    try:
        client.send_task("celery.accumulate", args=[1], queue=worker.name)
        node = _node(worker)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            stats = client.control.inspect(destination=[node], timeout=1.0).stats() or {}
            if stats.get(node, {}).get("total", {}).get("celery.accumulate", 0) >= 1:
                return True
            time.sleep(0.5)
        return False
    finally:
        client.close()


@pytest.mark.timeout(600)
def test_redis_restarted_three_times_in_a_row_during_a_crawl_of_500_reports(
    start_worker: WorkerFactory,
    broker: str,
    store: str,
    site: DemoSite,
    private_redis: PrivateRedis,
    reliability_result: Any,
) -> None:
    started = time.monotonic()
    workers = [
        start_worker(concurrency=2, name="w0", queues="crawl,process,w0"),
        start_worker(concurrency=1, name="w1", queues="crawl,process,w1"),
    ]
    wait_until(lambda: _answering(broker, workers), 60, "the workers up")
    for slug in ("demo-yangjiang", "demo-heyuan"):
        send(broker, "govreports.crawl_portal", slug)
    expected = len(site.all_articles())
    wait_until(lambda: _versions(store) >= 50, 120, "50 versions before the first restart")
    at_stop: list[int] = []
    for _ in range(RESTARTS):
        at_stop.append(_versions(store))
        private_redis.stop()
        time.sleep(DOWN_SECONDS)
        private_redis.start()
        # The next restart comes as soon as every worker is connected again: in a row, as in
        # celery#8030 ("loses connection with the broker several times within 2-3 seconds").
        wait_until(lambda: _answering(broker, workers), 90, "every worker answering after the restart")
    assert at_stop[-1] < expected, f"the crawl ended before the last restart ({at_stop}): nothing was tested"

    lost_by_broker = sweep_when_idle(broker, store, expected, workers)
    wait_for_versions(store, expected, workers, seconds=180, supervised=True)
    # Tasks whose ack was lost with an old connection come back after the visibility timeout
    # (30 s here) and must leave nothing behind when they run again.
    wait_idle(broker, seconds=180)
    for w in workers:
        w.restart_if_dead()

    # Every worker consuming afterwards: the compose health check answers, and a fresh task sent
    # to the worker's own queue is run by it.
    pings = {w.name: _cli_ping(w) for w in workers}
    consumed = {w.name: _consumed_fresh_task(broker, w) for w in workers}
    for w in workers:
        w.restart_if_dead()
    census = ingest_census(store)
    restarts = sum(w.restarts for w in workers)
    codes = sorted(code for w in workers for code in w.exit_codes)
    answering = sum(1 for p in pings.values() if p.returncode == 0)
    consuming = sum(consumed.values())
    reliability_result(
        "Redis restarted three times in a row during a crawl",
        f"redis-server stopped for {DOWN_SECONDS:.0f} s and started, {RESTARTS} times, each as soon as every worker "
        f"answered again (at {', '.join(map(str, at_stop))} of {expected} versions); workers restarted by the "
        f"supervisor: {restarts}{f' (exit codes {codes})' if codes else ''}; afterwards {answering} of "
        f"{len(workers)} workers answered `inspect ping` and {consuming} of {len(workers)} ran a fresh task; "
        f"reports sent again by the sweep, their message lost in a restart: {lost_by_broker} "
        f"({time.monotonic() - started:.0f} s)",
        1,
        expected,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        census["lost"],
    )
    assert (census["reports"], census["versions"], census["duplicated"], census["lost"]) == (expected, expected, 0, 0)
    for w in workers:
        assert pings[w.name].returncode == 0, f"{w.name}: {pings[w.name].stdout}{pings[w.name].stderr}\n{w.tail()}"
        assert consumed[w.name], f"{w.name} did not run a fresh task after the restarts\n{w.tail()}"
