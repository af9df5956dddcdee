"""Every failure lands in fetch_events, even one seen while the database is down.

`record` writes a failure at once. When the database cannot take it, the failure is kept and
written by a later `flush`, with the time it was seen as its `created_at`:

- with Redis configured (a `ClusterRuntime`: redis_url, or a Redis broker) it waits in the Redis
  list `PENDING_KEY` as JSON, newest at the head, at most `MAX_PENDING` (past that the oldest are
  dropped, each drop logged as an error). A pool process that is recycled or killed loses nothing:
  any process of any worker writes it later;
- without Redis (the embedded, in-process mode) it waits in this process's memory, which is the
  whole system there; so it does too when Redis refuses the push (logged).

Tasks flush after every task body that got through (workers/tasks.py), and beat's periodic
`resend_stuck` flushes too, so a quiet cluster still writes what waits.

How a flush writes each failure exactly once, whatever crashes where. It takes the flush lock
(`FLUSH_LOCK_KEY`: one flusher in the cluster at a time, so they do not all walk the same list;
it expires on its own after LOCK_MS, so a flusher that died holds up the others no longer than
that), then repeats: read the oldest failure (LINDEX -1) without removing it; write it in one
transaction under the key it was given when seen (`Failure.key`, unique in fetch_events: INSERT …
ON CONFLICT DO NOTHING); only once that committed, take it off the list with a script that pops it
if it is still the tail. So:

- a crash before the commit leaves the failure in the list, unwritten: the next flush writes it;
- a crash after the commit, before the pop, leaves it in the list, written: the next flush's insert
  finds its key taken, stores nothing and pops it;
- popping first (LRANGE + LTRIM in a MULTI) would lose what a crash catches between the pop and the
  commit; moving it to a processing list (LMOVE) and removing it after the commit would write again
  what a crash catches between the commit and the removal. Neither is exactly once by itself: the
  key is what makes the write idempotent.

Two flushers on the same failure (the lock expired under a slow one) cannot both insert it: the
second one's insert waits on the unique index until the first commits, then stores nothing; its pop
finds another tail and leaves it. The key is the failure's own, not its content: tasks label a
failed batch by its size ("batch of 10 fetched pages"), and two pool processes that the worker's
timer started together fail their retries within microseconds of each other with the same error.
Matching rows on their columns (as this module once did) wrote two such failures as one when they
fell in the same microsecond.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import redis
import structlog
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pipelines.store.ingestion import insert_failure_once
from pipelines.store.session import DATABASE_DOWN
from scrapers.errors import CrawlError
from workers.runtime import ClusterRuntime, Runtime

log = structlog.get_logger("govreports.failures")


PENDING_KEY = "govreports:pending-failures"
FLUSH_LOCK_KEY = "govreports:pending-failures:flush-lock"
MAX_PENDING = 100_000  # about 30 MB of JSON: hours of failures of a large cluster
LOCK_MS = 10_000
MAX_LOCAL = 10_000

# KEYS[1]: the pending list; KEYS[2]: the flush lock. ARGV[1]: our lock token; ARGV[2]: the failure
# just written (the list's tail when we read it); ARGV[3]: the lock's new lifetime in ms.
# Returns 1 when the failure was popped, 2 when it is gone already (popped by a flusher that took
# the lock after ours expired, or dropped off the list's bound: written all the same), 0 when the
# lock is no longer ours (stop: another flusher has the list).
_POP_WRITTEN = """
local popped = 2
if redis.call('LINDEX', KEYS[1], -1) == ARGV[2] then
  redis.call('RPOP', KEYS[1])
  popped = 1
end
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return popped
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class Failure:
    """One failure as fetch_events keeps it; JSON-safe, so it can wait in Redis."""

    url: str
    kind: str
    error: str
    outcome: str = "failed"
    status: int | None = None
    report_id: int | None = None
    portal_slug: str | None = None
    seen_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    # Written with the failure (fetch_events.failure_key, unique): a replayed write stores nothing, and
    # two failures alike in every column (a batch of the same size failing in two processes in the
    # same microsecond) are still two.
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def of(
        cls,
        *,
        url: str,
        kind: str,
        error: Exception,
        outcome: str = "failed",
        report_id: int | None = None,
        portal_slug: str | None = None,
    ) -> Failure:
        return cls(
            url=url,
            kind=kind,
            error=f"{type(error).__name__}: {error.args[0] if error.args else error}",
            outcome=outcome,
            status=error.status if isinstance(error, CrawlError) else None,
            report_id=report_id,
            portal_slug=portal_slug,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Failure:
        fields = json.loads(raw)
        if "key" not in fields:  # kept by a release before keys: one from its content, the same at every read
            content = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")
            fields["key"] = hashlib.blake2b(content, digest_size=16).hexdigest()
        return cls(**fields)

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.seen_at)


def write_once(rt: Runtime, failure: Failure) -> bool:
    """Put `failure` in fetch_events unless it is there already; True when this call wrote it."""
    with rt.transaction() as session:
        return insert_failure_once(
            session,
            key=failure.key,
            portal_slug=failure.portal_slug,
            url=failure.url,
            kind=failure.kind,
            outcome=failure.outcome,
            status=failure.status,
            error=failure.error,
            report_id=failure.report_id,
            created_at=failure.created_at,
        )


_local: deque[Failure] = deque(maxlen=MAX_LOCAL)
_local_lock = threading.Lock()


def record(rt: Runtime, failure: Failure) -> None:
    """Write `failure` now; when the database is down, keep it for a later flush."""
    try:
        outcome = _write(rt, failure)
    except SoftTimeLimitExceeded:
        _keep(rt, failure)  # the task's deadline came first: the failure is written later, the task hears it now
        raise
    if outcome is Written.DATABASE_AWAY:
        _keep(rt, failure)
        return
    flush(rt)


class Written(Enum):
    """What became of a failure a flush (or `record`) tried to write."""

    STORED = "stored"  # in fetch_events now, by this write or an earlier one
    SET_ASIDE = "set aside"  # refused by a database that answers: logged whole, not kept
    DATABASE_AWAY = "database away"  # kept for a later flush


def _write(rt: Runtime, failure: Failure) -> Written:
    """Write `failure`, and say whether it must be kept for a later flush.

    A write that fails otherwise than with DATABASE_DOWN is read twice before the failure is given
    up: a driver error SQLAlchemy marks as a lost connection (psycopg2 reports some dropped
    connections as a bare DatabaseError), or any error while the database does not answer a plain
    SELECT, says the database is away. Only a database that answers and refuses the row (its content
    is at fault: a report deleted since) has the failure set aside, logged whole (the log is then its
    only record), so that one bad failure does not hold up those kept after it.
    """
    try:
        write_once(rt, failure)
    except DATABASE_DOWN:
        return Written.DATABASE_AWAY
    except SoftTimeLimitExceeded:
        raise  # the task's deadline, not the failure's fault: the task sends on its work (workers/deadline.py)
    except Exception as exc:
        if _connection_lost(exc) or not _database_answers(rt):
            log.warning("failure.write_postponed", url=failure.url, reason=f"database unavailable: {exc}")
            return Written.DATABASE_AWAY
        log.exception("failure.unwritable", **asdict(failure))
        return Written.SET_ASIDE
    return Written.STORED


def _connection_lost(exc: Exception) -> bool:
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _database_answers(rt: Runtime) -> bool:
    try:
        with rt.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False  # in doubt, keep the failure: a later flush can still write it
    return True


def _keep(rt: Runtime, failure: Failure) -> None:
    if isinstance(rt, ClusterRuntime):
        try:
            with rt.redis.pipeline(transaction=True) as pipe:
                pipe.lpush(PENDING_KEY, failure.to_json())
                pipe.ltrim(PENDING_KEY, 0, MAX_PENDING - 1)
                waiting = int(pipe.execute()[0])
        except redis.RedisError as exc:
            log.error("failure.kept_in_process", reason=f"Redis refused it: {exc}", url=failure.url)
        else:
            if waiting > MAX_PENDING:
                log.error("failure.dropped", dropped=waiting - MAX_PENDING, reason=f"more than {MAX_PENDING} waiting")
            log.warning("failure.deferred", waiting=min(waiting, MAX_PENDING), reason="database unavailable")
            return
    with _local_lock:
        _local.append(failure)
    log.warning("failure.deferred", waiting=len(_local), reason="database unavailable", kept="in this process")


def flush(rt: Runtime) -> int:
    """Write the failures kept while the database was down; how many this call wrote.

    Stops at the first database error (the rest waits for the next flush); never raises for a
    Redis error either: a task that got through is not failed by its bookkeeping. A task's soft time
    limit met while writing is raised, with what was not written still kept.
    """
    written = _flush_local(rt)
    if isinstance(rt, ClusterRuntime):
        try:
            if rt.redis.llen(PENDING_KEY):
                written += _flush_redis(rt)
        except redis.RedisError as exc:
            log.warning("failure.flush_postponed", reason=f"Redis unavailable: {exc}")
    return written


def pending(rt: Runtime) -> int:
    """How many failures wait to be written (in Redis, plus in this process)."""
    kept = len(_local)
    if isinstance(rt, ClusterRuntime):
        kept += int(rt.redis.llen(PENDING_KEY))
    return kept


def _flush_local(rt: Runtime) -> int:
    with _local_lock:
        if not _local:
            return 0
        waiting = list(_local)
        _local.clear()
    written = 0
    for n, failure in enumerate(waiting):
        try:
            outcome = _write(rt, failure)
        except BaseException:
            _keep_locally(waiting[n:])  # a deadline or an interrupt: what is not written yet stays kept
            raise
        if outcome is Written.DATABASE_AWAY:
            _keep_locally(waiting[n:])
            log.warning("failure.deferred", waiting=len(waiting) - n, reason="database unavailable")
            break
        written += outcome is Written.STORED
    return written


def _keep_locally(kept: list[Failure]) -> None:
    """Put failures taken out of this process's memory back, oldest first, ahead of any kept since."""
    with _local_lock:
        _local.extendleft(reversed(kept))


def _flush_redis(rt: ClusterRuntime) -> int:
    client = rt.redis
    token = uuid.uuid4().hex
    if not client.set(FLUSH_LOCK_KEY, token, nx=True, px=LOCK_MS):
        return 0  # another process is writing them
    pop_written = client.register_script(_POP_WRITTEN)
    written = 0
    try:
        while (raw := client.lindex(PENDING_KEY, -1)) is not None:
            outcome = _write_kept(rt, raw)
            if outcome is Written.DATABASE_AWAY:
                log.warning("failure.deferred", waiting=int(client.llen(PENDING_KEY)), reason="database unavailable")
                break
            popped = pop_written(keys=[PENDING_KEY, FLUSH_LOCK_KEY], args=[token, raw, LOCK_MS])
            written += outcome is Written.STORED
            if popped == 0:
                log.warning("failure.flush_stopped", reason="the flush lock expired")
                break
    finally:
        client.register_script(_RELEASE)(keys=[FLUSH_LOCK_KEY], args=[token])
    if written:
        log.info("failure.flushed", written=written)
    return written


def _write_kept(rt: Runtime, raw: Any) -> Written:
    """Write one failure kept in Redis (it stays on the list while the database is away). One that can
    never be written (unreadable, or refused by the database for its content) is logged whole, since
    the log is then its only record, and leaves the list."""
    try:
        failure = Failure.from_json(raw)
    except (ValueError, TypeError) as exc:
        log.error("failure.unreadable", raw=str(raw)[:2000], error=str(exc))
        return Written.SET_ASIDE
    return _write(rt, failure)
