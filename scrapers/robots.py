"""robots.txt per host, parsed by protego and cached with an expiry."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from protego import Protego

# fetch_robots(url) -> (status, text); status None when the host could not be reached.
RobotsFetch = Callable[[str], tuple[int | None, str]]


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt says to our User-Agent (no file: everything allowed)."""

    parsed: Protego | None
    agent: str

    def allowed(self, url: str) -> bool:
        return True if self.parsed is None else bool(self.parsed.can_fetch(url, self.agent))

    @property
    def crawl_delay(self) -> float | None:
        delay = self.parsed.crawl_delay(self.agent) if self.parsed is not None else None
        return float(delay) if delay is not None else None


class RobotsCache:
    """The rules of each host, read again after `ttl_seconds`.

    The caller passes the fetch, so robots.txt is asked within the same politeness as the page
    that needs it (the portal's rate, the in-flight cap, a size limit).
    """

    def __init__(self, user_agent: str, ttl_seconds: float = 3600.0, max_hosts: int = 1024) -> None:
        self._agent = user_agent
        self._ttl = ttl_seconds
        self._max_hosts = max_hosts
        self._cache: dict[str, tuple[float, RobotsRules]] = {}
        self._lock = threading.Lock()

    def rules(self, origin: str, fetch: RobotsFetch) -> RobotsRules:
        with self._lock:
            cached = self._cache.get(origin)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        status, text = fetch(origin + "/robots.txt")
        # 4xx: no robots.txt, everything allowed; 5xx / unreachable: allowed too, re-asked sooner.
        rules = RobotsRules(Protego.parse(text) if status == 200 else None, self._agent)
        ttl = self._ttl if status is not None and status < 500 else min(self._ttl, 300.0)
        with self._lock:
            if len(self._cache) >= self._max_hosts:
                self._cache.pop(next(iter(self._cache)))
            self._cache[origin] = (time.monotonic() + ttl, rules)
        return rules
