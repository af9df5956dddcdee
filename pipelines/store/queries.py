"""Reads and idempotent upserts over the store. Functions take a Session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, selectinload

from pipelines.batches import batched
from pipelines.indicator import canonical
from pipelines.store.diff import MetricFact
from pipelines.store.models import FetchEvent, MetricRow, PortalRow, Report, ReportVersion, utcnow


def upsert_insert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` in the session's dialect, which can take ON CONFLICT … DO NOTHING (both
    SQLite and PostgreSQL have it, each through its own construct)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _insert_ignoring_conflicts(session: Session, table: Any, rows: list[dict[str, Any]], key: str) -> None:
    """INSERT … ON CONFLICT (key) DO NOTHING of every row: concurrent discoveries of one row do not fail."""
    session.execute(upsert_insert(session, table).on_conflict_do_nothing(index_elements=[key]), rows)


def upsert_portal(session: Session, *, slug: str, name: str, region: str = "", agency: str = "") -> PortalRow:
    """The portal row for `slug`, created or updated from the registry entry."""
    _insert_ignoring_conflicts(
        session, PortalRow.__table__, [{"slug": slug, "name": name, "region": region, "agency": agency}], "slug"
    )
    row = session.scalars(select(PortalRow).where(PortalRow.slug == slug)).one()
    row.name, row.region, row.agency = name, region, agency
    return row


def upsert_report(session: Session, *, portal_id: int, url: str, title: str = "") -> tuple[Report, bool]:
    """(report, created) for the canonical `url`; a second discovery of the same URL creates nothing."""
    listed = upsert_reports(session, portal_id=portal_id, links=[(url, title)])[0]
    return session.get_one(Report, listed.id), listed.created


@dataclass(frozen=True)
class ListedReport:
    """What a crawl needs to know of one listed report to decide whether to fetch it."""

    id: int
    url: str
    created: bool
    current_version: int
    last_fetched_at: datetime | None
    revisit_hours: float | None = None


# Bound parameters a statement may carry: SQLite's default limit is 32,766, PostgreSQL's 65,535.
_CHUNK = 500


def upsert_reports(session: Session, *, portal_id: int, links: Sequence[tuple[str, str]]) -> list[ListedReport]:
    """`upsert_report` for a whole list walk at once, in the order of `links` ((url, title) pairs).

    A few statements per 500 links instead of two round trips a link: a full walk of a portal
    of 5,000 reports is one second of database work, not ten. Known reports get `last_seen_at`;
    new ones are inserted (a concurrent insert of the same URL is ignored, then read back).
    """
    now = utcnow()
    columns = (Report.id, Report.url, Report.current_version, Report.last_fetched_at, Report.revisit_hours)
    urls = list(dict.fromkeys(url for url, _ in links))
    existing: dict[str, ListedReport] = {}
    for url_chunk in batched(urls, _CHUNK):
        for row in session.execute(select(*columns).where(Report.url.in_(url_chunk))):
            existing[row.url] = ListedReport(
                row.id, row.url, False, row.current_version, row.last_fetched_at, row.revisit_hours
            )
    for id_chunk in batched([row.id for row in existing.values()], _CHUNK):
        session.execute(update(Report).where(Report.id.in_(id_chunk)).values(last_seen_at=now))
    titles = dict(links)
    new = [url for url in urls if url not in existing]
    for chunk in batched(new, _CHUNK):
        _insert_ignoring_conflicts(
            session,
            Report.__table__,
            [
                {
                    "portal_id": portal_id,
                    "url": url,
                    "title": titles[url],
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "current_version": 0,
                }
                for url in chunk
            ],
            "url",
        )
        for row in session.execute(select(*columns).where(Report.url.in_(chunk))):
            existing[row.url] = ListedReport(
                row.id, row.url, True, row.current_version, row.last_fetched_at, row.revisit_hours
            )
    return [existing[url] for url in urls]


def without_waiting_for_disk(session: Session) -> None:
    """Let this transaction commit without waiting for its WAL to reach the disk (PostgreSQL).

    For bookkeeping that a database crash may lose without harm: a page answered 304 whose
    record is lost is only asked again. A commit then costs a round trip instead of an fsync
    (about 4 ms here). Never for versions or fetched bodies. Other databases: nothing changes.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


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
    warnings: tuple[str, ...] = ()  # the current version's cleaning warnings


def report_summaries(session: Session, portal: str | None = None) -> list[ReportSummary]:
    """One row a report: its current version's metric count and cleaning warnings, newest first."""
    metric_count = (
        select(func.count(MetricRow.id))
        .join(ReportVersion, MetricRow.version_id == ReportVersion.id)
        .where(
            ReportVersion.report_id == Report.id,
            ReportVersion.version == Report.current_version,
            MetricRow.superseded_at.is_(None),
        )
        .scalar_subquery()
    )
    warnings = (
        select(ReportVersion.cleaning_warnings)
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
            warnings,
        )
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .order_by(Report.published_at.desc().nulls_last(), Report.id)
    )
    if portal:
        query = query.where(PortalRow.slug == portal)
    return [
        ReportSummary(slug, url, title, published_at, versions, metrics, last_seen_at, tuple(warned or ()))
        for slug, url, title, published_at, versions, metrics, last_seen_at, warned in session.execute(query)
    ]


@dataclass(frozen=True)
class WarnedVersion:
    """A report whose current version was stored with cleaning warnings."""

    portal: str
    url: str
    version: int
    created_at: datetime
    warnings: tuple[str, ...]


def _current_warned() -> Select[str, str, int, datetime, list[str] | None]:
    return (
        select(
            PortalRow.slug, Report.url, ReportVersion.version, ReportVersion.created_at, ReportVersion.cleaning_warnings
        )
        .join(Report, ReportVersion.report_id == Report.id)
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .where(ReportVersion.version == Report.current_version, ReportVersion.cleaning_warnings.is_not(None))
    )


def count_warned_current(session: Session) -> int:
    """Reports whose current version was stored with cleaning warnings."""
    return session.scalar(select(func.count()).select_from(_current_warned().subquery())) or 0


def latest_warned_current(session: Session, limit: int) -> list[WarnedVersion]:
    """The `limit` most recently stored current versions with cleaning warnings, newest first."""
    query = _current_warned().order_by(ReportVersion.created_at.desc(), ReportVersion.id.desc()).limit(limit)
    return [
        WarnedVersion(slug, url, version, created_at, tuple(warnings or ()))
        for slug, url, version, created_at, warnings in session.execute(query)
    ]


def versions_of(session: Session, url: str) -> Sequence[ReportVersion]:
    return session.scalars(
        select(ReportVersion).join(Report).where(Report.url == url).order_by(ReportVersion.version)
    ).all()


@dataclass(frozen=True)
class MetricFilter:
    """What an analyst narrows metrics by; None leaves a field open."""

    portal: str | None = None
    name_contains: str | None = None
    indicator: str | None = None  # names whose canonical key (pipelines.indicator) contains this one's
    unit: str | None = None
    region: str | None = None  # the portal's region contains this (广州, 河源市)
    year: int | None = None  # the report's period covers this year
    report_url: str | None = None
    since: date | None = None  # published on or after
    target: bool | None = None  # True: targets only, False: results only
    min_confidence: float | None = None
    current_only: bool = True
    # The set this extractor made (e.g. "1.1.0", before `govreports reprocess` replaced it) instead of
    # today's; with `current_only`, of the version that was the report's latest when it ran. A set a
    # later extractor found the same is not copied: it keeps the label of the extractor that made it.
    extractor_version: str | None = None


@dataclass(frozen=True)
class MetricRecord:
    """One metric in its context: the report it is from, the period it is about, the portal's place."""

    portal: str
    region: str
    agency: str
    url: str
    title: str
    published: date | None
    period: str | None
    version: int
    name: str
    value: Decimal
    unit: str
    qualifier: str
    target: bool
    confidence: float | None
    evidence: str

    def as_row(self) -> dict[str, object]:
        """Plain values for CSV / JSON Lines: the value as a number (99.94, 1234500000), dates as ISO."""
        return {
            "portal": self.portal,
            "region": self.region,
            "agency": self.agency,
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "period": self.period,
            "version": self.version,
            "name": self.name,
            "value": number(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "target": self.target,
            "confidence": self.confidence,
            "evidence": self.evidence,
        }


def number(value: Decimal) -> int | float:
    """A stored Numeric(38, 10) as the number it is: 99.9400000000 is 99.94, 1234500000.0000000000 an int."""
    return int(value) if value == value.to_integral_value() else float(value.normalize())


def plain(value: Decimal) -> str:
    """A Decimal written as people write numbers: 99.94, 1234500000 (no exponent, no trailing zeros)."""
    normalized = value.normalize()
    return format(normalized, "f") if normalized != normalized.to_integral_value() else format(normalized, ".0f")


def metrics_query(filters: MetricFilter | None = None) -> Select[MetricRow, ReportVersion, Report, PortalRow]:
    """Metrics with their version, report and portal, narrowed by `filters`, in report and reading order."""
    f = filters or MetricFilter()
    query = (
        select(MetricRow, ReportVersion, Report, PortalRow)
        .join(ReportVersion, MetricRow.version_id == ReportVersion.id)
        .join(Report, ReportVersion.report_id == Report.id)
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .order_by(Report.id, MetricRow.seq)
    )
    if f.extractor_version is None:
        query = query.where(MetricRow.superseded_at.is_(None))  # today's set, not those re-extraction replaced
        if f.current_only:
            query = query.where(ReportVersion.version == Report.current_version)
    else:
        query = query.where(MetricRow.extractor_version == f.extractor_version)
        if f.current_only:
            query = query.where(ReportVersion.version == _latest_version_with_set(f.extractor_version))
    if f.portal:
        query = query.where(PortalRow.slug == f.portal)
    if f.name_contains:
        query = query.where(MetricRow.name.contains(f.name_contains))
    if f.indicator:
        query = query.where(MetricRow.name_key.contains(canonical(f.indicator)))
    if f.unit:
        query = query.where(MetricRow.unit == f.unit)
    if f.region:
        query = query.where(PortalRow.region.contains(f.region))
    if f.year is not None:
        query = query.where(ReportVersion.period_from <= f.year, ReportVersion.period_to >= f.year)
    if f.report_url:
        query = query.where(Report.url == f.report_url)
    if f.since:
        query = query.where(Report.published_at >= f.since)
    if f.target is not None:
        query = query.where(MetricRow.target.is_(f.target))
    if f.min_confidence is not None:
        query = query.where(MetricRow.confidence >= f.min_confidence)  # NULL (older extractors) is left out
    return query


def _latest_version_with_set(extractor_version: str) -> Any:
    """The report's latest version holding a set by `extractor_version`: the one that was current while
    that extractor ran (a version re-extraction made later never holds an older extractor's set)."""
    older = aliased(ReportVersion)
    return (
        select(func.max(older.version))
        .join(MetricRow, MetricRow.version_id == older.id)
        .where(older.report_id == Report.id, MetricRow.extractor_version == extractor_version)
        .scalar_subquery()
    )


def record_of(m: MetricRow, v: ReportVersion, r: Report, p: PortalRow) -> MetricRecord:
    """A metric row in its context, as `metrics_query` returns it."""
    return MetricRecord(
        portal=p.slug,
        region=p.region,
        agency=p.agency,
        url=r.url,
        title=v.title or r.title,
        published=r.published_at,
        period=v.period,
        version=v.version,
        name=m.name,
        value=m.value,
        unit=m.unit,
        qualifier=m.qualifier,
        target=m.target,
        confidence=m.confidence,
        evidence=m.evidence,
    )


def metric_records(session: Session, filters: MetricFilter | None = None) -> list[MetricRecord]:
    """The metrics an analyst asked for, each with its context (the CLI's `metrics` and `export`)."""
    return [record_of(m, v, r, p) for m, v, r, p in session.execute(metrics_query(filters))]


def recent_failures(session: Session, *, since: timedelta = timedelta(hours=24)) -> Sequence[FetchEvent]:
    return session.scalars(
        select(FetchEvent)
        .where(FetchEvent.outcome == "failed", FetchEvent.created_at >= utcnow() - since)
        .order_by(FetchEvent.id)
    ).all()


def count_versions(session: Session) -> int:
    return session.scalar(select(func.count(ReportVersion.id))) or 0


@dataclass(frozen=True)
class StoredVersion:
    """One version of a report as `govreports diff` compares it: its cleaned text and its metrics."""

    version: int
    fetched_at: datetime
    clean_text: str
    metrics: tuple[MetricFact, ...]


def version_numbers(session: Session, url: str) -> list[int] | None:
    """The version numbers stored for the report at `url`, oldest first; None when no report is there.

    An empty list (a report listed but never stored) and None (an unknown URL) ask for different fixes.
    """
    report_id = session.scalar(select(Report.id).where(Report.url == url))
    if report_id is None:
        return None
    query = select(ReportVersion.version).where(ReportVersion.report_id == report_id).order_by(ReportVersion.version)
    return list(session.scalars(query))


def load_versions(session: Session, url: str, numbers: Sequence[int]) -> dict[int, StoredVersion]:
    """The versions `numbers` of the report at `url` with their metrics (two queries, whatever the count)."""
    query = (
        select(ReportVersion)
        .join(Report, ReportVersion.report_id == Report.id)
        .where(Report.url == url, ReportVersion.version.in_(list(numbers)))
        .options(selectinload(ReportVersion.metrics))
    )
    return {
        v.version: StoredVersion(v.version, v.fetched_at, v.clean_text, tuple(MetricFact.of(m) for m in v.metrics))
        for v in session.scalars(query)
    }
