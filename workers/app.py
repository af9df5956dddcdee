"""The Celery app. Configured lazily from the settings, so importing it builds nothing.

Run a worker:  celery -A workers.app worker -Q crawl,process
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_process_init

from workers.config import Settings

app = Celery("govreports", include=["workers.tasks"])

CRAWL_QUEUE = "crawl"
PROCESS_QUEUE = "process"
WORKER_MAX_MEMORY_KIB = 250 * 1024


def visibility_timeout(settings: Settings) -> int:
    """Seconds Redis waits for an ack before handing a task to another worker."""
    hard_limit = settings.task_time_limit
    return max(settings.visibility_timeout, hard_limit * 2, settings.retry_backoff_max + hard_limit)


def celery_config(settings: Settings) -> dict[str, Any]:
    """All Celery settings in one place, derived from ours."""
    hard_limit = settings.task_time_limit
    return {
        "broker_url": settings.broker_url or "memory://localhost/",
        "result_backend": settings.result_backend,
        "task_always_eager": settings.eager,
        "task_eager_propagates": False,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_ignore_result": settings.result_backend is None,
        "task_time_limit": hard_limit,
        "task_soft_time_limit": max(1, hard_limit - min(30, hard_limit // 5)),
        "worker_prefetch_multiplier": 1,
        # After a broker reconnect, Celery lowers the prefetch count and raises it again per ack;
        # with Redis a worker can stay at zero and stop consuming (celery#8091): keep the full count.
        "worker_enable_prefetch_count_reduction": False,
        # A pool process that grew past this (KiB, after a task) is replaced: a slow leak in a parser
        # cannot take the machine. A process settles near 125 MiB (bench/pipeline.py).
        "worker_max_memory_per_child": WORKER_MAX_MEMORY_KIB,
        "worker_concurrency": settings.worker_concurrency,
        "worker_hijack_root_logger": False,
        "broker_connection_retry_on_startup": True,
        # A task that enqueues the next step while the broker restarts waits for it (about two
        # minutes) instead of failing with the step lost.
        "task_publish_retry": True,
        "task_publish_retry_policy": {"max_retries": 40, "interval_start": 0, "interval_step": 1, "interval_max": 3},
        # Redis redelivers an unacked task after this: keep it well above the hard limit, and above
        # the longest retry countdown (a retried task waits for its ETA unacknowledged in a worker).
        "broker_transport_options": {"visibility_timeout": visibility_timeout(settings)},
        "task_default_queue": PROCESS_QUEUE,
        "task_routes": {
            "govreports.crawl_portal": {"queue": CRAWL_QUEUE},
            "govreports.fetch_report": {"queue": CRAWL_QUEUE},
            "govreports.fetch_reports": {"queue": CRAWL_QUEUE},
            "govreports.process_report": {"queue": PROCESS_QUEUE},
            "govreports.resend_stuck": {"queue": PROCESS_QUEUE},
            "govreports.reprocess": {"queue": PROCESS_QUEUE},
            "govreports.reprocess_versions": {"queue": PROCESS_QUEUE},
        },
        "task_send_sent_event": True,
        "worker_send_task_events": True,
        "timezone": "UTC",
        "enable_utc": True,
    }


def beat_config(settings: Settings) -> dict[str, Any]:
    """The periodic crawls, from the registry the settings name."""
    from scrapers.registry import load_registry
    from workers.schedule import beat_schedule

    registry = load_registry(settings.registry_path).bind_demo(settings.demo_base_url)
    return {"beat_schedule": beat_schedule(registry)}


@app.on_configure.connect
def _configure_from_environment(sender: Celery, **_: Any) -> None:
    settings = Settings()
    sender.conf.update({**celery_config(settings), **beat_config(settings)})


def configure(settings: Settings) -> Celery:
    """Apply `settings` to the app (the CLI and tests pass their own)."""
    app.conf.update({**celery_config(settings), **beat_config(settings)})
    return app


@beat_init.connect
def _reprocess_after_deploy(**_: Any) -> None:
    from workers.schedule import reprocess_after_deploy

    reprocess_after_deploy(app, Settings())


@worker_process_init.connect
def _fresh_resources_after_fork(**_: Any) -> None:
    from workers import runtime

    runtime.forget_after_fork()
