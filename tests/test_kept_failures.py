"""A failure kept while the database was down is dropped only when a database that answers refuses it.

workers.failures keeps what it could not write (in Redis, or in this process without one) and a later
flush writes it. An error of another kind than "database down" at that write is read twice: a driver
error that says the connection was lost, or any error while the database does not answer a plain
SELECT, means the database is still away, and the failure waits for the next flush. Only a database
that answers and still refuses the row (its content is at fault) has the failure logged whole and
set aside, so one bad failure does not hold up the others.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import DatabaseError

from pipelines.store import migrate
from tests.conftest import REDIS_URL, RuntimeFactory, require_server
from tests.helpers import failures as stored_failures
from workers import failures, tasks
from workers.failures import PENDING_KEY, Failure


def _failure(url: str, **fields: Any) -> Failure:
    return Failure(url=url, kind="fetch", error="OperationalError: connection refused", **fields)


def _deadline(_rt: Any, _failure: Failure) -> bool:
    """A write cut short by the task's soft time limit (Celery raises it wherever the task is)."""
    raise SoftTimeLimitExceeded()


def _closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening: a database there never answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _driver_error() -> DatabaseError:
    """An error a driver may raise for a connection the server dropped mid-statement that is no
    OperationalError (psycopg2's "error with status PGRES_TUPLES_OK and no message from the libpq")."""
    return DatabaseError("INSERT INTO fetch_events …", {}, Exception("no message from the libpq"))


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    require_server(REDIS_URL, 6379, "Redis")
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(autouse=True)
def _nothing_kept_in_process() -> Iterator[None]:
    failures._local.clear()
    yield
    failures._local.clear()


def test_a_failure_the_database_refuses_is_set_aside_and_the_failures_kept_after_it_are_written(
    make_runtime: RuntimeFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    down = tmp_path / "down.sqlite3"
    down.mkdir()  # a database file that cannot be opened: every write finds the database down
    rt = make_runtime(f"sqlite:///{down}")
    kept = [
        _failure("https://a.example/1"),
        _failure("https://a.example/2", report_id=999),
        _failure("https://a.example/3"),
    ]
    for failure in kept:
        failures.record(rt, failure)
    assert failures.pending(rt) == 3
    down.rmdir()
    migrate.upgrade(f"sqlite:///{down}")  # the database is back; report 999 does not exist in it

    written = failures.flush(rt)

    assert sorted(e.url for e in stored_failures(rt)) == ["https://a.example/1", "https://a.example/3"]
    assert written == 2
    assert failures.pending(rt) == 0


def test_a_failure_whose_write_fails_while_the_database_does_not_answer_stays_kept(
    make_runtime: RuntimeFactory, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = make_runtime(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/gone", redis_url=REDIS_URL)
    redis_client.lpush(PENDING_KEY, _failure("https://a.example/1").to_json())

    def write_fails(_rt: Any, _failure: Failure) -> bool:
        raise _driver_error()

    monkeypatch.setattr(failures, "write_once", write_fails)

    assert failures.flush(rt) == 0
    assert redis_client.llen(PENDING_KEY) == 1


def test_a_failure_whose_write_lost_its_connection_stays_kept_though_the_database_answers(
    make_runtime: RuntimeFactory, sqlite_url: str, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = make_runtime(sqlite_url, redis_url=REDIS_URL)
    redis_client.lpush(PENDING_KEY, _failure("https://a.example/1").to_json())

    def connection_dropped(_rt: Any, _failure: Failure) -> bool:
        error = _driver_error()
        error.connection_invalidated = True  # what SQLAlchemy sets when the dialect reads a disconnect
        raise error

    monkeypatch.setattr(failures, "write_once", connection_dropped)

    assert failures.flush(rt) == 0
    assert redis_client.llen(PENDING_KEY) == 1


def test_a_failure_a_database_that_answers_refuses_leaves_the_list_and_is_logged_whole(
    make_runtime: RuntimeFactory, sqlite_url: str, redis_client: redis.Redis, capsys: pytest.CaptureFixture[str]
) -> None:
    rt = make_runtime(sqlite_url, redis_url=REDIS_URL)
    redis_client.lpush(PENDING_KEY, _failure("https://a.example/1", report_id=999).to_json())

    failures.flush(rt)

    assert redis_client.llen(PENDING_KEY) == 0
    assert stored_failures(rt) == []
    logged = capsys.readouterr()
    assert "failure.unwritable" in logged.out + logged.err
    assert "https://a.example/1" in logged.out + logged.err


def test_a_kept_failure_is_written_once_the_database_answers_again(
    make_runtime: RuntimeFactory, sqlite_url: str, redis_client: redis.Redis
) -> None:
    rt = make_runtime(sqlite_url, redis_url=REDIS_URL)
    redis_client.lpush(PENDING_KEY, _failure("https://a.example/1").to_json())

    assert failures.flush(rt) == 1
    assert [e.url for e in stored_failures(rt)] == ["https://a.example/1"]
    assert redis_client.llen(PENDING_KEY) == 0


def test_a_task_deadline_met_while_writing_a_kept_failure_keeps_it_and_reaches_the_task(
    make_runtime: RuntimeFactory, sqlite_url: str, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Celery's soft time limit tells the task to send on its work (workers/deadline.py): it is not the
    failure's fault, so the failure stays kept and the task still hears its deadline."""
    rt = make_runtime(sqlite_url, redis_url=REDIS_URL)
    redis_client.lpush(PENDING_KEY, _failure("https://a.example/1").to_json())

    monkeypatch.setattr(failures, "write_once", _deadline)

    with pytest.raises(SoftTimeLimitExceeded):
        failures.flush(rt)
    assert redis_client.llen(PENDING_KEY) == 1


def test_a_task_deadline_met_while_writing_failures_kept_in_process_loses_none_of_them(
    make_runtime: RuntimeFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = tmp_path / "down.sqlite3"
    down.mkdir()
    rt = make_runtime(f"sqlite:///{down}")
    for n in (1, 2, 3):
        failures.record(rt, _failure(f"https://a.example/{n}"))

    monkeypatch.setattr(failures, "write_once", _deadline)

    with pytest.raises(SoftTimeLimitExceeded):
        failures.flush(rt)
    assert failures.pending(rt) == 3


def test_a_task_deadline_met_while_recording_a_failure_keeps_it_for_a_later_flush(
    make_runtime: RuntimeFactory, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = make_runtime(sqlite_url)
    write = failures.write_once

    monkeypatch.setattr(failures, "write_once", _deadline)
    with pytest.raises(SoftTimeLimitExceeded):
        failures.record(rt, _failure("https://a.example/1"))
    monkeypatch.setattr(failures, "write_once", write)

    assert failures.flush(rt) == 1
    assert [e.url for e in stored_failures(rt)] == ["https://a.example/1"]


def test_the_flush_after_a_task_cut_short_by_its_deadline_leaves_the_rest_for_the_next_one(
    make_runtime: RuntimeFactory, sqlite_url: str, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The task's work is done when it flushes: its deadline there fails nothing, loses nothing."""
    make_runtime(sqlite_url, redis_url=REDIS_URL)
    redis_client.lpush(PENDING_KEY, _failure("https://a.example/1").to_json())

    monkeypatch.setattr(failures, "write_once", _deadline)

    tasks.flush_deferred()

    assert redis_client.llen(PENDING_KEY) == 1
