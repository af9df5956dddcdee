"""Alembic environment: the URL comes from the caller (`govreports db upgrade`) or -x url=…/env."""

from __future__ import annotations

import os
from typing import Any

from alembic import context
from sqlalchemy import Connection

from pipelines.store.models import Base
from pipelines.store.session import make_engine

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return (
        config.attributes.get("url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("GOVREPORTS_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
        or "sqlite:///data/govreports.sqlite3"
    )


# Indexes a migration makes that the models do not declare: alembic cannot compare an expression
# index on SQLite (it warns, and warnings fail the tests), so the models leave it out and the
# comparison ignores it. 0010: the report list's order, coalesce(published_at, …) DESC, id DESC.
MIGRATION_ONLY_INDEXES = frozenset({"ix_reports_list_order"})


def _include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


def _only_elsewhere(obj: Any, dialect: str) -> bool:
    """An index the models build on another database only (`Index(…).ddl_if(dialect="postgresql")`)."""
    condition = getattr(obj, "_ddl_if", None)  # SQLAlchemy's record of ddl_if(); alembic does not read it
    wanted = getattr(condition, "dialect", None)
    return wanted is not None and wanted != dialect


def _configure(connection: Connection) -> None:
    dialect = connection.dialect.name

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        return not (type_ == "index" and not reflected and _only_elsewhere(obj, dialect))

    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=dialect == "sqlite",
        compare_type=True,
        include_object=include_object,
        include_name=_include_name,
    )


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
