"""kill -9 of the process running a processing task (a batch of fetched pages, process_pages):
redelivered, exactly one version a report with its metrics."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from seeds.demo import DemoSite
from tests.reliability.conftest import WorkerFactory, ingest_census, send, wait_for_versions, wait_idle
from tests.reliability.servers import wait_until


@pytest.mark.parametrize(
    ("stage", "label"),
    [("prerun", "before it wrote anything"), ("postrun", "after it committed the version, before the ack")],
)
def test_a_worker_killed_mid_processing_leaves_exactly_one_version(
    stage: str,
    label: str,
    start_worker: WorkerFactory,
    broker: str,
    store: str,
    site: DemoSite,
    tmp_path: Path,
    reliability_result: Any,
) -> None:
    worker = start_worker(concurrency=1, GOVREPORTS_TEST_STALL=stage)
    send(broker, "govreports.crawl_portal", "demo-yangjiang")
    mark = tmp_path / "stall.mark"
    wait_until(mark.exists, 60, "a stalled processing task")
    wait_until(lambda: mark.read_text().strip().isdigit(), 5, "the stalled pid")
    pid = int(mark.read_text())
    os.kill(pid, signal.SIGKILL)

    expected = len(site.portals["yj"].articles)
    wait_for_versions(store, expected, [worker])
    wait_idle(broker)
    census = ingest_census(store)
    reliability_result(
        f"worker killed (kill -9) in process_pages {label}",
        "SIGKILL to the pool process at a task signal",
        1,
        expected,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        census["lost"],
    )
    assert census == {**census, "reports": expected, "versions": expected, "duplicated": 0, "lost": 0}
    # The kill cut a running task short: the worker saw that pool process die with the job in hand.
    log = worker.log_path.read_text(errors="replace")
    assert f"pid:{pid} exited with 'signal 9 (SIGKILL)'" in log
    assert "WorkerLostError('Worker exited prematurely: signal 9 (SIGKILL)" in log
