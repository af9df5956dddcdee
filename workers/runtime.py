"""Per-process resources: engine, sessions, the one httpx client, fetcher and registry.

Built on first use from the settings (never at import), rebuilt after a worker forks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipelines.store.session import make_engine, make_sessionmaker
from scrapers.fetcher import Fetcher, make_client
from scrapers.ratelimit import HostRateLimiter, RateLimiter
from scrapers.registry import Registry, load_registry
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


def build_runtime(settings: Settings, *, limiter: RateLimiter | None = None) -> Runtime:
    engine = make_engine(settings.effective_database_url)
    policy = settings.fetch_policy()
    client = make_client(policy)
    registry = load_registry(settings.registry_path).bind_demo(settings.demo_base_url)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        client=client,
        fetcher=Fetcher(client, policy, limiter or HostRateLimiter()),
        registry=registry,
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
