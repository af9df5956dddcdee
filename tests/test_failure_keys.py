"""Each failure is written to fetch_events exactly once, by its own key.

A kept failure may be written twice (a flusher killed after its commit, before it took the failure off
the list): the second write must store nothing. Two distinct failures may look alike in everything
fetch_events holds: tasks label a failed batch by its size ("batch of 10 fetched pages"), and two pool
processes started by the same tick of the worker's timer fail their retries in the same microsecond.
Both must be stored. The key a failure is given when it is seen tells the two cases apart.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from tests.conftest import RuntimeFactory
from workers import failures
from workers.failures import Failure

SEEN_AT = "2026-12-05T12:40:17.445123+00:00"


def _batch_failure() -> Failure:
    return Failure(
        url="batch of 10 fetched pages",
        kind="process",
        outcome="retrying",
        error="OperationalError: connection refused",
        seen_at=SEEN_AT,
    )


def _stored(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.text("SELECT count(*) FROM fetch_events")) or 0)
    finally:
        engine.dispose()


def test_two_failures_alike_in_everything_but_their_key_are_both_stored(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    rt = make_runtime(database_url)

    assert failures.write_once(rt, _batch_failure())
    assert failures.write_once(rt, _batch_failure())

    assert _stored(database_url) == 2


def test_a_failure_written_again_stores_nothing_more(make_runtime: RuntimeFactory, database_url: str) -> None:
    rt = make_runtime(database_url)
    failure = _batch_failure()
    kept = failure.to_json()  # as it waits in Redis

    assert failures.write_once(rt, Failure.from_json(kept))
    assert not failures.write_once(rt, Failure.from_json(kept))  # the replay of a flusher that died

    assert _stored(database_url) == 1


def test_a_failure_kept_by_an_earlier_release_gets_the_same_key_at_every_read() -> None:
    """Kept before failures had keys: its key comes from its content, so a replay still finds its row."""
    fields = json.loads(_batch_failure().to_json())
    del fields["key"]
    earlier = json.dumps(fields, sort_keys=True)

    assert Failure.from_json(earlier).key == Failure.from_json(earlier).key
    assert Failure.from_json(earlier).key != Failure.from_json(json.dumps({**fields, "url": "other"})).key
