"""robots.txt per host, parsed by protego and cached with an expiry."""

from __future__ import annotations

import time
from collections.abc import Callable

from protego import Protego

# fetch_robots(url) -> (status, text); status None when the host could not be reached.
RobotsFetch = Callable[[str], tuple[int | None, str]]


class RobotsCache:
    """Answers "may we fetch this URL?" per host, re-reading robots.txt after `ttl_seconds`."""

    def __init__(self, fetch: RobotsFetch, user_agent: str, ttl_seconds: float = 3600.0, max_hosts: int = 1024) -> None:
        self._fetch = fetch
        self._agent = user_agent
        self._ttl = ttl_seconds
        self._max_hosts = max_hosts
        self._cache: dict[str, tuple[float, Protego | None]] = {}

    def _rules(self, origin: str) -> Protego | None:
        cached = self._cache.get(origin)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        status, text = self._fetch(origin + "/robots.txt")
        # 4xx: no robots.txt, everything allowed; 5xx / unreachable: allowed too, re-asked sooner.
        rules = Protego.parse(text) if status == 200 else None
        ttl = self._ttl if status is not None and status < 500 else min(self._ttl, 300.0)
        if len(self._cache) >= self._max_hosts:
            self._cache.pop(next(iter(self._cache)))
        self._cache[origin] = (time.monotonic() + ttl, rules)
        return rules

    def allowed(self, origin: str, url: str) -> bool:
        rules = self._rules(origin)
        return True if rules is None else bool(rules.can_fetch(url, self._agent))

    def crawl_delay(self, origin: str) -> float | None:
        rules = self._rules(origin)
        delay = rules.crawl_delay(self._agent) if rules is not None else None
        return float(delay) if delay is not None else None
