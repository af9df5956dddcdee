"""How long the running task has before its hard time limit, and publishing that fits in it.

A task past its soft time limit has `hard - soft` seconds left (min(30, limit // 5)) to send on what
it has not done: the rest of a fetch batch, the pages it wrote, its own retry. Sending retries while
the broker is away for up to `task_publish_retry_policy` allows (about two minutes): longer than
that, and the hard limit kills the task mid-publish, and Celery acknowledges a task killed so
(task_acks_on_timeout): what it was sending on is lost. Past the soft limit, publishing retries for
half the time left, then fails as PublishFailed would, and the task's message goes back to the
queue (or, with the broker still away, stays unacknowledged until the visibility timeout restores it).

One task runs at a time in a pool process, so the start of the running one is a module value, set
by `task_prerun` and cleared by `task_postrun`.
"""

from __future__ import annotations

import time
from typing import Any

from celery.signals import task_postrun, task_prerun

_started: float | None = None  # time.monotonic() when the running task started; None outside a task


def soft_time_limit(hard_limit: int) -> int:
    """The soft time limit for a hard one: the last fifth of it (at most 30 s) is left for sending on."""
    return max(1, hard_limit - min(30, hard_limit // 5))


def _on_task_start(**_: Any) -> None:
    global _started
    _started = time.monotonic()


def _on_task_end(**_: Any) -> None:
    global _started
    _started = None


task_prerun.connect(_on_task_start, weak=False)
task_postrun.connect(_on_task_end, weak=False)


def late_retry_policy(seconds_left: float) -> dict[str, Any]:
    """A kombu publish retry policy whose sleeps add up to at most half of `seconds_left`."""
    budget = max(0.2, seconds_left / 2)
    step = min(1.0, budget / 4)
    return {"max_retries": int(budget / step), "interval_start": 0, "interval_step": step, "interval_max": step}


def publish_options(hard_limit: int) -> dict[str, Any]:
    """Options for apply_async: none before the soft time limit (the configured retry policy), a
    retry policy that ends in time after it."""
    if _started is None:
        return {}
    elapsed = time.monotonic() - _started
    if elapsed < soft_time_limit(hard_limit):
        return {}
    return {"retry_policy": late_retry_policy(hard_limit - elapsed)}
