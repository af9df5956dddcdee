"""`govreports flower`: never open without credentials; with them, a real Flower on loopback shows
the tasks a real worker finished, to basic auth only, and keeps nothing on disk."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from celery import Celery

from seeds.demo import DemoServer
from tests.runtime_processes import (
    Process,
    celery_worker,
    demo_registry,
    free_port,
    ping,
    port_open,
    postgres_db,
    redis_db,
    script,
    wait_until,
)

pytestmark = [pytest.mark.redis]

USER, PASSWORD = "ops", "s3cret-for-tests"


def govreports() -> str:
    return script("govreports")


def without_flower_credentials(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVREPORTS_FLOWER")}
    return {**env, **extra}


def test_flower_without_credentials_exits_non_zero_naming_the_missing_settings(tmp_path: Path) -> None:
    env = without_flower_credentials(GOVREPORTS_BROKER_URL="redis://127.0.0.1:6379/13")
    run = subprocess.run(
        [govreports(), "flower", "--port", str(free_port())],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert run.returncode != 0
    assert "GOVREPORTS_FLOWER_USER and GOVREPORTS_FLOWER_PASSWORD" in run.stderr


def test_flower_with_a_user_but_no_password_does_not_start_either(tmp_path: Path) -> None:
    env = without_flower_credentials(GOVREPORTS_BROKER_URL="redis://127.0.0.1:6379/13", GOVREPORTS_FLOWER_USER=USER)
    run = subprocess.run(
        [govreports(), "flower", "--port", str(free_port())],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert run.returncode != 0
    assert "never runs open" in run.stderr


@pytest.fixture
def cluster(tmp_path: Path, demo_server: DemoServer) -> Iterator[dict[str, Any]]:
    """A worker and `govreports flower` (with credentials, on a free loopback port) on one broker."""
    broker = redis_db(13)
    store = postgres_db("govreports_test_runtime")
    env = without_flower_credentials(
        GOVREPORTS_BROKER_URL=broker,
        GOVREPORTS_DATABASE_URL=store,
        GOVREPORTS_DEMO_BASE_URL=demo_server.base_url,
        GOVREPORTS_REGISTRY_PATH=str(demo_registry(tmp_path / "portals.yaml", rate_limit_per_second=500)),
        GOVREPORTS_FLOWER_USER=USER,
        GOVREPORTS_FLOWER_PASSWORD=PASSWORD,
    )
    port = free_port()
    workdir = tmp_path / "flower-cwd"
    workdir.mkdir()
    worker = celery_worker(env, tmp_path / "worker.log", name="flowerwatched", concurrency=1)
    flower = Process(
        [govreports(), "flower", "--port", str(port), "--address", "127.0.0.1"], env, tmp_path / "flower.log", workdir
    )
    try:
        assert wait_until(lambda: port_open(port) or not flower.running(), 60), "Flower did not listen"
        assert flower.running(), flower.output()[-3000:]
        assert wait_until(lambda: ping(broker, timeout=1.0), 60, every=0.5), worker.output()[-3000:]
        yield {"broker": broker, "base": f"http://127.0.0.1:{port}", "workdir": workdir, "flower": flower}
    finally:
        flower.stop()
        worker.stop()


def finished(client: httpx.Client, base: str) -> dict[str, Any]:
    response = client.get(f"{base}/api/tasks", params={"state": "SUCCESS"}, auth=(USER, PASSWORD))
    response.raise_for_status()
    return dict(response.json())


@pytest.mark.slow
@pytest.mark.postgres
def test_flower_lists_the_finished_tasks_of_a_crawl_to_basic_auth_only(cluster: dict[str, Any]) -> None:
    base = cluster["base"]
    with httpx.Client(timeout=10, trust_env=False) as client:
        # Flower sees the worker (its event stream and remote control are up) before the crawl starts.
        assert wait_until(
            lambda: client.get(f"{base}/api/workers", params={"refresh": "1"}, auth=(USER, PASSWORD)).json(), 30
        )
        app = Celery(broker=cluster["broker"], set_as_current=False)
        app.send_task("govreports.crawl_portal", args=["demo-yangjiang"], queue="crawl")
        app.close()

        def names() -> set[str]:
            return {task["name"] for task in finished(client, base).values()}

        wanted = {"govreports.crawl_portal", "govreports.fetch_reports", "govreports.process_pages"}
        assert wait_until(lambda: wanted <= names(), 60, every=0.5), names()
        assert client.get(f"{base}/api/tasks").status_code == 401
        assert client.get(f"{base}/api/tasks", auth=(USER, "wrong")).status_code == 401


@pytest.mark.slow
@pytest.mark.postgres
def test_flower_keeps_no_state_on_disk(cluster: dict[str, Any]) -> None:
    """`persistent` is off: Flower forgets on restart; the run history lives in our own tables."""
    flower: Process = cluster["flower"]
    with httpx.Client(timeout=10, trust_env=False) as client:
        assert client.get(f"{cluster['base']}/api/workers", auth=(USER, PASSWORD)).status_code == 200
    argv = Path(f"/proc/{flower.pid}/cmdline").read_bytes().split(b"\0")
    assert b"--persistent=False" in argv
    flower.stop()
    assert list(cluster["workdir"].iterdir()) == []
