"""fetch_events.failure_key: each kept failure written once by its own key

A failure seen while the database was down waits (in Redis, or in the process) and a later flush
writes it; a flusher killed between its commit and taking the failure off the list leaves it to be
written again. The write used to look for a row with the same time, URL, kind, outcome and error and
insert only when there was none. Failures alike in all of these are not rare: tasks label a failed
batch by its size ("batch of 10 fetched pages"), and two pool processes that the worker's timer
started together fail their retries within microseconds of each other with the same error. Two such
failures in the same microsecond were written as one: the one cause found for the rare failure of
tests/reliability/test_failures_kept.py (36 failures kept, 36 flushed, 35 rows, with six failures of
one batch label among them). Each failure
now carries the key it got when it was seen, written with it under a unique index (partial: the
other events have none), and the insert does nothing when the key is taken. Rows written before
have no key, and no kept failure can match them any more than a new one.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYED_FAILURE = "failure_key IS NOT NULL"  # as pipelines.store.models writes it, copied


def upgrade() -> None:
    # In place (add_column, nullable, no default): no table rewrite, and on SQLite no batch copy.
    op.add_column("fetch_events", sa.Column("failure_key", sa.String(length=32), nullable=True))
    op.create_index(
        "ix_fetch_events_failure_key",
        "fetch_events",
        ["failure_key"],
        unique=True,
        sqlite_where=sa.text(KEYED_FAILURE),
        postgresql_where=sa.text(KEYED_FAILURE),
    )


def downgrade() -> None:
    op.drop_index("ix_fetch_events_failure_key", table_name="fetch_events")
    with op.batch_alter_table("fetch_events") as batch:
        batch.drop_column("failure_key")
