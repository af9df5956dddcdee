"""The stage clock (GOVREPORTS_STAGE_TIMINGS) adds every process's stage times into one Redis hash,
for bench/pipeline.py's table of where a report's time goes; off, it records nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from tests.conftest import REDIS_URL, require_server
from workers import stage_clock


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    require_server(REDIS_URL, 6379, "Redis")
    connection = redis.Redis.from_url(REDIS_URL)
    connection.delete(stage_clock.KEY)
    yield connection
    connection.delete(stage_clock.KEY)
    connection.close()


def test_stages_add_up_in_redis_across_publishes(client: redis.Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stage_clock, "ENABLED", True)
    with stage_clock.stage("fetch.get"):
        time.sleep(0.02)
    stage_clock.publish(client)
    with stage_clock.stage("fetch.get", items=3):
        sum(range(200_000))  # CPU, not waiting
    stage_clock.publish(client)
    wall, cpu, count = stage_clock.read(client)["fetch.get"]
    assert count == 4
    assert wall >= 0.02 and 0 < cpu < wall


def test_a_task_is_timed_whole_under_its_name(client: redis.Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stage_clock, "ENABLED", True)
    stage_clock.task_started()
    time.sleep(0.01)
    stage_clock.task_finished("govreports.fetch_reports")
    stage_clock.publish(client)
    wall, _, count = stage_clock.read(client)["task:govreports.fetch_reports"]
    assert count == 1 and wall >= 0.01


def test_off_it_records_nothing(client: redis.Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stage_clock, "ENABLED", False)
    with stage_clock.stage("fetch.get"):
        pass
    stage_clock.task_started()
    stage_clock.task_finished("govreports.fetch_reports")
    stage_clock.publish(client)
    assert stage_clock.read(client) == {}
