"""Partial indexes for what beat's sweep and `govreports status` look for

Both read a few rows out of whole tables, every 15 minutes (beat's `resend_stuck`) and at every
`govreports status`: the article pages fetched and not yet processed (`fetch_events.body_z IS NOT
NULL`, out of every fetch ever made) and the reports listed and never fetched (`reports.current_version
= 0 AND last_fetched_at IS NULL`). Without an index each was a scan of its table. `bench/sweep.py`,
PostgreSQL, 300,000 reports and 3,000,000 fetch events: the count `govreports status` shows 190 ms →
3.0 ms, the sweep's select of pages to send again 160 ms → 1.6 ms, of reports never fetched 37 ms →
2.8 ms. A partial index holds only the rows of its condition, so what it costs the writes of a crawl
is the few rows waiting. SQLite and PostgreSQL both build them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As pipelines.store.models writes them (WAITING_PAGE, UNFETCHED_REPORT), copied: a migration keeps
# the schema of its day whatever the models become.
WAITING_PAGE = "body_z IS NOT NULL"
UNFETCHED_REPORT = "current_version = 0 AND last_fetched_at IS NULL"
INDEXES = {  # name: (table, the condition of its rows)
    "ix_fetch_events_waiting": ("fetch_events", WAITING_PAGE),
    "ix_reports_unfetched": ("reports", UNFETCHED_REPORT),
}


def upgrade() -> None:
    for name, (table, condition) in INDEXES.items():
        op.create_index(name, table, ["id"], sqlite_where=sa.text(condition), postgresql_where=sa.text(condition))


def downgrade() -> None:
    for name, (table, _) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
