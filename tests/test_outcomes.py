"""Task answers are typed on both sides and plain JSON between: each reads back as it was written."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from workers.outcomes import (
    CrawlAnswer,
    FetchAnswer,
    FetchBatchAnswer,
    FirstError,
    Listing,
    ProcessAnswer,
    ReprocessBatchAnswer,
    ReprocessPlanAnswer,
    ResendAnswer,
    Stop,
    Stopped,
)

GAVE_UP = Stopped(Stop.GAVE_UP, "timed out [demo]: http://127.0.0.1/list.html", retries=3)
LISTING = Listing(
    report_ids=(3, 5, 8),
    new=2,
    errors=1,
    pages=4,
    listed=9,
    not_due=6,
    next_revisit=datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
    reached=True,
    first_error=FirstError("http://127.0.0.1/list_2.html", "HTTP 500"),
)
ANSWERS = [
    CrawlAnswer("demo", LISTING),
    CrawlAnswer("demo", LISTING, GAVE_UP),
    CrawlAnswer("demo", stopped=Stopped(Stop.SKIPPED, "a crawl of this portal is running")),
    CrawlAnswer("demo", stopped=Stopped(Stop.FAILED, "no portal 'demo' in portals.yaml")),
    FetchAnswer(7, fetch_event=12),
    FetchAnswer(7, not_modified=True),
    FetchAnswer(7, stopped=Stopped(Stop.HANDED_OFF, "HTTP 503")),
    FetchAnswer(7, stopped=Stopped(Stop.CRASHED, "KeyError: 'x'")),
    FetchBatchAnswer(5, fetched=1, not_modified=2, handed_off=1, recorded=1),
    FetchBatchAnswer(5, stopped=GAVE_UP),
    ProcessAnswer(12, version=2, created=True, metrics=31),
    ProcessAnswer(12, reason="already processed"),
    ProcessAnswer(12, stopped=Stopped(Stop.FAILED, "the page is not a report")),
    ResendAnswer(4),
    ReprocessPlanAnswer(120, 3),
    ReprocessBatchAnswer(6, re_extracted=2, new_version=1, unchanged=1, skipped=1, failed=1),
    ReprocessBatchAnswer(6, skipped=2, stopped=GAVE_UP),
]


@pytest.mark.parametrize("answer", ANSWERS, ids=lambda a: type(a).__name__)
def test_an_answer_reads_back_from_its_json_as_it_was(answer: Any) -> None:
    wire = json.loads(json.dumps(answer.as_json()))
    assert type(answer).from_json(wire) == answer


def test_a_batch_counts_each_report_by_how_it_ended() -> None:
    answers = [
        FetchAnswer(1, fetch_event=10),
        FetchAnswer(2, not_modified=True),
        FetchAnswer(3, stopped=Stopped(Stop.HANDED_OFF, "HTTP 503")),
        FetchAnswer(4, stopped=Stopped(Stop.SKIPPED, "robots.txt disallows it")),
        FetchAnswer(5, stopped=Stopped(Stop.FAILED, "HTTP 404")),
    ]
    assert FetchBatchAnswer.of(6, answers) == FetchBatchAnswer(6, fetched=1, not_modified=1, handed_off=1, recorded=2)


def test_a_crawl_that_failed_before_any_list_page_was_not_reached_and_says_why() -> None:
    failed = CrawlAnswer("demo", stopped=GAVE_UP)
    assert (failed.reached, failed.first_error) == (False, FirstError("", GAVE_UP.reason))
    skipped = CrawlAnswer("demo", stopped=Stopped(Stop.SKIPPED, "a crawl of this portal is running"))
    assert (skipped.reached, skipped.first_error) == (True, None)
