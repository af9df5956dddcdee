"""Celery tasks: crawl_portal → fetch_report → process_report.

Thin on purpose: load by id, call a step, enqueue the next one after the commit. Arguments
are ids, slugs and URLs, never page bodies. Transient faults retry with exponential backoff
and jitter; permanent ones are recorded in fetch_events and not retried.
"""

from __future__ import annotations

import random
from typing import Any

import structlog
from celery import Task
from sqlalchemy.exc import DBAPIError, OperationalError

from scrapers.errors import PermanentFetchError, RegistryError, RobotsDisallowed, TransientFetchError
from workers import runtime, steps
from workers.app import app

log = structlog.get_logger("govreports.tasks")


def backoff_seconds(retries: int, cap: int) -> float:
    """Exponential backoff with full jitter: 2, 4, 8 … seconds, capped, times a random share."""
    return float(min(cap, 2 ** (retries + 1)) * random.uniform(0.5, 1.0))


def _retry_or_record(
    task: Task,
    exc: Exception,
    *,
    url: str,
    kind: str,
    report_id: int | None = None,
    portal_slug: str | None = None,
) -> None:
    rt = runtime.current()
    retries = task.request.retries
    if retries < rt.settings.max_retries:
        steps.record_failure(
            rt,
            url=url,
            kind=kind,
            error=exc,
            report_id=report_id,
            portal_slug=portal_slug,
            outcome="retrying",
        )
        log.warning("task.retry", task=task.name, url=url, retries=retries, error=str(exc))
        countdown = backoff_seconds(retries, rt.settings.retry_backoff_max)
        if isinstance(exc, TransientFetchError) and exc.retry_after:
            countdown = max(countdown, exc.retry_after)
        raise task.retry(exc=exc, countdown=countdown, max_retries=rt.settings.max_retries)
    steps.record_failure(rt, url=url, kind=kind, error=exc, report_id=report_id, portal_slug=portal_slug)
    log.error("task.gave_up", task=task.name, url=url, retries=retries, error=str(exc))


@app.task(name="govreports.crawl_portal", bind=True)
def crawl_portal(self: Task, slug: str, *, full: bool = False, follow: bool = True) -> dict[str, Any]:
    """Discover a portal's reports and queue a fetch for each (`follow=False`: only discover)."""
    rt = runtime.current()
    try:
        portal = rt.registry.get(slug)
    except RegistryError as exc:
        steps.record_failure(rt, url=slug, kind="list", error=exc)
        return {"portal": slug, "error": str(exc)}
    with rt.crawl_lock(slug) as acquired:
        if not acquired:
            log.info("crawl.skipped", portal=slug, reason="a crawl of this portal is running")
            return {"portal": slug, "skipped": "a crawl of this portal is running"}
        try:
            outcome = steps.crawl(rt, portal, full=full)
        except (OperationalError, DBAPIError) as exc:
            _retry_or_record(self, exc, url=portal.seeds[0], kind="list", portal_slug=slug)
            return {"portal": slug, "error": str(exc)}
    if follow:
        for report_id in outcome.report_ids:
            fetch_report.delay(report_id)
    log.info("crawl.done", portal=slug, links=len(outcome.report_ids), new=outcome.new_reports, pages=outcome.pages)
    return {
        "portal": slug,
        "report_ids": outcome.report_ids,
        "new": outcome.new_reports,
        "errors": outcome.errors,
    }


@app.task(name="govreports.fetch_report", bind=True)
def fetch_report(self: Task, report_id: int) -> dict[str, Any]:
    """Fetch one report page (conditional GET) and queue its processing."""
    rt = runtime.current()
    found = steps.report_and_portal(rt, report_id)
    if found is None:
        return {"report": report_id, "skipped": "no such report"}
    report, portal = found
    try:
        event_id = steps.fetch(rt, report, portal)
    except RobotsDisallowed as exc:
        steps.record_failure(rt, url=report.url, kind="article", error=exc, report_id=report_id, outcome="skipped")
        return {"report": report_id, "skipped": str(exc)}
    except PermanentFetchError as exc:
        steps.record_failure(rt, url=report.url, kind="article", error=exc, report_id=report_id)
        return {"report": report_id, "error": str(exc)}
    except (TransientFetchError, OperationalError) as exc:
        _retry_or_record(self, exc, url=report.url, kind="article", report_id=report_id)
        return {"report": report_id, "error": str(exc)}
    if event_id is None:
        return {"report": report_id, "not_modified": True}
    process_report.delay(event_id)
    return {"report": report_id, "fetch_event": event_id}


@app.task(name="govreports.process_report", bind=True)
def process_report(self: Task, fetch_event_id: int) -> dict[str, Any]:
    """Clean, extract and store one fetched page; a new version only when its text changed."""
    rt = runtime.current()
    try:
        outcome = steps.process(rt, fetch_event_id)
    except OperationalError as exc:
        _retry_or_record(self, exc, url=f"fetch_event:{fetch_event_id}", kind="process")
        return {"fetch_event": fetch_event_id, "error": str(exc)}
    except Exception as exc:
        # A poison page: recorded so it is seen, re-raised so Celery marks the task failed, never retried.
        steps.record_failure(rt, url=f"fetch_event:{fetch_event_id}", kind="process", error=exc)
        log.exception("process.crashed", fetch_event=fetch_event_id)
        raise
    return {
        "fetch_event": fetch_event_id,
        "version": outcome.version,
        "created": outcome.created,
        "metrics": outcome.metrics,
        "reason": outcome.reason,
    }
