"""A deadline on the statements of one transaction, on PostgreSQL and SQLite alike.

A read API answers many people from one database: a query that would scan everything must be
cut, not left to hold a connection and a core. PostgreSQL cuts it itself (`SET LOCAL
statement_timeout`, gone with the transaction). SQLite has no timeout, but calls a progress
handler every few thousand virtual-machine instructions; returning non-zero there interrupts
the statement. Both end in a `QueryTooSlow`, which the API answers as a problem, not a 500.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from scrapers.errors import PermanentError

_SQLITE_CHECK_EVERY = 1_000  # VM instructions between two looks at the clock (~10 µs)


class QueryTooSlow(PermanentError):
    """A statement ran past the deadline and was cancelled by the database: the same query would be cut
    again (the API answers 503 and says to narrow it), so it is not retried."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the query ran longer than {seconds:g} s and was stopped")
        self.seconds = seconds


def _sqlite_connection(session: Session) -> sqlite3.Connection | None:
    connection: Any = session.connection().connection.dbapi_connection
    return connection if isinstance(connection, sqlite3.Connection) else None


def _cancelled(exc: DBAPIError) -> bool:
    """PostgreSQL's query_canceled (57014) or SQLite's "interrupted"."""
    code = getattr(exc.orig, "sqlstate", None)
    return code == "57014" or "interrupted" in str(exc.orig).lower()


@contextmanager
def statement_deadline(session: Session, seconds: float) -> Iterator[None]:
    """Statements of `session` inside the block are cancelled after `seconds` each (PostgreSQL) or
    all together (SQLite); a cancelled one raises `QueryTooSlow`. Opens the session's transaction."""
    raw = _sqlite_connection(session)
    if raw is None:
        # set_config(…, true) is SET LOCAL with a bound value: gone when the transaction ends.
        milliseconds = str(max(1, int(seconds * 1000)))
        session.execute(text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": milliseconds})
    else:
        deadline = time.monotonic() + seconds
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), _SQLITE_CHECK_EVERY)
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        if _cancelled(exc):
            raise QueryTooSlow(seconds) from exc
        raise
    finally:
        if raw is not None:
            raw.set_progress_handler(None, _SQLITE_CHECK_EVERY)
