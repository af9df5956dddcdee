"""Run crawls from the CLI: in-process with progress (no broker), or queued on the broker."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from pipelines.store.models import FetchEvent, MetricRow, PortalRow, Report, ReportVersion, utcnow
from workers import tasks
from workers.runtime import Runtime


@dataclass(frozen=True)
class PortalSummary:
    portal: str
    reports: int
    new_versions: int
    metrics: int
    failures: int
    warned: int = 0  # of the new versions, those stored with cleaning warnings


def run_in_process(rt: Runtime, slugs: Iterable[str], console: Console, *, full: bool = False) -> datetime:
    """Crawl each portal and process every report in this process, showing progress."""
    started = utcnow()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        for slug in slugs:
            result = tasks.crawl_portal.apply(args=(slug,), kwargs={"full": full, "follow": False}).get()
            ids: list[int] = result.get("report_ids", [])
            bar = progress.add_task(f"{slug}", total=len(ids))
            for report_id in ids:
                tasks.fetch_report.apply(args=(report_id,))
                progress.advance(bar)
    return started


def enqueue(slugs: Iterable[str], *, full: bool = False) -> list[str]:
    """Send one crawl_portal task a portal to the broker; the task ids."""
    return [tasks.crawl_portal.delay(slug, full=full).id for slug in slugs]


def summarise(rt: Runtime, slugs: Iterable[str], since: datetime) -> list[PortalSummary]:
    rows = []
    with rt.sessions() as session:
        for slug in slugs:
            portal_id = session.scalar(select(PortalRow.id).where(PortalRow.slug == slug))
            if portal_id is None:
                rows.append(PortalSummary(slug, 0, 0, 0, 0))
                continue
            reports = session.scalar(select(func.count(Report.id)).where(Report.portal_id == portal_id)) or 0
            new = (
                select(func.count(ReportVersion.id))
                .join(Report)
                .where(Report.portal_id == portal_id, ReportVersion.created_at >= since)
            )
            new_versions = session.scalar(new) or 0
            warned = session.scalar(new.where(ReportVersion.cleaning_warnings.is_not(None))) or 0
            metrics = (
                session.scalar(
                    select(func.count(MetricRow.id))
                    .join(ReportVersion)
                    .join(Report)
                    .where(Report.portal_id == portal_id, ReportVersion.version == Report.current_version)
                )
                or 0
            )
            failures = (
                session.scalar(
                    select(func.count(FetchEvent.id)).where(
                        FetchEvent.portal_id == portal_id,
                        FetchEvent.outcome == "failed",
                        FetchEvent.created_at >= since,
                    )
                )
                or 0
            )
            rows.append(PortalSummary(slug, reports, new_versions, metrics, failures, warned))
    return rows
