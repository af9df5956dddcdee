"""Small helpers the tests share: run a crawl in-process, read the store again as a newer deploy, count rows."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy import func, select, update

from pipelines.store.models import FetchEvent, MetricRow, Report, ReportVersion
from scrapers.registry import Portal
from seeds.demo import DemoServer
from workers import reprocess, tasks
from workers.runtime import Runtime

DEMO_SLUGS = ("demo-yangjiang", "demo-heyuan")


def crawl_demo(slugs: tuple[str, ...] = DEMO_SLUGS) -> None:
    """Crawl the demo portals through the real tasks, in-process (eager)."""
    for slug in slugs:
        result = tasks.crawl_portal.apply(args=(slug,))
        assert result.successful(), result.traceback


def reprocess_as_a_newer_deploy(rt: Runtime) -> reprocess.ReprocessSummary:
    """Mark every stored version as made by an older reader and extractor, then reprocess in-process."""
    with rt.transaction() as session:
        session.execute(update(ReportVersion).values(reader_version="1.0.0", extractor_version="1.0.0"))
    return reprocess.run_in_process(rt, Console(file=io.StringIO()))


def count(rt: Runtime, model: type) -> int:
    with rt.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def versions(rt: Runtime) -> int:
    return count(rt, ReportVersion)


def reports(rt: Runtime) -> int:
    return count(rt, Report)


def metrics(rt: Runtime) -> int:
    return count(rt, MetricRow)


def failures(rt: Runtime) -> list[FetchEvent]:
    with rt.sessions() as session:
        return list(session.scalars(select(FetchEvent).where(FetchEvent.outcome == "failed")))


def local_portal(server: DemoServer, **overrides: object) -> Portal:
    """A portal on the demo server: loopback allowed, no politeness delay."""
    values: dict[str, object] = {
        "slug": "test-portal",
        "name": "t",
        "seeds": (server.base_url + "/yj/zwgk/gzbg/index.html",),
        "allowed_hosts": ("127.0.0.1",),
        "private_networks": ("127.0.0.0/8",),
        "rate_limit_per_second": 1000,
    }
    values.update(overrides)
    return Portal.model_validate(values)
