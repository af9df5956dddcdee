"""The govreports Celery app plus one test task that makes its pool process grow, for
tests/test_runtime_config.py: `celery -A tests.ballast_app worker`."""

from __future__ import annotations

import os
from pathlib import Path

import workers.tasks  # noqa: F401 - registers the govreports tasks, as a real worker has them
from workers.app import app

__all__ = ["app"]

_kept: list[bytes] = []


@app.task(name="tests.ballast")
def ballast(mib: int, pids: str) -> int:
    """Grow this process by `mib` MiB of written (resident) memory and keep it; note the pid in `pids`."""
    _kept.append(b"x" * (mib * 1024 * 1024))
    with Path(pids).open("a", encoding="utf-8") as f:
        f.write(f"{os.getpid()}\n")
    return os.getpid()
