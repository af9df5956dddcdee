"""metrics.name_key: the canonical indicator key, and the indexes the read API's queries use

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pipelines.indicator import canonical

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5_000


def upgrade() -> None:
    # In place (add_column), never a batch table copy: nothing can cascade.
    op.add_column("metrics", sa.Column("name_key", sa.Text(), nullable=True))
    metrics = sa.table("metrics", sa.column("id", sa.Integer), sa.column("name", sa.Text), sa.column("name_key"))
    bind = op.get_bind()
    last = 0
    while True:  # keyset batches: memory stays flat however many metrics are stored
        rows = bind.execute(
            sa.select(metrics.c.id, metrics.c.name).where(metrics.c.id > last).order_by(metrics.c.id).limit(_BATCH)
        ).all()
        if not rows:
            break
        bind.execute(
            metrics.update().where(metrics.c.id == sa.bindparam("mid")).values(name_key=sa.bindparam("key")),
            [{"mid": mid, "key": canonical(name)} for mid, name in rows],
        )
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_column("metrics", "name_key")
