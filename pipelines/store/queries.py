"""Reads and idempotent upserts over the store. Functions take a Session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pipelines.store.models import FetchEvent, MetricRow, PortalRow, Report, ReportVersion, utcnow


def _insert_ignoring_conflicts(session: Session, table: Any, values: dict[str, Any], key: str) -> None:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    session.execute(module.insert(table).values(**values).on_conflict_do_nothing(index_elements=[key]))


def upsert_portal(session: Session, *, slug: str, name: str, region: str = "", agency: str = "") -> PortalRow:
    """The portal row for `slug`, created or updated from the registry entry."""
    _insert_ignoring_conflicts(
        session, PortalRow.__table__, {"slug": slug, "name": name, "region": region, "agency": agency}, "slug"
    )
    row = session.scalars(select(PortalRow).where(PortalRow.slug == slug)).one()
    row.name, row.region, row.agency = name, region, agency
    return row


def upsert_report(session: Session, *, portal_id: int, url: str, title: str = "") -> tuple[Report, bool]:
    """(report, created) for the canonical `url`; a second discovery of the same URL creates nothing."""
    existing = session.scalars(select(Report).where(Report.url == url)).one_or_none()
    if existing is not None:
        existing.last_seen_at = utcnow()
        return existing, False
    now = utcnow()
    _insert_ignoring_conflicts(
        session,
        Report.__table__,
        {
            "portal_id": portal_id,
            "url": url,
            "title": title,
            "first_seen_at": now,
            "last_seen_at": now,
            "current_version": 0,
        },
        "url",
    )
    return session.scalars(select(Report).where(Report.url == url)).one(), True


def record_event(session: Session, **fields: Any) -> FetchEvent:
    event = FetchEvent(**fields)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ReportSummary:
    portal: str
    url: str
    title: str
    published_at: date | None
    versions: int
    metrics: int
    last_seen_at: datetime


def report_summaries(session: Session, portal: str | None = None) -> list[ReportSummary]:
    """One row a report: its current version's metric count, newest first."""
    metric_count = (
        select(func.count(MetricRow.id))
        .join(ReportVersion, MetricRow.version_id == ReportVersion.id)
        .where(ReportVersion.report_id == Report.id, ReportVersion.version == Report.current_version)
        .scalar_subquery()
    )
    query = (
        select(
            PortalRow.slug,
            Report.url,
            Report.title,
            Report.published_at,
            Report.current_version,
            metric_count,
            Report.last_seen_at,
        )
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .order_by(Report.published_at.desc().nulls_last(), Report.id)
    )
    if portal:
        query = query.where(PortalRow.slug == portal)
    return [ReportSummary(*row) for row in session.execute(query)]


def versions_of(session: Session, url: str) -> Sequence[ReportVersion]:
    return session.scalars(
        select(ReportVersion).join(Report).where(Report.url == url).order_by(ReportVersion.version)
    ).all()


def metrics_query(
    *,
    portal: str | None = None,
    name_contains: str | None = None,
    unit: str | None = None,
    current_only: bool = True,
) -> Select[MetricRow, Report, PortalRow]:
    query = (
        select(MetricRow, Report, PortalRow)
        .join(ReportVersion, MetricRow.version_id == ReportVersion.id)
        .join(Report, ReportVersion.report_id == Report.id)
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .order_by(Report.id, MetricRow.seq)
    )
    if current_only:
        query = query.where(ReportVersion.version == Report.current_version)
    if portal:
        query = query.where(PortalRow.slug == portal)
    if name_contains:
        query = query.where(MetricRow.name.contains(name_contains))
    if unit:
        query = query.where(MetricRow.unit == unit)
    return query


def recent_failures(session: Session, *, since: timedelta = timedelta(hours=24)) -> Sequence[FetchEvent]:
    return session.scalars(
        select(FetchEvent)
        .where(FetchEvent.outcome == "failed", FetchEvent.created_at >= utcnow() - since)
        .order_by(FetchEvent.id)
    ).all()


def count_versions(session: Session) -> int:
    return session.scalar(select(func.count(ReportVersion.id))) or 0
