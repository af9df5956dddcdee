"""`govreports status`: what the cluster is doing, gathered in one object the CLI prints.

Broker side: queue lengths (Redis LLEN of `crawl` and `process`) and the workers answering a
ping; the cluster's Redis: the failures kept there while the database was away. Database side:
the last crawl of each portal with its outcome, failures of the last 24 hours, the reports still
waiting, and the reports whose current version was stored with cleaning warnings. Each side
is gathered on its own: no broker (or a broker that does not answer) still gives the database
side, and the other way round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

import redis
from kombu.exceptions import OperationalError as KombuOperationalError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from pipelines.store.ingestion import waiting_counts
from pipelines.store.models import PortalRow
from pipelines.store.queries import WarnedVersion, count_warned_current, latest_warned_current, recent_failures
from pipelines.store.session import make_engine, make_sessionmaker
from workers.app import CRAWL_QUEUE, PROCESS_QUEUE
from workers.cluster_limits import cluster_redis_url
from workers.config import Settings
from workers.failures import PENDING_KEY

QUEUES = (CRAWL_QUEUE, PROCESS_QUEUE)
REDIS_SCHEMES = ("redis://", "rediss://")  # queue lengths are read from a Redis broker only
T = TypeVar("T")
# kombu's Redis transport keeps messages with a priority in "<queue>\x06\x16<priority>" lists.
_PRIORITY_SUFFIXES = ("", *(f"\x06\x16{p}" for p in (1, 2, 3, 4, 5, 6, 7, 8, 9)))
UNACKED = "unacked"  # kombu's Redis transport: messages delivered and not yet acknowledged
FAILURE_WINDOW = timedelta(hours=24)
WARNED_LISTED = 10  # the latest versions with cleaning warnings `gather` reads by default


@dataclass(frozen=True)
class PortalCrawl:
    slug: str
    name: str
    last_crawl_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class Failure:
    at: datetime
    portal: str
    kind: str
    url: str
    error: str


@dataclass
class Status:
    broker_url: str | None
    broker_problem: str | None = None  # set when the broker is not configured or does not answer
    broker_down: bool = False  # configured but not answering
    queues: dict[str, int] = field(default_factory=dict)
    unacknowledged: int = 0  # delivered to a worker, not yet acknowledged: running, prefetched or awaiting a retry
    workers: list[str] = field(default_factory=list)
    database_problem: str | None = None
    portals: list[PortalCrawl] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    unfetched: int = 0  # reports listed and never fetched (queued, or their message lost: beat's sweep)
    unprocessed: int = 0  # fetched pages not yet processed
    warned: int = 0  # reports whose current version was stored with cleaning warnings
    latest_warned: list[WarnedVersion] = field(default_factory=list)  # the newest of them first
    # Failures seen while the database was away, waiting in the cluster's Redis to be written;
    # None without a cluster Redis (in-process) or when it does not answer.
    failures_kept: int | None = None

    @property
    def failures_by_portal(self) -> Counter[str]:
        return Counter(f.portal for f in self.failures)


def queue_lengths(client: redis.Redis) -> dict[str, int]:
    """Messages waiting in each queue (priority lists included)."""
    pipe = client.pipeline(transaction=False)
    for queue in QUEUES:
        for suffix in _PRIORITY_SUFFIXES:
            pipe.llen(queue + suffix)
    counts = [int(n) for n in pipe.execute()]
    step = len(_PRIORITY_SUFFIXES)
    return {queue: sum(counts[i * step : (i + 1) * step]) for i, queue in enumerate(QUEUES)}


def workers_online(broker_url: str, timeout: float) -> list[str]:
    """Names of the workers answering a ping within `timeout` seconds."""
    from celery import Celery

    app = Celery("govreports-status", broker=broker_url, set_as_current=False)
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    try:
        return sorted(app.control.inspect(timeout=timeout).ping() or {})
    finally:
        app.close()


def _broker_side(status: Status, timeout: float) -> None:
    url = status.broker_url
    if not url:
        status.broker_problem = "no broker configured (GOVREPORTS_BROKER_URL unset): tasks run in-process"
        return
    if not url.startswith(REDIS_SCHEMES):
        status.broker_problem = f"queue lengths need a Redis broker, not {url.split('://', 1)[0]}://"
        return
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        status.queues = queue_lengths(client)
        status.unacknowledged = int(client.hlen(UNACKED))
    except redis.RedisError as exc:
        status.broker_problem = f"broker unreachable at {_safe(url)}: {exc}"
        status.broker_down = True
        return
    finally:
        client.close()
    try:
        status.workers = workers_online(url, timeout)
    except (OSError, KombuOperationalError) as exc:
        status.broker_problem = f"broker unreachable at {_safe(url)}: {exc}"
        status.broker_down = True


def _failures_kept(settings: Settings, timeout: float) -> int | None:
    url = cluster_redis_url(settings)
    if url is None:
        return None
    return _read_redis(url, timeout, lambda client: int(client.llen(PENDING_KEY)))  # None: the broker line says why


def crawl_queue_length(broker_url: str | None, timeout: float) -> int | None:
    """Messages waiting in the crawl queue; 0 in-process (no broker), None when it cannot be read."""
    if not broker_url:
        return 0
    if not broker_url.startswith(REDIS_SCHEMES):
        return None
    return _read_redis(broker_url, timeout, lambda client: queue_lengths(client)[CRAWL_QUEUE])


def _read_redis(url: str, timeout: float, read: Callable[[redis.Redis], T]) -> T | None:
    """`read` on a client of the Redis at `url`, closed afterwards; None when that Redis does not answer."""
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return read(client)
    except redis.RedisError:
        return None
    finally:
        client.close()


def _database_side(status: Status, database_url: str, warned_listed: int = WARNED_LISTED) -> None:
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.scalars(select(PortalRow).order_by(PortalRow.slug)).all()
            status.portals = [PortalCrawl(r.slug, r.name, r.last_crawl_at, r.last_crawl_outcome) for r in rows]
            slugs = {r.id: r.slug for r in rows}
            status.failures = [
                Failure(
                    at=e.created_at,
                    portal=slugs.get(e.portal_id, "-") if e.portal_id is not None else "-",
                    kind=e.kind,
                    url=e.url,
                    error=e.error or "",
                )
                for e in recent_failures(session, since=FAILURE_WINDOW)
            ]
            status.unfetched, status.unprocessed = waiting_counts(session)
            status.warned = count_warned_current(session)
            status.latest_warned = latest_warned_current(session, warned_listed) if warned_listed > 0 else []
    except ProgrammingError as exc:
        status.database_problem = _schema_problem(str(exc.orig))
    except OperationalError as exc:
        text = str(exc.orig)
        if "no such table" in text or "no such column" in text:
            status.database_problem = _schema_problem(text)
        else:
            status.database_problem = f"database unavailable: {text.strip()}"
    except DBAPIError as exc:
        status.database_problem = f"database error: {str(exc.orig).strip()}"
    finally:
        engine.dispose()


def _schema_problem(error: str) -> str:
    if "column" in error:  # SQLite "no such column", PostgreSQL "column … does not exist"
        return "database schema is older than this govreports: run `govreports db upgrade`"
    return "database has no govreports schema: run `govreports db upgrade`"


def _safe(url: str) -> str:
    """`url` without a password."""
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def gather(settings: Settings, *, timeout: float = 1.0, warned: int = WARNED_LISTED) -> Status:
    """Everything `govreports status` shows; never raises for an unreachable broker or database.

    `warned`: how many of the latest current versions stored with cleaning warnings to read.
    """
    status = Status(broker_url=settings.broker_url)
    _broker_side(status, timeout)
    status.failures_kept = _failures_kept(settings, timeout)
    _database_side(status, settings.effective_database_url, warned)
    return status
