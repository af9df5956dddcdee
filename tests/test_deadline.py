"""A task past its soft time limit sends on what it has not done in the time left, or gives up in
time for its message to go back to the queue: the hard limit never cuts it mid-publish (Celery would
acknowledge the message, and the rest of a fetch batch would be lost)."""

from __future__ import annotations

import time

import pytest
from celery import Celery

from tests.conftest import RuntimeFactory
from tests.reliability.servers import free_port
from workers import deadline
from workers.app import celery_config
from workers.config import Settings
from workers.tasks import PublishFailed, _send

HARD_LIMIT = 15  # its soft limit is 12 s: 3 s are left for sending on


def test_the_soft_limit_leaves_the_last_fifth_of_the_hard_one_at_most_thirty_seconds() -> None:
    assert deadline.soft_time_limit(15) == 12
    assert deadline.soft_time_limit(300) == 270
    assert deadline.soft_time_limit(1) == 1


def test_before_the_soft_limit_publishing_keeps_the_configured_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadline, "_started", time.monotonic() - 5)
    assert deadline.publish_options(HARD_LIMIT) == {}


@pytest.mark.parametrize("seconds_left", [0.5, 3.0, 30.0])
def test_past_the_soft_limit_retries_sleep_at_most_half_the_time_left(seconds_left: float) -> None:
    policy = deadline.late_retry_policy(seconds_left)
    sleeps = [
        min(policy["interval_start"] + i * policy["interval_step"], policy["interval_max"])
        for i in range(policy["max_retries"])
    ]
    assert policy["max_retries"] >= 1
    assert sum(sleeps) <= max(0.2, seconds_left / 2)


def test_a_task_past_its_soft_limit_gives_up_publishing_to_an_absent_broker_before_its_hard_limit(
    make_runtime: RuntimeFactory, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_runtime(sqlite_url, task_time_limit=HARD_LIMIT)
    absent = Celery(broker=f"redis://127.0.0.1:{free_port()}/0", set_as_current=False)
    configured = celery_config(Settings())  # publishing as workers/app.py configures it
    absent.conf.task_publish_retry = configured["task_publish_retry"]
    absent.conf.task_publish_retry_policy = configured["task_publish_retry_policy"]

    @absent.task(name="test.rest_of_the_batch", shared=False)  # not registered with the project's app
    def rest_of_the_batch() -> None: ...

    monkeypatch.setattr(deadline, "_started", time.monotonic() - 13)  # the soft limit struck a second ago
    started = time.monotonic()
    with pytest.raises(PublishFailed):
        _send(rest_of_the_batch)
    assert time.monotonic() - started < HARD_LIMIT - 13  # given up while the task still runs
    absent.close()
