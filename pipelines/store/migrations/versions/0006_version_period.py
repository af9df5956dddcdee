"""the period a version reports on

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: a version whose title and opening name no period has none (and older versions are
    # filled when they are re-extracted).
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("period_from", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("period_to", sa.Integer(), nullable=True))
        batch_op.create_index("ix_report_versions_period_from", ["period_from"])


def downgrade() -> None:
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_report_versions_period_from")
        batch_op.drop_column("period_to")
        batch_op.drop_column("period_from")
        batch_op.drop_column("period")
