"""Per-host request spacing.

`HostRateLimiter` spaces requests within one process. The workers swap in a Redis-backed
limiter with the same `wait` method so the limit holds for the whole cluster.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class RateLimiter(Protocol):
    def wait(self, host: str, per_second: float) -> float:
        """Block until a request to `host` is allowed; return the seconds waited."""
        ...


class HostRateLimiter:
    """At most `per_second` requests a second to each host, from this process."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, per_second: float) -> float:
        interval = 1.0 / per_second
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)
