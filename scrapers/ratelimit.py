"""Per-host politeness: request spacing, pauses a host asked for, and a cap on requests in flight.

`HostRateLimiter` keeps all three within one process. The workers swap in a Redis-backed limiter
with the same methods (workers/cluster_limits.py), so each holds for the whole cluster.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from scrapers.errors import TransientFetchError


class RateLimiter(Protocol):
    def wait(self, host: str, per_second: float) -> float:
        """Block until a request to `host` is allowed; return the seconds waited.

        A host paused (see `pause`) for longer than the limiter will sleep raises
        TransientFetchError with `retry_after` set, so the caller retries later
        instead of holding a worker.
        """
        ...

    def pause(self, host: str, seconds: float) -> None:
        """Send nothing more to `host` for `seconds` (it answered 429/503 with Retry-After)."""
        ...

    def in_flight(self, host: str, limit: int) -> AbstractContextManager[None]:
        """Hold one of `limit` slots for a request to `host` while the block runs."""
        ...

    def turn(self, host: str, limit: int, per_second: float) -> AbstractContextManager[float]:
        """`in_flight` then `wait`, as one step: hold one of `limit` slots for `host`, then wait for the
        request's turn of the host's rate, and yield the seconds waited.

        The slot comes first: a request that took its rate turn and then queued for a slot would go
        out late, right beside the next request's own turn, bunching the host's requests closer than
        its rate. A paused host raises as `wait` does, with no slot kept.
        """
        ...


# A pause up to this long is slept through; a longer one hands the request back (retry later).
MAX_PAUSE_SLEEP = 30.0


def paused_error(host: str, seconds: float) -> TransientFetchError:
    return TransientFetchError(f"the host asked for a pause ({seconds:.0f} s left)", url=host, retry_after=seconds)


class HostRateLimiter:
    """At most `per_second` requests a second and `limit` in flight to each host, from this process."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}
        self._slots: dict[tuple[str, int], threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, per_second: float) -> float:
        interval = 1.0 / per_second
        with self._lock:
            now = time.monotonic()
            paused = self._paused_until.get(host, 0.0) - now
            if paused > MAX_PAUSE_SLEEP:
                raise paused_error(host, paused)
            slot = max(now, self._next.get(host, 0.0), self._paused_until.get(host, 0.0))
            self._next[host] = slot + interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)

    def pause(self, host: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() + seconds
            self._paused_until[host] = max(until, self._paused_until.get(host, 0.0))

    @contextmanager
    def in_flight(self, host: str, limit: int) -> Iterator[None]:
        with self._lock:
            slot = self._slots.get((host, limit))
            if slot is None:
                slot = self._slots[(host, limit)] = threading.BoundedSemaphore(limit)
        with slot:
            yield

    @contextmanager
    def turn(self, host: str, limit: int, per_second: float) -> Iterator[float]:
        with self.in_flight(host, limit):
            yield self.wait(host, per_second)
