"""Cluster behaviour on a real Redis: the per-host rate, a host's Retry-After pause and the cap on
requests in flight hold across worker processes, and one crawl of a portal runs at a time (its lock
expiring when the worker holding it dies)."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from celery import Celery

from scrapers.errors import TransientFetchError
from seeds.demo import DemoServer, DemoSite, build_demo_site, serve
from tests.runtime_processes import (
    Process,
    celery_worker,
    demo_registry,
    postgres_db,
    redis_db,
    scalar,
    wait_until,
)
from workers.cluster_limits import LOCK_KEY, RedisRateLimiter, crawl_lock
from workers.outcomes import CrawlAnswer, Stop, Stopped

pytestmark = [pytest.mark.redis]

RATE = 5  # requests a second to the demo host, for the whole cluster
# Arrival times are taken by the demo server's threads, after the request crossed the loopback and
# a worker woke from its sleep: a request may land up to this late behind its slot. So: at most RATE
# requests in any window of 0.95 s, and at most RATE + 1 in any window of a full second.
JITTER_TOLERANCE = 0.05


@pytest.fixture
def redis_url() -> str:
    return redis_db(11)


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


def max_in_window(times: list[float], window: float) -> int:
    """The most arrivals within any span shorter than `window` seconds."""
    times = sorted(times)
    best = 0
    start = 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


# -- in-process, on real Redis -------------------------------------------------------------------


def test_the_redis_limiter_spaces_requests_from_separate_clients_to_the_host_rate(redis_url: str) -> None:
    clients = [redis.Redis.from_url(redis_url) for _ in range(3)]
    limiters = [RedisRateLimiter(c) for c in clients]
    granted: list[float] = []
    lock = threading.Lock()

    def run(limiter: RedisRateLimiter) -> None:
        for _ in range(4):
            limiter.wait("portal.example", 20)
            with lock:
                granted.append(time.monotonic())

    threads = [threading.Thread(target=run, args=(lim,)) for lim in limiters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    assert len(granted) == 12
    assert sorted(granted)[-1] - sorted(granted)[0] >= 11 / 20 - JITTER_TOLERANCE
    assert max_in_window(granted, 1.0 - JITTER_TOLERANCE) <= 20


def test_requests_to_different_hosts_do_not_wait_for_each_other(client: redis.Redis) -> None:
    limiter = RedisRateLimiter(client)
    limiter.wait("a.example", 1)
    started = time.monotonic()
    assert limiter.wait("b.example", 1) == 0.0
    assert time.monotonic() - started < 0.5


def test_a_pause_one_worker_was_asked_for_holds_back_every_other_worker(redis_url: str) -> None:
    first, second = redis.Redis.from_url(redis_url), redis.Redis.from_url(redis_url)
    try:
        RedisRateLimiter(first).pause("portal.example", 0.5)
        started = time.monotonic()
        RedisRateLimiter(second).wait("portal.example", 1000)
        assert time.monotonic() - started >= 0.45
    finally:
        first.close()
        second.close()


def test_a_long_pause_hands_the_request_back_without_taking_a_slot(client: redis.Redis) -> None:
    limiter = RedisRateLimiter(client)
    limiter.pause("portal.example", 120)
    for _ in range(3):
        with pytest.raises(TransientFetchError) as handed_back:
            limiter.wait("portal.example", 1)
        assert 100 < (handed_back.value.retry_after or 0) <= 120
    assert not client.exists("govreports:rate:portal.example")  # nobody's later slot was pushed back


def test_a_pause_is_lengthened_never_shortened(client: redis.Redis) -> None:
    limiter = RedisRateLimiter(client)
    limiter.pause("portal.example", 60)
    limiter.pause("portal.example", 1)
    assert client.pttl("govreports:pause:portal.example") > 50_000


class _Concurrency:
    """How many requests hold a slot at once, and the most that ever did."""

    def __init__(self) -> None:
        self.now = self.peak = 0
        self._lock = threading.Lock()

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            yield
        finally:
            with self._lock:
                self.now -= 1


def _from_four_clients(redis_url: str, request: Callable[[RedisRateLimiter], None]) -> None:
    """`request` run at once in four threads, each with a limiter on its own Redis connection (as
    separate workers have)."""
    clients = [redis.Redis.from_url(redis_url) for _ in range(4)]
    threads = [threading.Thread(target=request, args=(RedisRateLimiter(c),)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()


def test_the_in_flight_cap_holds_across_separate_clients(redis_url: str) -> None:
    concurrency = _Concurrency()

    def request(limiter: RedisRateLimiter) -> None:
        with limiter.in_flight("portal.example", 2), concurrency.held():
            time.sleep(0.2)

    started = time.monotonic()
    _from_four_clients(redis_url, request)
    assert concurrency.peak == 2
    assert time.monotonic() - started >= 0.4  # two rounds of two


def test_a_turn_holds_the_cap_and_the_rate_across_separate_clients(redis_url: str) -> None:
    # One round trip takes both the in-flight slot and the rate turn (the fetcher's path).
    concurrency = _Concurrency()
    sent: list[float] = []

    def request(limiter: RedisRateLimiter) -> None:
        for _ in range(3):
            with limiter.turn("portal.example", 2, 20), concurrency.held():
                sent.append(time.monotonic())
                time.sleep(0.15)

    _from_four_clients(redis_url, request)
    assert concurrency.peak == 2
    gaps = [b - a for a, b in itertools.pairwise(sorted(sent))]
    assert len(sent) == 12 and min(gaps) >= 0.045  # 20/s: 50 ms apart, less the clock's jitter


def test_a_turn_on_a_long_paused_host_is_handed_back_without_a_slot_or_a_turn(client: redis.Redis) -> None:
    limiter = RedisRateLimiter(client)
    limiter.pause("portal.example", 120)
    with pytest.raises(TransientFetchError) as handed_back, limiter.turn("portal.example", 1, 1):
        pass
    assert 100 < (handed_back.value.retry_after or 0) <= 120
    assert not client.exists("govreports:rate:portal.example")
    assert client.zcard("govreports:in-flight:portal.example") == 0


def test_an_in_flight_slot_a_dead_worker_held_is_free_again_after_its_lease(client: redis.Redis) -> None:
    dead = RedisRateLimiter(client, lease_seconds=0.5)
    holding = dead.in_flight("portal.example", 1)
    holding.__enter__()  # and never leaves: the worker was killed
    started = time.monotonic()
    with RedisRateLimiter(client, lease_seconds=5).in_flight("portal.example", 1):
        waited = time.monotonic() - started
    assert 0.3 <= waited < 2


def test_a_second_crawl_of_a_portal_is_refused_while_the_first_holds_the_lock(client: redis.Redis) -> None:
    with crawl_lock(client, "demo-heyuan", 30) as first:
        with crawl_lock(client, "demo-heyuan", 30) as second:
            assert (first, second) == (True, False)
        with crawl_lock(client, "demo-yangjiang", 30) as other_portal:
            assert other_portal
    with crawl_lock(client, "demo-heyuan", 30) as after:
        assert after


def test_a_crawl_lock_that_is_never_released_expires_after_its_time_to_live(client: redis.Redis) -> None:
    client.set(LOCK_KEY.format(slug="demo-heyuan"), "a dead worker's token", nx=True, ex=1)
    with crawl_lock(client, "demo-heyuan", 30) as acquired:
        assert not acquired
    time.sleep(1.2)
    with crawl_lock(client, "demo-heyuan", 30) as acquired:
        assert acquired


# -- real worker processes ------------------------------------------------------------------------


@pytest.fixture
def store() -> str:
    return postgres_db("govreports_test_runtime")


@pytest.fixture
def site() -> DemoSite:
    return build_demo_site(extra_reports=40)


@pytest.fixture
def demo(site: DemoSite) -> Iterator[DemoServer]:
    with serve(site) as server:
        yield server


@pytest.fixture
def workers(tmp_path: Path, redis_url: str, store: str, demo: DemoServer) -> Iterator[list[Process]]:
    """Start workers with `start(count, **env)`; each is stopped (SIGTERM, then waited for) afterwards."""
    started: list[Process] = []
    yield started
    for worker in started:
        worker.stop()


def worker_env(redis_url: str, store: str, demo: DemoServer, registry: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "GOVREPORTS_BROKER_URL": redis_url,
        "GOVREPORTS_DATABASE_URL": store,
        "GOVREPORTS_DEMO_BASE_URL": demo.base_url,
        "GOVREPORTS_REGISTRY_PATH": str(registry),
        "GOVREPORTS_REQUESTS_PER_SECOND": "50",
        "GOVREPORTS_READ_TIMEOUT": "5",
        **extra,
    }


def wait_for_workers(broker_url: str, count: int, started: list[Process], seconds: float = 60) -> None:
    from tests.runtime_processes import ping

    def ready() -> bool:
        for w in started:
            assert w.running(), w.output()[-3000:]
        return len(ping(broker_url, timeout=1.0)) >= count

    assert wait_until(ready, seconds, every=0.5), "workers did not answer ping"


def ingest_demo_on_workers(
    tmp_path: Path, env: dict[str, str], workers: list[Process], site: DemoSite, *, count: int, concurrency: int
) -> int:
    """Start `count` workers, crawl both demo portals on them, wait until every report is stored."""
    broker = env["GOVREPORTS_BROKER_URL"]
    for n in range(count):
        workers.append(celery_worker(env, tmp_path / f"worker-{n}.log", name=f"w{n}", concurrency=concurrency))
    wait_for_workers(broker, count, workers)
    app = Celery(broker=broker, set_as_current=False)
    for slug in ("demo-yangjiang", "demo-heyuan"):
        app.send_task("govreports.crawl_portal", args=[slug], queue="crawl")
    app.close()
    expected = len(site.all_articles())
    store = env["GOVREPORTS_DATABASE_URL"]
    assert wait_until(lambda: scalar(store, "SELECT count(*) FROM report_versions") == expected, 90, every=0.5)
    return expected


@pytest.mark.slow
@pytest.mark.postgres
def test_three_workers_together_never_exceed_the_hosts_rate(
    tmp_path: Path, redis_url: str, store: str, demo: DemoServer, site: DemoSite, workers: list[Process]
) -> None:
    """The portals' registry rate (5/s) wins over the global one (50/s) and holds for the whole cluster."""
    registry = demo_registry(tmp_path / "portals.yaml", rate_limit_per_second=RATE)
    env = worker_env(redis_url, store, demo, registry)
    expected = ingest_demo_on_workers(tmp_path, env, workers, site, count=3, concurrency=1)
    arrivals = [t for t, _ in list(site.request_times)]  # robots.txt too: it is asked within the rate
    assert len(arrivals) >= expected
    assert max_in_window(arrivals, 1.0 - JITTER_TOLERANCE) <= RATE
    assert max_in_window(arrivals, 1.0) <= RATE + 1  # a full second: one more only at its very edge
    span = max(arrivals) - min(arrivals)
    assert span >= (len(arrivals) - 1) / RATE - 1.0  # the limit held: no burst made up for lost time


@pytest.mark.slow
@pytest.mark.postgres
def test_three_workers_together_never_have_more_than_the_cap_in_flight_to_the_host(
    tmp_path: Path, redis_url: str, store: str, demo: DemoServer, site: DemoSite, workers: list[Process]
) -> None:
    """Six pool processes, one in-flight slot for the host: the server never answers two at once."""
    registry = demo_registry(tmp_path / "portals.yaml", rate_limit_per_second=1000)
    env = worker_env(redis_url, store, demo, registry, GOVREPORTS_MAX_CONNECTIONS_PER_HOST="1")
    site.answer_delay = 0.02  # each answer takes a while, so overlapping requests would show
    expected = ingest_demo_on_workers(tmp_path, env, workers, site, count=3, concurrency=2)
    assert len(site.requests) >= expected
    assert site.peak_in_flight == 1


@pytest.mark.slow
@pytest.mark.postgres
def test_a_batch_that_reaches_its_soft_time_limit_sends_the_rest_on_and_nothing_is_lost(
    tmp_path: Path, redis_url: str, store: str, demo: DemoServer, site: DemoSite, workers: list[Process]
) -> None:
    """Batches of 50 at 0.2 s a page need 10 s; the soft limit is 5 s: each batch splits."""
    registry = demo_registry(tmp_path / "portals.yaml", rate_limit_per_second=1000)
    env = worker_env(redis_url, store, demo, registry, GOVREPORTS_TASK_TIME_LIMIT="6")
    workers.append(celery_worker(env, tmp_path / "worker.log", name="split", concurrency=2))
    wait_for_workers(redis_url, 1, workers)
    site.answer_delay = 0.2
    app = Celery(broker=redis_url, set_as_current=False)
    app.send_task("govreports.crawl_portal", args=["demo-heyuan"], queue="crawl")
    app.close()
    expected = len(site.portals["hy"].articles)
    assert wait_until(lambda: scalar(store, "SELECT count(*) FROM report_versions") == expected, 120, every=0.5)
    assert "batch.split" in workers[0].output()
    assert scalar(store, "SELECT count(*) FROM fetch_events WHERE outcome = 'failed'") == 0


@pytest.mark.slow
@pytest.mark.postgres
def test_of_two_concurrent_crawls_of_one_portal_one_runs_and_one_is_skipped(
    tmp_path: Path, redis_url: str, store: str, demo: DemoServer, site: DemoSite, workers: list[Process]
) -> None:
    registry = demo_registry(tmp_path / "portals.yaml", rate_limit_per_second=RATE)
    results = redis_db(12)
    env = worker_env(redis_url, store, demo, registry, GOVREPORTS_RESULT_BACKEND=results)
    workers.append(celery_worker(env, tmp_path / "worker.log", name="lock", concurrency=2))
    wait_for_workers(redis_url, 1, workers)
    app = Celery(broker=redis_url, backend=results, set_as_current=False)
    sent = [
        app.send_task("govreports.crawl_portal", args=["demo-heyuan"], kwargs={"follow": False}, queue="crawl")
        for _ in range(2)
    ]
    answers = [CrawlAnswer.from_json(r.get(timeout=60)) for r in sent]
    for r in sent:
        r.forget()
    app.close()
    skipped = [a for a in answers if a.stopped is not None]
    ran = [a for a in answers if a.listing is not None]
    assert (len(ran), len(skipped)) == (1, 1), answers
    assert skipped[0].stopped == Stopped(Stop.SKIPPED, "a crawl of this portal is running")
    first_page = site.portals["hy"].list_page_path(1)
    assert [p for _, p in site.request_times].count(first_page) == 1


@pytest.mark.slow
@pytest.mark.postgres
def test_the_crawl_lock_of_a_worker_killed_mid_crawl_expires_and_the_portal_can_be_crawled_again(
    tmp_path: Path,
    redis_url: str,
    client: redis.Redis,
    store: str,
    demo: DemoServer,
    workers: list[Process],
) -> None:
    registry = demo_registry(tmp_path / "portals.yaml", rate_limit_per_second=1)
    time_limit = 6
    env = worker_env(redis_url, store, demo, registry, GOVREPORTS_TASK_TIME_LIMIT=str(time_limit))
    worker = celery_worker(env, tmp_path / "worker.log", name="doomed", concurrency=1)
    workers.append(worker)
    wait_for_workers(redis_url, 1, workers)
    app = Celery(broker=redis_url, set_as_current=False)
    app.send_task("govreports.crawl_portal", args=["demo-heyuan"], kwargs={"follow": False}, queue="crawl")
    app.close()
    key = LOCK_KEY.format(slug="demo-heyuan")
    assert wait_until(lambda: client.exists(key), 30), worker.output()[-3000:]
    worker.kill9()
    ttl = int(client.ttl(key))
    assert 0 < ttl <= time_limit + 5
    assert wait_until(lambda: not client.exists(key), ttl + 2)
    with crawl_lock(client, "demo-heyuan", 30) as acquired:
        assert acquired
