"""bench/api.py still builds its database, serves the app and measures every query kind.

A tiny run (50 reports, a few requests a kind) with `--compare`, so both schemas (without the
API indexes, then migrated to head on a filled database) are measured, in a few seconds. The
database is this suite's PostgreSQL URL with `_bench_api` appended; the bench drops it.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bench import api
from pipelines.store import migrate
from tests.conftest import POSTGRES_URL, require_server


@pytest.mark.postgres
def test_bench_measures_every_query_kind_before_and_after_the_indexes(capsys: pytest.CaptureFixture[str]) -> None:
    require_server(POSTGRES_URL, 5432, "PostgreSQL")
    url = POSTGRES_URL + "_bench_api"

    assert api.main(["--reports", "50", "--requests", "4", "--clients", "2", "--compare", "--database", url]) == 0

    out = capsys.readouterr().out
    assert "50 reports" in out and "metrics (" in out
    table = [[cell.strip() for cell in line.split("│")] for line in out.splitlines() if line.startswith("│")]
    for kind in api.KINDS:
        rows = [cells for cells in table if cells[2] == kind]
        # without the API indexes, then at head (0010 added them; later revisions keep them)
        assert [cells[1].split()[0] for cells in rows] == ["0009", migrate.head_revision()], out
        assert all(cells[3:5] == ["4", "0"] for cells in rows), rows  # 4 requests, none failed
    assert "target p95" in out
    admin = sa.create_engine(api.admin_url(url))
    with admin.connect() as conn:  # dropped afterwards
        assert not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.rsplit("/", 1)[1]})
    admin.dispose()


def test_the_builder_fills_what_the_queries_read() -> None:
    """Every version's metrics carry the canonical key, and the workload asks for names the pool has."""
    builder = api.Builder(20, seed=1)
    assert all(builder.key(pm.metric.name) for pm in builder.pool)
    work = api.workload(builder.pool, 3, seed=1)
    assert set(work) == set(api.KINDS) and all(len(requests) == 3 for requests in work.values())
    assert {p.region for p in builder.portals} >= {"广东省广州市", "广东省广州市花都区"}
