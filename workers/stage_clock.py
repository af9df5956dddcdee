"""Where a worker's time goes: wall and CPU seconds spent in each stage of ingestion.

bench/pipeline.py asks for it to print the cost of a report stage by stage (fetch, clean, extract,
store …), as measured inside the real worker processes rather than guessed from a profile of one
process. Off unless GOVREPORTS_STAGE_TIMINGS is set: then each stage adds to this process's totals,
and after every task the totals are added to one Redis hash (`HINCRBYFLOAT`, one round trip a task)
and cleared, so every pool process of every worker sums into the same place. When off, `stage` costs
one attribute test.

CPU is the process's (`time.process_time`): a pool process runs one task at a time, so the CPU it
spends inside a stage is that stage's, and what the stage waited on (the network, the database) is
the difference between its wall and CPU time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis

KEY = "govreports:stage-timings"
ENABLED = os.environ.get("GOVREPORTS_STAGE_TIMINGS", "").lower() in ("1", "true", "yes", "on")

_wall: dict[str, float] = {}
_cpu: dict[str, float] = {}
_count: dict[str, int] = {}


@contextmanager
def stage(name: str, items: int = 1) -> Iterator[None]:
    """Time the block as `name`, counted as `items` units of work (pages of a batch, say)."""
    if not ENABLED:
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _wall[name] = _wall.get(name, 0.0) + time.perf_counter() - wall
        _cpu[name] = _cpu.get(name, 0.0) + time.process_time() - cpu
        _count[name] = _count.get(name, 0) + items


_task_began: tuple[float, float] | None = None


def task_started() -> None:
    """Start the clock of a whole task (Celery's task_prerun): what its stages do not cover is overhead."""
    global _task_began
    if ENABLED:
        _task_began = (time.perf_counter(), time.process_time())


def task_finished(name: str) -> None:
    """Stop the task's clock (task_postrun) and count it under `task:NAME`."""
    global _task_began
    if not ENABLED or _task_began is None:
        return
    wall, cpu = _task_began
    _task_began = None
    key = f"task:{name}"
    _wall[key] = _wall.get(key, 0.0) + time.perf_counter() - wall
    _cpu[key] = _cpu.get(key, 0.0) + time.process_time() - cpu
    _count[key] = _count.get(key, 0) + 1


def publish(client: redis.Redis) -> None:
    """Add this process's totals to the shared hash and start again from zero."""
    if not _count:
        return
    pipe = client.pipeline(transaction=False)
    for name, count in _count.items():
        pipe.hincrbyfloat(KEY, f"{name}:wall", _wall[name])
        pipe.hincrbyfloat(KEY, f"{name}:cpu", _cpu[name])
        pipe.hincrby(KEY, f"{name}:count", count)
    pipe.execute()
    _wall.clear()
    _cpu.clear()
    _count.clear()


def read(client: redis.Redis) -> dict[str, tuple[float, float, int]]:
    """Every stage's (wall seconds, CPU seconds, count) summed over all processes so far."""
    raw = {(k.decode() if isinstance(k, bytes) else k): float(v) for k, v in client.hgetall(KEY).items()}
    names = {key.rsplit(":", 1)[0] for key in raw}
    return {n: (raw.get(f"{n}:wall", 0.0), raw.get(f"{n}:cpu", 0.0), int(raw.get(f"{n}:count", 0))) for n in names}
