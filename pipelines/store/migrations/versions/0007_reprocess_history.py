"""re-extraction: a version's origin and reader, metric sets per extractor

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every version stored so far was made from a fetched page; its reader was not recorded (NULL),
    # so `govreports reprocess` reads it again once. Never by copying the table on SQLite (batch
    # "recreate"): dropping report_versions with foreign keys on deletes every metric and attachment
    # (ON DELETE CASCADE). Adding and dropping a column are plain ALTER TABLE there (SQLite 3.35+).
    with op.batch_alter_table("report_versions", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(16), nullable=False, server_default="fetch"))
        batch_op.add_column(sa.Column("reader_version", sa.String(32), nullable=True))
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extractor_version", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
    # The metrics stored so far are their version's one set, made by the version's extractor.
    op.execute(
        "UPDATE metrics SET extractor_version = "
        "(SELECT report_versions.extractor_version FROM report_versions WHERE report_versions.id = metrics.version_id)"
    )
    # A version may now hold one set per extractor: seq is unique within a set.
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.alter_column("extractor_version", existing_type=sa.String(32), nullable=False)
        batch_op.drop_constraint("uq_metrics_version_seq", type_="unique")
        batch_op.create_unique_constraint(
            "uq_metrics_version_extractor_seq", ["version_id", "extractor_version", "seq"]
        )


def downgrade() -> None:
    # The sets re-extraction replaced cannot stay under one-set-a-version: they are dropped.
    op.execute("DELETE FROM metrics WHERE superseded_at IS NOT NULL")
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.drop_constraint("uq_metrics_version_extractor_seq", type_="unique")
        batch_op.create_unique_constraint("uq_metrics_version_seq", ["version_id", "seq"])
        batch_op.drop_column("superseded_at")
        batch_op.drop_column("extractor_version")
    with op.batch_alter_table("report_versions", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("reader_version")
        batch_op.drop_column("origin")
