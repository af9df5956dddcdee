"""A flaky portal, poison pages and duplicate deliveries: everything recoverable ingested once."""

from __future__ import annotations

import threading
from typing import Any

from seeds.demo import DemoSite
from tests.reliability.conftest import WorkerFactory, ingest_census, scalar, send, wait_for_versions, wait_idle
from tests.reliability.servers import wait_until


def test_a_portal_failing_20_percent_of_requests_is_ingested_after_retries(
    start_worker: WorkerFactory, broker: str, store: str, site: DemoSite, reliability_result: Any
) -> None:
    site.stall_seconds = 1.5
    site.chaos(0.2, seed=20261122)
    worker = start_worker(concurrency=2, GOVREPORTS_MAX_RETRIES="10", GOVREPORTS_RETRY_BACKOFF_MAX="2")
    for slug in ("demo-yangjiang", "demo-heyuan"):
        send(broker, "govreports.crawl_portal", slug)
    expected = len(site.all_articles())
    wait_for_versions(store, expected, [worker], seconds=240)
    wait_idle(broker, seconds=120)
    census = ingest_census(store)
    causes = scalar(
        store, "SELECT count(DISTINCT split_part(error, ':', 1)) FROM fetch_events WHERE outcome = 'retrying'"
    )
    reliability_result(
        "portal answers 500 / reset / timeout / truncated body to 20% of requests",
        "seeded chaos in the demo server; up to 10 retries",
        1,
        expected,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        census["lost"],
    )
    assert (census["reports"], census["versions"], census["duplicated"], census["lost"]) == (expected, expected, 0, 0)
    assert causes >= 1


def test_reports_that_exhaust_their_retries_are_recorded_and_a_later_crawl_picks_them_up(
    start_worker: WorkerFactory, broker: str, store: str, site: DemoSite, reliability_result: Any
) -> None:
    portal = site.portals["hy"]
    broken = [portal.article_path(a) for a in portal.articles[:3]]
    for path in broken:
        site.fail(path, "500")
    worker = start_worker(concurrency=2, GOVREPORTS_MAX_RETRIES="1", GOVREPORTS_RETRY_BACKOFF_MAX="1")
    for slug in ("demo-yangjiang", "demo-heyuan"):
        send(broker, "govreports.crawl_portal", slug)
    expected = len(site.all_articles())
    wait_for_versions(store, expected - 3, [worker])
    wait_until(
        lambda: scalar(store, "SELECT count(*) FROM fetch_events WHERE outcome = 'failed'") >= 3,
        60,
        "three failures recorded",
    )
    wait_idle(broker)
    failed = scalar(store, "SELECT string_agg(url || ' ' || error, ' | ') FROM fetch_events WHERE outcome = 'failed'")
    assert all(path in failed for path in broken) and "HTTP 500" in failed
    for path in broken:
        site.faults.pop(path)
    send(broker, "govreports.crawl_portal", "demo-heyuan")
    wait_for_versions(store, expected, [worker])
    wait_idle(broker)
    census = ingest_census(store)
    reliability_result(
        "reports failing beyond their retries",
        "3 article pages answer 500 until a later crawl; 1 retry",
        2,
        expected,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        census["lost"],
    )
    assert (census["versions"], census["duplicated"], census["lost"]) == (expected, 0, 0)


def test_a_poison_page_is_recorded_not_retried_and_the_queue_keeps_flowing(
    start_worker: WorkerFactory, broker: str, store: str, site: DemoSite, reliability_result: Any
) -> None:
    site.edit("hy", 1002, "POISON-PAGE-MARKER")
    worker = start_worker(concurrency=2, GOVREPORTS_TEST_POISON="POISON-PAGE-MARKER")
    for slug in ("demo-yangjiang", "demo-heyuan"):
        send(broker, "govreports.crawl_portal", slug)
    expected = len(site.all_articles())
    wait_for_versions(store, expected - 1, [worker])
    wait_idle(broker)
    crashes = scalar(
        store,
        "SELECT count(*) FROM fetch_events WHERE kind = 'process' AND outcome = 'failed' "
        "AND error LIKE 'RecursionError%'",
    )
    retries = scalar(store, "SELECT count(*) FROM fetch_events WHERE kind = 'process' AND outcome = 'retrying'")
    census = ingest_census(store)
    reliability_result(
        "a poison page that crashes the parser",
        "a page whose parsing raises RecursionError",
        1,
        expected - 1,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        0,
    )
    assert (crashes, retries) == (1, 0)
    assert census["versions"] == expected - 1 and census["duplicated"] == 0


def test_every_task_delivered_twice_and_concurrently_leaves_the_same_rows(
    start_worker: WorkerFactory, broker: str, store: str, site: DemoSite, reliability_result: Any
) -> None:
    workers = [start_worker(concurrency=2), start_worker(concurrency=2)]
    threads = [
        threading.Thread(target=send, args=(broker, "govreports.crawl_portal", slug))
        for slug in ("demo-yangjiang", "demo-heyuan", "demo-yangjiang", "demo-heyuan")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = len(site.all_articles())
    wait_for_versions(store, expected, workers)
    wait_idle(broker)
    # Each fetched page delivered to process_report twice more, at once.
    events = [
        row
        for row in scalar(
            store, "SELECT string_agg(id::text, ',') FROM fetch_events WHERE kind = 'article' AND status = 200"
        ).split(",")
    ]
    for event_id in events:
        send(broker, "govreports.process_report", int(event_id), queue="process")
        send(broker, "govreports.process_report", int(event_id), queue="process")
    report_ids = [int(i) for i in scalar(store, "SELECT string_agg(id::text, ',') FROM reports").split(",")]
    for report_id in report_ids:
        send(broker, "govreports.fetch_report", report_id)
    for _ in range(2):  # and every report again, as one batch delivered twice
        send(broker, "govreports.fetch_reports", report_ids)
    wait_idle(broker)
    census = ingest_census(store)
    reliability_result(
        "duplicate deliveries of every task type",
        "each crawl sent twice at once; each process, fetch and fetch batch resent",
        3,
        expected,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        census["lost"],
    )
    assert (census["reports"], census["versions"], census["duplicated"], census["lost"]) == (expected, expected, 0, 0)


def test_a_next_step_that_cannot_be_queued_runs_again_and_nothing_is_lost(
    start_worker: WorkerFactory, broker: str, store: str, site: DemoSite, reliability_result: Any
) -> None:
    """kombu 5.7 can publish on a channel a Redis reconnect closed (AttributeError, not a connection
    error, so the publish retry misses it; Celery drops a task whose retry it cannot publish).
    Here every 8th send of each process fails that way, and three pages fail twice (so their
    retries are sent too): every task whose next step or retry was not queued must run again."""
    for prefix, n in (("hy", 2), ("hy", 9), ("yj", 1)):
        portal = site.portals[prefix]
        site.fail(portal.article_path(portal.articles[n]), "500", times=2)
    workers = [start_worker(concurrency=2, GOVREPORTS_TEST_BROKEN_PUBLISH="8")]
    for slug in ("demo-yangjiang", "demo-heyuan"):
        send(broker, "govreports.crawl_portal", slug)
    expected = len(site.all_articles())
    wait_for_versions(store, expected, workers, seconds=180)
    wait_idle(broker)
    census = ingest_census(store)
    requeued = sum(w.log_path.read_text(errors="replace").count("task.requeued") for w in workers)
    reliability_result(
        "a next step or retry that cannot be queued",
        f"every 8th publish of a process raises kombu's closed-channel AttributeError; {requeued} tasks run again",
        1,
        expected,
        census["versions"] - census["duplicated"],
        census["duplicated"],
        census["lost"],
    )
    assert requeued > 0, "the fault fired"
    assert (census["reports"], census["versions"], census["duplicated"], census["lost"]) == (expected, expected, 0, 0)
