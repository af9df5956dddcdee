"""Failures seen while PostgreSQL is down: kept where a dead process does not take them along, each
written to fetch_events exactly once when the database is back."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa

from seeds.demo import DemoSite, build_demo_site
from tests.reliability.conftest import WorkerFactory, scalar, send, wait_for_versions, wait_idle
from tests.reliability.servers import PrivatePostgres, wait_until
from workers.failures import FLUSH_LOCK_KEY, PENDING_KEY

DATABASE_DOWN = ("OperationalError: ", "InterfaceError: ")


@pytest.fixture
def site() -> DemoSite:
    return build_demo_site(extra_reports=120)


def _ledger(path: Path) -> list[dict[str, Any]]:
    """What the workers wrote to the ledger (tests/reliability/stall_app.py): failures, and deaths."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _failures_seen(ledger: list[dict[str, Any]]) -> Counter[tuple[str, str, str, str]]:
    return Counter(
        (e["url"], e["kind"], e["outcome"], e["error"])
        for e in ledger
        if "error" in e and e["error"].startswith(DATABASE_DOWN)
    )


def _failures_stored(url: str) -> Counter[tuple[str, str, str, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT url, kind, outcome, error FROM fetch_events "
                    "WHERE error LIKE 'OperationalError: %' OR error LIKE 'InterfaceError: %'"
                )
            ).all()
    finally:
        engine.dispose()
    return Counter((r.url, r.kind, r.outcome, r.error) for r in rows)


def _versions(store: str) -> int:
    try:
        return int(scalar(store, "SELECT count(*) FROM report_versions"))
    except sa.exc.OperationalError:
        return -1


@pytest.mark.timeout(240)
def test_failures_seen_while_postgresql_is_down_outlive_killed_pool_processes_and_land_once_each(
    start_worker: WorkerFactory,
    broker: str,
    store: str,
    site: DemoSite,
    private_pg: PrivatePostgres,
    tmp_path: Path,
    reliability_result: Any,
) -> None:
    ledger = tmp_path / "failures.jsonl"
    worker = start_worker(
        concurrency=2,
        GOVREPORTS_TEST_FAILURE_LEDGER=str(ledger),
        GOVREPORTS_TEST_DIE_AFTER_FAILURES="10",
        GOVREPORTS_TEST_DIE_IN_FLUSH="1",
    )
    for slug in ("demo-yangjiang", "demo-heyuan"):
        send(broker, "govreports.crawl_portal", slug)
    wait_until(lambda: _versions(store) >= 10, 120, "10 versions before the outage")

    private_pg.stop()
    # The outage lasts until pool processes have died with failures only they knew about.
    wait_until(
        lambda: sum("died" in e for e in _ledger(ledger)) >= 3 and sum(_failures_seen(_ledger(ledger)).values()) >= 30,
        60,
        "30 failures and 3 pool processes killed during the outage",
    )
    private_pg.start()

    expected = len(site.all_articles())
    wait_for_versions(store, expected, [worker])
    wait_idle(broker)
    # The flusher killed mid-flush held the flush lock: it expires on its own. Then beat's periodic
    # resend_stuck writes what still waits, as it would when no other task comes along.
    client = redis.Redis.from_url(broker)
    wait_until(lambda: client.get(FLUSH_LOCK_KEY) is None, 30, "the dead flusher's lock expired")
    send(broker, "govreports.resend_stuck", queue="process")
    wait_until(lambda: client.llen(PENDING_KEY) == 0, 30, "no failure waiting in Redis")
    client.close()
    wait_idle(broker)

    entries = _ledger(ledger)
    seen = _failures_seen(entries)
    stored = _failures_stored(store)
    lost = sum((seen - stored).values())
    duplicated = sum((stored - seen).values())
    deaths = [e["why"] for e in entries if "died" in e]
    mid_flush = [why for why in deaths if "not yet taken off the list" in why]
    reliability_result(
        "failures seen while PostgreSQL is down (counted in failures, not reports)",
        f"pg_ctl stop after 10 of {expected} versions; {len(deaths) - len(mid_flush)} pool processes SIGKILLed "
        f"during the outage, each after its 10th failure, and {len(mid_flush)} after writing a kept failure "
        "but before taking it off the Redis list; pg_ctl start",
        1,
        sum(seen.values()),
        sum((seen & stored).values()),
        duplicated,
        lost,
    )
    assert (lost, duplicated) == (0, 0)
    assert mid_flush, "a flush was cut short between a write and its pop"
