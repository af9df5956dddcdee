"""The Celery app. Configured lazily from the settings, so importing it builds nothing.

Run a worker:  celery -A workers.app worker -Q crawl,process
"""

from __future__ import annotations

import socket
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_process_init

from workers.config import Settings
from workers.deadline import soft_time_limit

app = Celery("govreports", include=["workers.tasks"])

CRAWL_QUEUE = "crawl"
PROCESS_QUEUE = "process"
WORKER_MAX_MEMORY_KIB = 250 * 1024


def visibility_timeout(settings: Settings) -> int:
    """Seconds Redis waits for an ack before handing a task to another worker."""
    hard_limit = settings.task_time_limit
    return max(settings.visibility_timeout, hard_limit * 2, settings.retry_backoff_max + hard_limit)


def unacked_restore_interval(settings: Settings) -> int:
    """Seconds between the sweeps that hand out again the tasks whose visibility timeout passed.

    kombu sweeps every unacked_restore_interval x unacked_restore_throttle seconds (10 x 10 by
    default), so a task whose ack was lost with a Redis connection came back up to 100 s after
    its visibility timeout; with a short timeout that is several times the timeout itself (kombu's
    Redis transport docs: "Lower this to recover abandoned messages faster when using a low
    visibility_timeout"). A third of the timeout, never more than the 100 s of the default.
    """
    return max(1, min(100, visibility_timeout(settings) // 3))


def unacked_mutex_expire(settings: Settings) -> int:
    """Seconds the lock of a restore sweep may outlive the sweep.

    A sweep holds a mutex key in Redis while it hands tasks out again (kombu: 300 s by default). A
    broker restart in the middle of a sweep loses the release with the connection while the key
    survives in the append-only file, and until it expires no worker hands out any lost task: a
    cluster stalled for five minutes after the restart. A sweep takes milliseconds; its lock lives
    as long as the interval between sweeps, so a stale one costs one sweep, not five minutes.
    """
    return max(5, unacked_restore_interval(settings))


BROKER_SOCKET_TIMEOUT = 30.0


def broker_socket_options() -> dict[str, Any]:
    """Redis transport socket options: a broker that vanished without closing the TCP connection
    (container recreated on another address, failover, NAT or firewall timeout) becomes an error
    the consumer reconnects from, instead of a read that waits forever.

    A restarted redis-server closes its sockets, which the worker sees at once; these cover the
    silent case. kombu's Redis transport documents socket_timeout for exactly this ("without it,
    a synchronous command such as a publish waits forever on the dead connection, and the checks
    enabled by health_check_interval never get a chance to run"); redis-py's TimeoutError is one
    of the transport's connection errors, so the consumer's retry loop takes over (celery#10502).
    Workers that never timed out stayed stuck until restarted by hand (celery#1221, celery#8030,
    workfloworchestrator/lso#215). BRPOP is sent with a 1 s server-side timeout, so 30 s never
    cuts a healthy read. health_check_interval keeps kombu's default (25 s: a PING on idle
    connections, and since kombu 5.7 an overdue BRPOP is dropped and reconnected). TCP keepalive
    probes the idle pub/sub connection that carries `inspect ping` (kombu#2590): dead after
    60 + 3 x 10 s of silence instead of the kernel's two hours.
    """
    options: dict[str, Any] = {
        "socket_timeout": BROKER_SOCKET_TIMEOUT,
        "socket_connect_timeout": 10.0,
        "socket_keepalive": True,
    }
    if hasattr(socket, "TCP_KEEPIDLE"):  # Linux (the image, the systemd hosts); not macOS
        options["socket_keepalive_options"] = {
            socket.TCP_KEEPIDLE: 60,
            socket.TCP_KEEPINTVL: 10,
            socket.TCP_KEEPCNT: 3,
        }
    return options


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
        "task_soft_time_limit": soft_time_limit(hard_limit),
        "worker_prefetch_multiplier": 1,
        # After a broker reconnect, Celery lowers the prefetch count and raises it again per ack;
        # with Redis a worker can stay at zero and stop consuming (celery#8091): keep the full count.
        "worker_enable_prefetch_count_reduction": False,
        # A pool process that grew past this (KiB, after a task) is replaced: a slow leak in a parser
        # cannot take the machine. A process settles near 125 MiB (bench/pipeline.py).
        "worker_max_memory_per_child": WORKER_MAX_MEMORY_KIB,
        "worker_concurrency": settings.worker_concurrency,
        "worker_hijack_root_logger": False,
        # Broker connection loss (issue 16, tests/reliability/test_redis_restarts.py). The consumer
        # reconnects in process, backing off 2, 4, … 30 s (kombu Connection.ensure_connection); by
        # default it gives up after 100 attempts (~45 min), and the worker then ends with an
        # "Unrecoverable error". None: it keeps trying, each attempt logged ("Cannot connect to …
        # Trying again in 30.00 seconds... (n/None)"), so a long Redis outage never turns into a
        # crash loop that exhausts a supervisor's start limit (systemd StartLimitBurst). None, not 0:
        # kombu's retry_over_time gives up at once on 0 (celery#8626).
        "broker_connection_retry": True,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        # What it cannot recover from, it exits from: celery 5.7's reconnect path collect()s the lost
        # connection (dropping transport.client) and then closes its channel, which restores the
        # unacked messages through that client: AttributeError "'NoneType' object has no attribute
        # 'hostname'" (the trace of kombu#582), not a connection error, so the worker logs
        # "Unrecoverable error" and exits with 1 when a task was in flight. Seen 4 times in 120 Redis
        # restarts at random moments (12 runs of 10, with and without these settings); no worker
        # ever stayed up without consuming. Compose (restart: unless-stopped) and systemd
        # (deploy/govreports-worker@.service, Restart=always) start it again; the unacked task comes
        # back after the visibility timeout. No setting avoids it and no extra machinery is needed.
        #
        # Tasks running when the connection drops keep running (their writes are idempotent and
        # land); their ack cannot reach the old channel ("Couldn't ack …"), so Redis hands them out
        # again after the visibility timeout, where they find their work done. Cancelling them
        # instead (Celery 6's default) throws that work away, and the cancel path itself has crashed
        # workers (celery#7185, celery#9250). Set explicitly: it also silences the warning every
        # reconnect printed.
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        # A task that enqueues the next step while the broker restarts waits for it (about two
        # minutes) instead of failing with the step lost.
        "task_publish_retry": True,
        "task_publish_retry_policy": {"max_retries": 40, "interval_start": 0, "interval_step": 1, "interval_max": 3},
        # Redis redelivers an unacked task after this: keep it well above the hard limit, and above
        # the longest retry countdown (a retried task waits for its ETA unacknowledged in a worker).
        "broker_transport_options": {
            "visibility_timeout": visibility_timeout(settings),
            "unacked_restore_interval": unacked_restore_interval(settings),
            "unacked_restore_throttle": 1,
            "unacked_mutex_expire": unacked_mutex_expire(settings),
            **broker_socket_options(),
        },
        "task_default_queue": PROCESS_QUEUE,
        "task_routes": {
            "govreports.crawl_portal": {"queue": CRAWL_QUEUE},
            "govreports.fetch_report": {"queue": CRAWL_QUEUE},
            "govreports.fetch_reports": {"queue": CRAWL_QUEUE},
            "govreports.process_report": {"queue": PROCESS_QUEUE},
            "govreports.process_pages": {"queue": PROCESS_QUEUE},
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
