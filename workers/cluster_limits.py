"""What the workers of a cluster share through Redis: per-host politeness and one crawl per portal.

`RedisRateLimiter` has the methods of `scrapers.ratelimit.HostRateLimiter` (wait, pause,
in_flight), but the state of each host lives in Redis, so the rate, a pause the host asked for
(Retry-After) and the cap on requests in flight hold across every worker process and machine.
Slots are handed out by Lua scripts on Redis's own clock (no skew between machines): each caller
gets the next slot `1/per_second` after the previous one and sleeps until it; while the host is
paused nobody gets one. In-flight slots are leases in a sorted set: a worker that dies holding one
loses it after `lease_seconds`.

`crawl_lock` lets one crawl of a portal run at a time. The key expires on its own after
`ttl_seconds` (the task's hard time limit plus a margin), so a worker that dies holding it never
blocks the portal for longer than that.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import redis
import structlog

from scrapers.errors import TransientFetchError
from scrapers.ratelimit import MAX_PAUSE_SLEEP, paused_error
from workers.config import Settings

log = structlog.get_logger("govreports.cluster")

RATE_KEY = "govreports:rate:{host}"
PAUSE_KEY = "govreports:pause:{host}"
IN_FLIGHT_KEY = "govreports:in-flight:{host}"
LOCK_KEY = "govreports:crawl-lock:{slug}"

# KEYS[1]: the host's next free slot (µs since the epoch, Redis clock); KEYS[2]: its pause (a key
# that lives as long as the pause); ARGV[1]: the interval in µs; ARGV[2]: the longest pause, in µs,
# worth waiting out. Returns the µs the caller must wait before its request; or, when the host is
# paused for longer than that, minus the pause left, and no slot is taken (so waiting callers do
# not push each other's slots ever later). The slot key outlives its slot by a second.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local paused = redis.call('PTTL', KEYS[2]) * 1000
if paused > tonumber(ARGV[2]) then return -paused end
local slot = math.max(now, now + paused, tonumber(redis.call('GET', KEYS[1]) or '0'))
local nxt = slot + interval
redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.floor((nxt - now) / 1000) + 1000)
return math.floor(slot - now)
"""

# KEYS[1]: the host's pause; ARGV[1]: its length in ms. A pause is only ever lengthened.
_PAUSE = """
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 0
"""

# KEYS[1]: the host's in-flight leases (member: token, score: expiry in ms, Redis clock);
# ARGV[1]: token, ARGV[2]: the cap, ARGV[3]: the lease in ms. 1 when a slot was taken.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""

# _ACQUIRE then _RESERVE in one round trip (the fetcher's `turn`, a request's slot and rate turn).
# KEYS[1]: in-flight leases, KEYS[2]: next free slot, KEYS[3]: pause; ARGV[1]: token, ARGV[2]: cap,
# ARGV[3]: lease in ms, ARGV[4]: interval in µs, ARGV[5]: longest pause worth waiting out, in µs.
# Returns {0, 0} when no in-flight slot is free (nothing taken); {2, µs of pause left} when the host is
# paused longer than that (nothing taken); else {1, µs to wait before the request}, slot and turn taken.
_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now_ms = math.floor(now / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return {0, 0} end
local paused = redis.call('PTTL', KEYS[3]) * 1000
if paused > tonumber(ARGV[5]) then return {2, paused} end
redis.call('ZADD', KEYS[1], now_ms + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
local slot = math.max(now, now + paused, tonumber(redis.call('GET', KEYS[2]) or '0'))
local nxt = slot + tonumber(ARGV[4])
redis.call('SET', KEYS[2], string.format('%d', nxt), 'PX', math.floor((nxt - now) / 1000) + 1000)
return {1, math.floor(slot - now)}
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
    """At most `per_second` requests a second and `limit` in flight to each host, from the whole cluster.

    Every method raises TransientFetchError when Redis cannot be reached: the task retries later
    rather than fetch without the cluster's limits.
    """

    def __init__(self, client: redis.Redis, *, lease_seconds: float = 120.0, poll_seconds: float = 0.02) -> None:
        self._client = client
        self._reserve = client.register_script(_RESERVE)
        self._pause = client.register_script(_PAUSE)
        self._acquire = client.register_script(_ACQUIRE)
        self._turn = client.register_script(_TURN)
        self.lease_seconds = lease_seconds
        self._poll = poll_seconds

    def wait(self, host: str, per_second: float) -> float:
        """Block until a request to `host` is allowed; return the seconds waited."""
        interval_us = max(1, round(1_000_000 / per_second))
        keys = [RATE_KEY.format(host=host), PAUSE_KEY.format(host=host)]
        with _unavailable_as_transient("rate limiter", host):
            delay_us = int(self._reserve(keys=keys, args=[interval_us, round(MAX_PAUSE_SLEEP * 1_000_000)]))
        if delay_us < 0:
            raise paused_error(host, -delay_us / 1_000_000)
        delay = delay_us / 1_000_000
        if delay > 0:
            time.sleep(delay)
        return delay

    def pause(self, host: str, seconds: float) -> None:
        with _unavailable_as_transient("rate limiter", host):
            self._pause(keys=[PAUSE_KEY.format(host=host)], args=[max(1, round(seconds * 1000))])

    @contextmanager
    def in_flight(self, host: str, limit: int) -> Iterator[None]:
        """Hold one of the cluster's `limit` slots for `host`; waits at most one lease for it."""
        key, lease_ms = IN_FLIGHT_KEY.format(host=host), round(self.lease_seconds * 1000)

        def take(token: str) -> tuple[int, int]:
            return int(self._acquire(keys=[key], args=[token, limit, lease_ms])), 0

        with self._leased(host, "in-flight cap", take):
            yield

    @contextmanager
    def turn(self, host: str, limit: int, per_second: float) -> Iterator[float]:
        """`in_flight` then `wait` in one Redis round trip a try (scrapers.ratelimit.RateLimiter.turn)."""
        keys = [IN_FLIGHT_KEY.format(host=host), RATE_KEY.format(host=host), PAUSE_KEY.format(host=host)]
        lease_ms, interval_us = round(self.lease_seconds * 1000), max(1, round(1_000_000 / per_second))
        longest_pause_us = round(MAX_PAUSE_SLEEP * 1_000_000)

        def take(token: str) -> tuple[int, int]:
            taken, micros = self._turn(keys=keys, args=[token, limit, lease_ms, interval_us, longest_pause_us])
            return int(taken), int(micros)

        with self._leased(host, "rate limiter", take) as micros:
            delay = max(0.0, micros / 1_000_000)
            if delay > 0:
                time.sleep(delay)
            yield delay

    @contextmanager
    def _leased(self, host: str, what: str, take: Callable[[str], tuple[int, int]]) -> Iterator[int]:
        """Try `take(token)` every poll until it leases one of the host's in-flight slots, for at most
        one lease; yield what it answered with the slot, and give the slot back afterwards.

        `take` answers (1, value) with the slot taken, (0, _) when none is free, (2, µs) when the host
        is paused for longer than is worth waiting (raised as `paused_error`, nothing taken).
        """
        token = uuid.uuid4().hex
        deadline = time.monotonic() + self.lease_seconds
        while True:
            with _unavailable_as_transient(what, host):
                taken, value = take(token)
            if taken == 1:
                break
            if taken == 2:
                raise paused_error(host, value / 1_000_000)
            if time.monotonic() > deadline:
                raise TransientFetchError(f"no in-flight slot for the host in {self.lease_seconds:.0f} s", url=host)
            time.sleep(self._poll)
        try:
            yield value
        finally:
            try:
                self._client.zrem(IN_FLIGHT_KEY.format(host=host), token)
            except redis.RedisError as exc:  # the lease expires on its own
                log.warning("in_flight.release_failed", host=host, error=str(exc))


@contextmanager
def _unavailable_as_transient(what: str, host: str) -> Iterator[None]:
    try:
        yield
    except redis.RedisError as exc:
        raise TransientFetchError(f"{what} unavailable ({type(exc).__name__})", url=host) from exc


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
