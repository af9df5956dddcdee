"""Per-process resources: engine, sessions, the one httpx client, fetcher and registry.

Built on first use from the settings (never at import), rebuilt after a worker forks. With Redis
configured (`redis_url`, or a Redis broker) the runtime is a `ClusterRuntime`: the per-host rate
limit and the one-crawl-per-portal lock are shared by every worker through Redis
(workers/cluster_limits.py); without it (the embedded, in-process mode) both are local.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipelines.store.session import make_engine, make_sessionmaker
from scrapers.fetcher import Fetcher, make_client
from scrapers.ratelimit import HostRateLimiter, RateLimiter
from scrapers.registry import Registry, load_registry
from workers import cluster_limits
from workers.config import Settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    client: httpx.Client
    fetcher: Fetcher
    registry: Registry
    _closed: bool = field(default=False, repr=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any exception."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def crawl_lock(self, slug: str) -> Iterator[bool]:
        """Yield True when this process may crawl `slug` now (no other crawl of it is running).

        In-process runs need no lock; the cluster runtime replaces this with a Redis lock.
        """
        yield True

    def close(self) -> None:
        if not self._closed:
            self.client.close()
            self.engine.dispose()
            self._closed = True


@dataclass(kw_only=True)
class ClusterRuntime(Runtime):
    """The runtime of a worker in a cluster: crawl locks and the per-host rate live in Redis."""

    redis: redis.Redis

    @property
    def crawl_lock_seconds(self) -> int:
        """How long a crawl lock lives: the hard time limit ends the crawl (and the task that took the
        lock) before the lock expires; a dead worker's lock is gone a few seconds after that."""
        return self.settings.task_time_limit + 5

    @contextmanager
    def crawl_lock(self, slug: str) -> Iterator[bool]:
        with cluster_limits.crawl_lock(self.redis, slug, self.crawl_lock_seconds) as acquired:
            yield acquired

    def close(self) -> None:
        if not self._closed:
            self.redis.close()
        super().close()


def build_runtime(settings: Settings, *, limiter: RateLimiter | None = None) -> Runtime:
    """The process's resources; with Redis configured (redis_url, or a Redis broker), the cluster's."""
    engine = make_engine(settings.effective_database_url)
    policy = settings.fetch_policy()
    client = make_client(policy)
    registry = load_registry(settings.registry_path).bind_demo(settings.demo_base_url)
    redis_url = cluster_limits.cluster_redis_url(settings)
    if redis_url is None:
        return Runtime(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            client=client,
            fetcher=Fetcher(client, policy, limiter or HostRateLimiter()),
            registry=registry,
        )
    shared = cluster_limits.connect(redis_url)
    # An in-flight slot outlives any request that can still be running (its timeouts, twice).
    lease = max(30.0, 2 * (settings.connect_timeout + settings.read_timeout))
    return ClusterRuntime(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        client=client,
        fetcher=Fetcher(client, policy, limiter or cluster_limits.RedisRateLimiter(shared, lease_seconds=lease)),
        registry=registry,
        redis=shared,
    )


_lock = threading.Lock()
_current: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    """Make `runtime` the process's runtime (the CLI and tests build their own)."""
    global _current
    with _lock:
        if _current is not None and _current is not runtime:
            _current.close()
        _current = runtime


def current() -> Runtime:
    global _current
    with _lock:
        if _current is None:
            _current = build_runtime(Settings())
        return _current


def forget_after_fork() -> None:
    """In a forked child the parent's sockets are not ours: drop them without closing."""
    global _current
    _current = None
