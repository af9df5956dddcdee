"""cleaning warnings on report versions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable and without a default: existing versions keep NULL (no warning recorded).
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cleaning_warnings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.drop_column("cleaning_warnings")
