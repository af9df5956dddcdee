"""What beat's sweep and `govreports status` read on a large store, with and without their indexes.

    python bench/sweep.py                          # 300,000 reports, 3,000,000 fetch events
    python bench/sweep.py --reports 2000 --events 20000

Beat's `resend_stuck` (every 15 minutes) and `govreports status` look for a few rows among many: the
article pages fetched and not yet processed (`fetch_events.body_z IS NOT NULL`) and the reports listed
and never fetched. The bench fills `govreports_bench_sweep` on the local PostgreSQL
(GOVREPORTS_BENCH_SWEEP_POSTGRES_URL moves it) with generate_series, migrated to schema 0010 (before the
partial indexes of 0011): one portal, every report fetched and versioned but one in a thousand (listed
an hour ago, never fetched), five fetch events a report (one list page, four article fetches) of which
one in ten thousand still holds its page. It times, fastest of five, the three selects of
`pipelines.store.ingestion` (the count `govreports status` shows, and the two selects of the sweep),
migrates to head on the filled database, times them again, and drops the database.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

import sqlalchemy as sa  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.api import create_database, drop_database, unreachable  # noqa: E402
from pipelines.store import ingestion, migrate  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/govreports_bench_sweep"
WITHOUT_INDEXES = "0010"  # the schema before 0011_waiting_indexes
RUNS = 5
OLDER_THAN = timedelta(minutes=30)  # the sweep's own cutoff

QUERIES: dict[str, Callable[[Session], int]] = {
    "waiting_counts (status)": lambda s: sum(ingestion.waiting_counts(s)),
    "unprocessed_fetch_ids (sweep)": lambda s: len(ingestion.unprocessed_fetch_ids(s, older_than=OLDER_THAN)),
    "unfetched_report_ids (sweep)": lambda s: sum(
        map(len, ingestion.unfetched_report_ids(s, older_than=OLDER_THAN).values())
    ),
}


def fill(engine: sa.Engine, reports: int, events: int) -> None:
    """One portal; `reports` reports, one in a thousand never fetched; `events` fetch events, one in
    five of a list page, one in ten thousand of an article page still waiting for processing."""
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO portals (slug, name, region, agency) VALUES ('bench', 'bench', '', '')"))
        conn.execute(
            sa.text(
                "INSERT INTO reports "
                "(portal_id, url, title, first_seen_at, last_seen_at, last_fetched_at, current_version) "
                "SELECT 1, 'https://bench.example/' || g, '', now() - interval '1 hour', now(), "
                "CASE WHEN g % 1000 = 0 THEN NULL ELSE now() END, CASE WHEN g % 1000 = 0 THEN 0 ELSE 1 END "
                "FROM generate_series(1, :n) g"
            ),
            {"n": reports},
        )
        conn.execute(
            sa.text(
                "INSERT INTO fetch_events "
                "(portal_id, report_id, url, kind, outcome, size_bytes, elapsed_ms, created_at, body_z) "
                "SELECT 1, CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + (g % :reports) END, 'https://bench.example/' || g, "
                "CASE WHEN g % 5 = 0 THEN 'list' ELSE 'article' END, 'ok', 1000, 10, now() - interval '1 hour', "
                "CASE WHEN g % 10000 = 1 THEN '\\x00'::bytea ELSE NULL END "
                "FROM generate_series(1, :n) g"
            ),
            {"n": events, "reports": reports},
        )
        # A report never fetched has no fetch event: those of its number go to no report.
        conn.execute(sa.text("UPDATE fetch_events SET report_id = NULL WHERE report_id % 1000 = 0"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def timed(engine: sa.Engine, query: Callable[[Session], int]) -> tuple[float, int]:
    """(fastest of RUNS in ms, rows found)."""
    best, found = float("inf"), 0
    for _ in range(RUNS):
        started = time.perf_counter()
        with Session(engine) as session:
            found = query(session)
        best = min(best, time.perf_counter() - started)
    return best * 1000, found


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=300_000)
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--database", default=os.environ.get("GOVREPORTS_BENCH_SWEEP_POSTGRES_URL", DEFAULT_URL))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=120)
    if (why := unreachable(args.database)) is not None:
        console.print(f"skipped: no PostgreSQL ({why})")
        return 0
    create_database(args.database)
    engine = sa.create_engine(args.database)
    rows: list[tuple[str, str, float, int]] = []
    try:
        migrate.upgrade(args.database, WITHOUT_INDEXES)
        started = time.perf_counter()
        fill(engine, args.reports, args.events)
        console.print(
            f"{args.reports:,} reports, {args.events:,} fetch events, filled in {time.perf_counter() - started:.1f} s"
        )
        for schema in (WITHOUT_INDEXES, "head"):
            if schema == "head":
                migrate.upgrade(args.database, "head")
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(sa.text("ANALYZE"))
            for name, query in QUERIES.items():
                ms, found = timed(engine, query)
                rows.append((schema, name, ms, found))
    finally:
        engine.dispose()
        drop_database(args.database)
    console.print(table(rows))
    return 0


def table(rows: Sequence[tuple[str, str, float, int]]) -> Table:
    out = Table(title=f"the sweep's selects, fastest of {RUNS} (ms)")
    for column, justify in (("schema", "left"), ("select", "left"), ("ms", "right"), ("rows", "right")):
        out.add_column(column, justify=justify)  # type: ignore[arg-type]
    for schema, name, ms, found in rows:
        label: Any = "0010 (no partial indexes)" if schema == WITHOUT_INDEXES else "head (0011)"
        out.add_row(label, name, f"{ms:.1f}", f"{found:,}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
