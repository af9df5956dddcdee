"""per-report revisit interval (adaptive schedule)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: a report not yet revisited uses GOVREPORTS_REVISIT_AFTER_HOURS. add_column alters in
    # place on SQLite too (no table copy, so no cascade can touch versions).
    op.add_column("reports", sa.Column("revisit_hours", sa.Float(), nullable=True))


def downgrade() -> None:
    # In place, never a batch table copy: copying `reports` on SQLite would cascade into its versions.
    op.drop_column("reports", "revisit_hours")
