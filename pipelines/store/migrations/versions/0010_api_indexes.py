"""The read API's indexes: trigram indexes for name and indicator search, the report list's order

Measured by bench/api.py (5,000 reports, ~376,000 metrics):

- `metrics.name_key LIKE '%key%'` (a series over every place: `/api/series?indicator=…`) and
  `metrics.name LIKE '%text%'` (`/api/metrics?name=…`) scan every metric without an index: a
  leading wildcard defeats a B-tree. GIN indexes of pg_trgm answer both from the trigrams of the
  pattern (PostgreSQL only: `CREATE EXTENSION pg_trgm`, a trusted extension since PostgreSQL 13).
  On a database whose LC_CTYPE is "C" pg_trgm sees no trigram in Chinese text and the index is
  never used; the default cluster locale here, C.UTF-8, is fine. A pattern of fewer than three
  characters has no trigram either, and is answered by a scan, as before.
- The report list (newest published first, undated last: `coalesce(published_at, '0001-01-01')
  DESC, id DESC`) sorted every report for each page; an index in that order lets a page read its
  rows and stop.

All three are PostgreSQL only: SQLite has no pg_trgm, would reflect the expression index with a
warning, and sorts the few thousand reports of an embedded database quickly.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM_INDEXES = {"ix_metrics_name_key_trgm": "name_key", "ix_metrics_name_trgm": "name"}
LIST_ORDER = "ix_reports_list_order"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The models declare the trigram indexes with `ddl_if(dialect="postgresql")` (env.py compares them on
    # PostgreSQL only); the expression index is in env.py's MIGRATION_ONLY_INDEXES, outside the comparison.
    op.create_index(LIST_ORDER, "reports", [sa.text("coalesce(published_at, '0001-01-01') DESC"), sa.text("id DESC")])
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES.items():
        op.create_index(name, "metrics", [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        op.drop_index(name, table_name="metrics")
    op.drop_index(LIST_ORDER, table_name="reports")
    # pg_trgm stays: other schemas of the database may use it, and unused it costs nothing.
