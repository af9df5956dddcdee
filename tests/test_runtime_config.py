"""The Celery app's configuration, task registry, beat schedule and runtime choice, as specified."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import redis
from celery import Celery, Task
from celery.schedules import crontab

from scrapers.ratelimit import HostRateLimiter
from scrapers.registry import load_registry
from tests.conftest import REDIS_URL, require_server
from tests.reliability.servers import wait_until
from tests.runtime_processes import Process
from workers import runtime
from workers.app import WORKER_MAX_MEMORY_KIB, app, celery_config, configure
from workers.cluster_limits import RedisRateLimiter
from workers.config import Settings
from workers.schedule import beat_schedule
from workers.tasks import backoff_seconds

EXPECTED_TASKS = {
    "govreports.crawl_portal",
    "govreports.fetch_report",
    "govreports.fetch_reports",
    "govreports.process_report",
    "govreports.process_pages",
    "govreports.resend_stuck",
    "govreports.reprocess",
    "govreports.reprocess_versions",
}


def _project_tasks() -> dict[str, Task]:
    import workers.tasks  # noqa: F401  (registers the tasks)

    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def _nothing() -> None:
    """A task body for throwaway apps."""


def _unknown_options(task: Task) -> set[str]:
    """Attributes a task's decorator set that no Celery task has: misspelled options, silently ignored."""
    reference_app = Celery("reference", set_as_current=False)
    reference_app.task(name="reference.plain")(_nothing)
    known = set(dir(Task)) | set(type(reference_app.tasks["reference.plain"]).__dict__)
    reference_app.close()
    return set(type(task).__dict__) - known


@pytest.fixture
def cluster_env(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in {
        "GOVREPORTS_BROKER_URL": "redis://127.0.0.1:6379/10",
        "GOVREPORTS_TASK_TIME_LIMIT": "120",
        "GOVREPORTS_VISIBILITY_TIMEOUT": "60",
        "GOVREPORTS_RETRY_BACKOFF_MAX": "600",
    }.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_every_registered_task_is_named_govreports() -> None:
    tasks = _project_tasks()
    assert set(tasks) == EXPECTED_TASKS
    assert all(task.name.startswith("govreports.") for task in tasks.values())


def test_every_task_uses_only_options_celery_knows() -> None:
    for name, task in _project_tasks().items():
        assert _unknown_options(task) == set(), name


def test_a_misspelled_task_option_is_caught_by_the_option_check() -> None:
    other = Celery("misspelled", set_as_current=False)
    other.task(name="govreports.example", ignore_results=True)(_nothing)
    assert _unknown_options(other.tasks["govreports.example"]) == {"ignore_results"}
    other.close()


def test_crawl_and_fetch_are_routed_to_crawl_and_processing_to_process() -> None:
    configure(Settings(broker_url=None))
    route = {name: app.amqp.router.route({}, name)["queue"].name for name in EXPECTED_TASKS}
    assert route == {
        "govreports.crawl_portal": "crawl",
        "govreports.fetch_report": "crawl",
        "govreports.fetch_reports": "crawl",
        "govreports.process_report": "process",
        "govreports.process_pages": "process",
        "govreports.resend_stuck": "process",
        "govreports.reprocess": "process",
        "govreports.reprocess_versions": "process",
    }


def test_config_from_the_environment_acks_late_rejects_on_lost_worker_and_prefetches_one(
    cluster_env: Settings,
) -> None:
    conf = celery_config(cluster_env)
    assert conf["broker_url"] == "redis://127.0.0.1:6379/10"
    assert conf["task_always_eager"] is False
    assert conf["task_acks_late"] is True
    assert conf["task_reject_on_worker_lost"] is True
    assert conf["worker_prefetch_multiplier"] == 1


@pytest.mark.slow
@pytest.mark.redis
def test_a_pool_process_grown_past_250_mib_is_replaced(tmp_path: Path) -> None:
    """A real worker (one pool process) runs tasks that grow it by 1 MiB, then past the limit, then 1 MiB:
    the process that stayed small ran the first two, the one that grew past 250 MiB is gone for the third."""
    require_server(REDIS_URL, 6379, "Redis")
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {**os.environ, "GOVREPORTS_BROKER_URL": REDIS_URL, "GOVREPORTS_WORKER_CONCURRENCY": "1"}
    worker = Process(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.ballast_app",
            "worker",
            "-Q",
            "process",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        env,
        tmp_path / "worker.log",
    )
    pids = tmp_path / "pids"
    client = Celery(broker=REDIS_URL, set_as_current=False)
    try:
        for n, mib in enumerate((1, WORKER_MAX_MEMORY_KIB // 1024 + 50, 1), start=1):
            client.send_task("tests.ballast", args=[mib, str(pids)], queue="process")
            wait_until(lambda n=n: pids.exists() and len(pids.read_text().split()) == n, 60, f"task {n} run")
    finally:
        client.close()
        worker.stop()
    small, grown, after = pids.read_text().split()
    assert small == grown != after, worker.log_path.read_text()[-3000:]


def test_hard_time_limit_comes_from_the_environment_with_the_soft_limit_before_it(cluster_env: Settings) -> None:
    conf = celery_config(cluster_env)
    assert conf["task_time_limit"] == 120
    assert 0 < conf["task_soft_time_limit"] < conf["task_time_limit"]


def test_visibility_timeout_outlasts_the_longest_task_and_the_longest_retry_countdown(cluster_env: Settings) -> None:
    """Asked for 60 s, Redis still waits longer than a task can run or a retry can wait for its ETA."""
    visibility = celery_config(cluster_env)["broker_transport_options"]["visibility_timeout"]
    assert visibility >= 2 * cluster_env.task_time_limit
    assert visibility >= cluster_env.retry_backoff_max + cluster_env.task_time_limit


def test_messages_are_json_only_and_results_are_not_stored_without_a_backend(cluster_env: Settings) -> None:
    conf = celery_config(cluster_env)
    assert conf["accept_content"] == ["json"]
    assert conf["task_serializer"] == "json"
    assert conf["result_backend"] is None
    assert conf["task_ignore_result"] is True


def test_workers_send_task_events_for_flower(cluster_env: Settings) -> None:
    conf = celery_config(cluster_env)
    assert conf["worker_send_task_events"] is True
    assert conf["task_send_sent_event"] is True


def test_without_a_broker_tasks_run_in_process() -> None:
    assert celery_config(Settings(broker_url=None))["task_always_eager"] is True


def test_retry_backoff_doubles_with_jitter_and_stops_at_the_cap() -> None:
    for retries in range(6):
        delays = {backoff_seconds(retries, cap=600) for _ in range(50)}
        nominal = 2 ** (retries + 1)
        assert all(nominal * 0.5 <= d <= nominal for d in delays)
        assert len(delays) > 1  # jitter: retries of many tasks do not arrive together
    assert max(backoff_seconds(20, cap=60) for _ in range(50)) <= 60


def test_beat_schedules_one_crawl_per_enabled_portal_on_the_crawl_queue() -> None:
    registry = load_registry().bind_demo("http://127.0.0.1:9")
    schedule = beat_schedule(registry)
    crawls = {k: v for k, v in schedule.items() if v["task"] == "govreports.crawl_portal"}
    assert sorted(v["args"][0] for v in crawls.values()) == sorted(p.slug for p in registry if p.enabled)
    assert all(v["options"]["queue"] == "crawl" for v in crawls.values())


def test_a_scheduled_crawl_expires_before_the_next_one_is_due() -> None:
    registry = load_registry().bind_demo("http://127.0.0.1:9")
    for entry in beat_schedule(registry).values():
        if entry["task"] != "govreports.crawl_portal":
            continue
        portal = registry.get(entry["args"][0])
        assert 0 < entry["options"]["expires"] < portal.crawl_interval_minutes * 60


def test_beat_resends_pages_stuck_between_fetch_and_processing() -> None:
    entry = beat_schedule(load_registry())["resend-stuck"]
    assert entry["task"] == "govreports.resend_stuck"
    assert isinstance(entry["schedule"], crontab)


def test_with_redis_configured_the_runtime_shares_rate_and_crawl_locks_through_it(tmp_path: object) -> None:
    settings = Settings(broker_url="redis://127.0.0.1:6379/10", database_url="sqlite://")
    rt = runtime.build_runtime(settings)
    try:
        assert isinstance(rt, runtime.ClusterRuntime)
        assert isinstance(rt.fetcher.limiter, RedisRateLimiter)
        assert rt.crawl_lock_seconds > settings.task_time_limit
    finally:
        rt.close()


def test_without_redis_the_runtime_limits_the_rate_in_process() -> None:
    rt = runtime.build_runtime(Settings(broker_url=None, redis_url=None, database_url="sqlite://"))
    try:
        assert not isinstance(rt, runtime.ClusterRuntime)
        assert isinstance(rt.fetcher.limiter, HostRateLimiter)
    finally:
        rt.close()
