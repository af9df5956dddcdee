"""What beat's sweep and `govreports status` look for is found through partial indexes, not a scan of
every fetch and every report (migration 0011): their queries must keep implying the indexes' conditions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from pipelines.store import ingestion
from pipelines.store.models import utcnow


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Session]:
    """A session on the migrated PostgreSQL test database that plans without sequential scans where
    any index can answer: an empty table would otherwise be scanned whatever indexes it has."""
    engine = sa.create_engine(postgres_url)
    with Session(engine) as session:
        session.execute(sa.text("SET enable_seqscan = off"))
        yield session
    engine.dispose()


def _plan(session: Session, query: Select[tuple[int]]) -> str:
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return "\n".join(session.scalars(sa.text(f"EXPLAIN {compiled}")))


def test_the_pages_waiting_for_processing_are_read_from_their_partial_index(pg: Session) -> None:
    plan = _plan(pg, ingestion._unprocessed())
    assert "ix_fetch_events_waiting" in plan, plan


def test_the_reports_never_fetched_are_read_from_their_partial_index(pg: Session) -> None:
    plan = _plan(pg, ingestion._unfetched(utcnow() - timedelta(minutes=30)))
    assert "ix_reports_unfetched" in plan, plan
