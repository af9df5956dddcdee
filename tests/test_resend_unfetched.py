"""resend_stuck sends again the listed reports whose fetch never ran: a fetch message the broker lost
(Redis hands a message over before the worker notes it as unacknowledged) leaves its reports listed
and unfetched, and an incremental crawl does not walk back to the list page that named them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select, update

from pipelines.store.models import FetchEvent, Report, utcnow
from seeds.demo import DemoServer
from tests.conftest import RuntimeFactory
from tests.helpers import versions
from tests.runtime_processes import redis_db
from workers import runtime, tasks
from workers.outcomes import ResendAnswer

PORTAL = "demo-heyuan"
OLDER_THAN_MINUTES = 30


@pytest.fixture
def listed(database_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory) -> Iterator[list[int]]:
    """Every report of one demo portal listed, none fetched: what a lost fetch message leaves."""
    rt = make_runtime(database_url, demo_server.base_url)
    tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False})
    with rt.sessions() as session:
        ids = list(session.scalars(select(Report.id).order_by(Report.id)))
    assert len(ids) >= 4
    yield ids


def listed_ago(report_ids: list[int], minutes: float) -> None:
    with runtime.current().transaction() as session:
        session.execute(
            update(Report).where(Report.id.in_(report_ids)).values(first_seen_at=utcnow() - timedelta(minutes=minutes))
        )


def event_ago(report_id: int, outcome: str, minutes: float) -> None:
    with runtime.current().transaction() as session:
        session.add(
            FetchEvent(
                report_id=report_id,
                url=f"report:{report_id}",
                kind="article",
                outcome=outcome,
                error="a timeout",
                created_at=utcnow() - timedelta(minutes=minutes),
            )
        )


def sweep() -> ResendAnswer:
    result = tasks.resend_stuck.apply(kwargs={"older_than_minutes": OLDER_THAN_MINUTES})
    assert result.successful(), result.traceback
    return ResendAnswer.from_json(result.result)


def stored_reports() -> set[int]:
    with runtime.current().sessions() as session:
        return set(session.scalars(select(Report.id).where(Report.current_version > 0)))


def test_reports_listed_long_ago_and_never_fetched_are_fetched_and_stored(listed: list[int]) -> None:
    listed_ago(listed, 2 * OLDER_THAN_MINUTES)
    answer = sweep()
    assert (answer.resent, answer.refetched) == (0, len(listed))
    assert stored_reports() == set(listed)
    assert versions(runtime.current()) == len(listed)


def test_reports_listed_recently_are_left_to_the_fetch_queued_for_them(listed: list[int]) -> None:
    listed_ago(listed, OLDER_THAN_MINUTES / 2)
    assert sweep().refetched == 0
    assert stored_reports() == set()


def test_a_report_whose_fetch_failed_for_good_is_not_sent_again(listed: list[int]) -> None:
    listed_ago(listed, 2 * OLDER_THAN_MINUTES)
    event_ago(listed[0], "failed", OLDER_THAN_MINUTES + 5)
    assert sweep().refetched == len(listed) - 1
    assert stored_reports() == set(listed[1:])


def test_a_report_whose_retry_never_ran_is_sent_again(listed: list[int]) -> None:
    listed_ago(listed, 2 * OLDER_THAN_MINUTES)
    event_ago(listed[0], "retrying", OLDER_THAN_MINUTES + 5)
    event_ago(listed[1], "retrying", OLDER_THAN_MINUTES / 2)  # its retry may still be waiting for its time
    assert sweep().refetched == len(listed) - 1
    assert stored_reports() == set(listed) - {listed[1]}


@pytest.mark.redis
def test_while_fetches_wait_in_the_crawl_queue_none_is_sent_again(
    database_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory, listed: list[int]
) -> None:
    # Reports behind a long polite crawl are queued, not lost: sending them again at every sweep
    # would grow the backlog they wait in.
    broker = redis_db(14)
    client = redis.Redis.from_url(broker)
    client.lpush("crawl", b"{}")
    client.close()
    rt = make_runtime(database_url, demo_server.base_url, broker_url=broker)
    listed_ago(listed, 2 * OLDER_THAN_MINUTES)
    assert tasks._resend_unfetched(rt, timedelta(minutes=OLDER_THAN_MINUTES)) == 0
    assert stored_reports() == set()


def test_a_broker_that_cannot_be_read_sends_nothing_again(
    database_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory, listed: list[int]
) -> None:
    rt = make_runtime(database_url, demo_server.base_url, broker_url="redis://127.0.0.1:9/0")
    listed_ago(listed, 2 * OLDER_THAN_MINUTES)
    assert tasks._resend_unfetched(rt, timedelta(minutes=OLDER_THAN_MINUTES)) == 0
    assert stored_reports() == set()
