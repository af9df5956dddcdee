"""The beat schedule, built by one function from the portal registry.

One periodic crawl per enabled portal at its `crawl_interval_minutes`. Crontab entries whose
minute is staggered by a hash of the slug, so a hundred portals do not all start on the hour;
each message expires before the next one is due, so a backlog never piles up crawls. A crawl
still running when the next one starts is skipped by the crawl lock (workers/cluster_limits.py).

Plus `resend_stuck` every RESEND_EVERY_MINUTES: fetched pages whose process_report message was
lost between the commit and the enqueue are queued again, and so are listed reports whose fetch
message the broker lost (once no fetch waits in the crawl queue). And once when beat starts, with
`reprocess_on_start`: `reprocess`, so a deploy with a newer reader or extractor brings the stored
versions up to date (workers/app.py connects it to beat_init).
"""

from __future__ import annotations

import zlib
from datetime import timedelta
from typing import Any, Protocol

from celery.schedules import crontab

from scrapers.registry import Portal, Registry
from workers.config import Settings

RESEND_EVERY_MINUTES = 15
REPROCESS_TASK = "govreports.reprocess"


def stagger_minute(slug: str, period: int = 60) -> int:
    """A stable minute in [0, period) for `slug`."""
    return zlib.crc32(slug.encode("utf-8")) % period


def _schedule_for(portal: Portal) -> crontab | timedelta:
    minutes = portal.crawl_interval_minutes
    offset = stagger_minute(portal.slug, min(minutes, 60))
    if minutes < 60 and 60 % minutes == 0:
        return crontab(minute=f"{offset}-59/{minutes}")
    if minutes % 60 == 0 and 1440 % minutes == 0:
        hours = minutes // 60
        hour = f"{stagger_minute(portal.slug, hours)}-23/{hours}" if hours > 1 else "*"
        return crontab(minute=offset, hour=hour)
    return timedelta(minutes=minutes)


def beat_schedule(registry: Registry) -> dict[str, dict[str, Any]]:
    """Celery `beat_schedule` entries: one crawl per enabled portal, and the resend of stuck pages."""
    entries: dict[str, dict[str, Any]] = {
        f"crawl-{portal.slug}": {
            "task": "govreports.crawl_portal",
            "schedule": _schedule_for(portal),
            "args": (portal.slug,),
            "options": {"queue": "crawl", "expires": portal.crawl_interval_minutes * 60 * 0.9},
        }
        for portal in registry
        if portal.enabled
    }
    entries["resend-stuck"] = {
        "task": "govreports.resend_stuck",
        "schedule": crontab(minute=f"*/{RESEND_EVERY_MINUTES}"),
        "kwargs": {"older_than_minutes": 30},
        "options": {"queue": "process", "expires": RESEND_EVERY_MINUTES * 60 * 0.9},
    }
    return entries


class TaskSender(Protocol):
    def send_task(self, name: str, *, queue: str) -> Any: ...


def reprocess_after_deploy(app: TaskSender, settings: Settings) -> str | None:
    """Queue one `reprocess` when beat starts and `reprocess_on_start` is set; its task id, or None.

    Beat starts after each deploy. A restart without a new reader or extractor costs one cheap
    query: nothing is stale, nothing is queued. Running it twice (two beats) only finds the work done.
    """
    if not settings.reprocess_on_start:
        return None
    return str(app.send_task(REPROCESS_TASK, queue="process").id)
