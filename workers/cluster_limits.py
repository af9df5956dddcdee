"""What the workers of a cluster share through Redis: per-host politeness and one crawl per portal.

`RedisRateLimiter` has the `wait(host, per_second)` method of `scrapers.ratelimit.HostRateLimiter`,
but the next free slot of each host lives in Redis, so the rate holds across every worker process
and machine. Slots are handed out by a Lua script on Redis's own clock (no skew between machines):
each caller gets the next slot `1/per_second` after the previous one and sleeps until it.

`crawl_lock` lets one crawl of a portal run at a time. The key expires on its own after
`ttl_seconds` (the task's hard time limit plus a margin), so a worker that dies holding it never
blocks the portal for longer than that.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
import structlog

from scrapers.errors import TransientFetchError
from workers.config import Settings

log = structlog.get_logger("govreports.cluster")

RATE_KEY = "govreports:rate:{host}"
LOCK_KEY = "govreports:crawl-lock:{slug}"

# KEYS[1]: the host's next free slot (µs since the epoch, Redis clock); ARGV[1]: the interval in µs.
# Returns the µs the caller must wait before its request. The key outlives its slot by a second.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local nxt = slot + interval
redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.floor((nxt - now) / 1000) + 1000)
return math.floor(slot - now)
"""

# Delete the lock only if it is still ours (it may have expired and been taken by another crawl).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def cluster_redis_url(settings: Settings) -> str | None:
    """The Redis the cluster shares: `redis_url`, else the broker when it is Redis; None in-process."""
    if settings.redis_url:
        return settings.redis_url
    broker = settings.broker_url or ""
    if broker.startswith(("redis://", "rediss://")):
        return broker
    return None


def connect(url: str) -> redis.Redis:
    """A client with short timeouts: a Redis that does not answer is an outage, not a hang."""
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)


class RedisRateLimiter:
    """At most `per_second` requests a second to each host, from the whole cluster."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._reserve = client.register_script(_RESERVE)

    def wait(self, host: str, per_second: float) -> float:
        """Block until a request to `host` is allowed; return the seconds waited.

        Raises TransientFetchError when Redis cannot be reached: the task retries later rather
        than fetch without the cluster's limit.
        """
        interval_us = max(1, round(1_000_000 / per_second))
        try:
            delay_us = int(self._reserve(keys=[RATE_KEY.format(host=host)], args=[interval_us]))
        except redis.RedisError as exc:
            raise TransientFetchError(f"rate limiter unavailable ({type(exc).__name__})", url=host) from exc
        delay = delay_us / 1_000_000
        if delay > 0:
            time.sleep(delay)
        return delay


@contextmanager
def crawl_lock(client: redis.Redis, slug: str, ttl_seconds: int) -> Iterator[bool]:
    """Yield True when no other crawl of `slug` holds the lock (it is then ours until we leave)."""
    key = LOCK_KEY.format(slug=slug)
    token = uuid.uuid4().hex
    try:
        acquired = bool(client.set(key, token, nx=True, ex=ttl_seconds))
    except redis.RedisError as exc:
        raise TransientFetchError(f"crawl lock unavailable ({type(exc).__name__})", url=key, portal=slug) from exc
    try:
        yield acquired
    finally:
        if acquired:
            try:
                client.eval(_RELEASE, 1, key, token)
            except redis.RedisError as exc:  # it expires on its own
                log.warning("crawl_lock.release_failed", portal=slug, error=str(exc))
