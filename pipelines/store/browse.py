"""What the read API and the analyst's page read: portals with their crawl health, reports page
by page, one report with its versions, a version with its text and metrics, metrics page by page.

Pages are keyset pages (a cursor names the last row shown): the next page costs the same however
deep a reader goes, and a report stored meanwhile neither repeats nor hides a row, which OFFSET
would do on a table the crawler keeps writing. Every query reads; none writes.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import Date, Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session, defer

from pipelines.store.diff import MetricFact, metric_changes_per_version
from pipelines.store.models import FetchEvent, MetricRow, PortalRow, Report, ReportVersion, utcnow
from pipelines.store.queries import MetricFilter, MetricRecord, metrics_query
from scrapers.errors import PermanentError

FAILURE_WINDOW = timedelta(hours=24)
_NO_DATE = date(1, 1, 1)  # undated reports sort after every dated one (newest first)


class BadCursor(ValueError, PermanentError):
    """A cursor this module did not write (edited, truncated, or from another listing)."""


def encode_cursor(*key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[object]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(key, list) or len(key) != arity:
        raise BadCursor(cursor)
    return key


# --- portals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalHealth:
    """A portal with what its crawls did: the last one's time and outcome, what is stored, recent failures."""

    slug: str
    name: str
    region: str
    agency: str
    last_crawl_at: datetime | None
    last_crawl_outcome: str | None
    reports: int
    versions: int
    failures_24h: int


def portal_health(session: Session) -> list[PortalHealth]:
    """Every portal in slug order; three grouped counts, whatever the number of portals."""
    reports = dict(session.execute(select(Report.portal_id, func.count(Report.id)).group_by(Report.portal_id)).all())
    versions = dict(
        session.execute(
            select(Report.portal_id, func.count(ReportVersion.id))
            .join(ReportVersion, ReportVersion.report_id == Report.id)
            .group_by(Report.portal_id)
        ).all()
    )
    failures = dict(
        session.execute(
            select(FetchEvent.portal_id, func.count(FetchEvent.id))
            .where(FetchEvent.outcome == "failed", FetchEvent.created_at >= utcnow() - FAILURE_WINDOW)
            .group_by(FetchEvent.portal_id)
        ).all()
    )
    return [
        PortalHealth(
            p.slug,
            p.name,
            p.region,
            p.agency,
            p.last_crawl_at,
            p.last_crawl_outcome,
            reports.get(p.id, 0),
            versions.get(p.id, 0),
            failures.get(p.id, 0),
        )
        for p in session.scalars(select(PortalRow).order_by(PortalRow.slug))
    ]


# --- reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilter:
    """What a reader narrows the report list by; None leaves a field open."""

    portal: str | None = None
    region: str | None = None  # the portal's region contains this
    year: int | None = None  # the current version's period covers this year
    title_contains: str | None = None


@dataclass(frozen=True)
class ReportItem:
    """A report as a list shows it: where it is from, what it is about, how much is stored."""

    id: int
    portal: str
    region: str
    url: str
    title: str
    published: date | None
    period: str | None
    versions: int
    last_seen_at: datetime


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # None: this is the last page


def _item(r: Report, p: PortalRow, v: ReportVersion | None) -> ReportItem:
    return ReportItem(
        r.id,
        p.slug,
        p.region,
        r.url,
        v.title if v and v.title else r.title,
        r.published_at,
        v.period if v else None,
        r.current_version,
        r.last_seen_at,
    )


def _report_items(session: Session, query: object) -> list[ReportItem]:
    return [_item(r, p, v) for r, p, v in session.execute(query)]  # type: ignore[call-overload]


def _one_report(session: Session, report_id: int) -> tuple[ReportItem, str] | None:
    """The report as a list shows it, and its portal's agency; None when no report has this id."""
    query = _reports_with_current().where(Report.id == report_id)  # type: ignore[attr-defined]
    row = session.execute(query).first()
    return None if row is None else (_item(*row), row[1].agency)


def _reports_with_current() -> object:
    # A list row shows the version's title and period: its text and page (kilobytes a row) stay in the database.
    return (
        select(Report, PortalRow, ReportVersion)
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .outerjoin(
            ReportVersion,
            and_(ReportVersion.report_id == Report.id, ReportVersion.version == Report.current_version),
        )
        .options(defer(ReportVersion.clean_text), defer(ReportVersion.raw_html_z))
    )


def report_page(session: Session, filters: ReportFilter, *, limit: int, cursor: str | None = None) -> Page[ReportItem]:
    """Reports newest published first (undated last), `limit` a page, after `cursor`."""
    # Inline (not a bound parameter), so the expression is the one ix_reports_list_order (migration 0010) has.
    published = func.coalesce(Report.published_at, literal(_NO_DATE, Date, literal_execute=True))
    query = _reports_with_current().order_by(published.desc(), Report.id.desc()).limit(limit + 1)  # type: ignore[attr-defined]
    if filters.portal:
        query = query.where(PortalRow.slug == filters.portal)
    if filters.region:
        query = query.where(PortalRow.region.contains(filters.region))
    if filters.year is not None:
        query = query.where(ReportVersion.period_from <= filters.year, ReportVersion.period_to >= filters.year)
    if filters.title_contains:
        query = query.where(Report.title.contains(filters.title_contains))
    if cursor is not None:
        day, last_id = decode_cursor(cursor, 2)
        try:
            key = (date.fromisoformat(str(day)), int(str(last_id)))
        except ValueError as exc:
            raise BadCursor(cursor) from exc
        query = query.where(or_(published < key[0], and_(published == key[0], Report.id < key[1])))
    items = _report_items(session, query)
    if len(items) <= limit:
        return Page(items, None)
    last = items[limit - 1]
    return Page(items[:limit], encode_cursor((last.published or _NO_DATE).isoformat(), last.id))


@dataclass(frozen=True)
class VersionItem:
    """One stored version: when and why it was made, and how many indicators changed against the one before."""

    version: int
    fetched_at: datetime
    created_at: datetime
    origin: str  # 'fetch' (from the portal: an upstream edit after the first) or 'reprocess' (our reader)
    period: str | None
    chars: int
    metrics: int
    metric_changes: int | None  # None for the first version
    warnings: tuple[str, ...]
    reader_version: str | None
    extractor_version: str


@dataclass(frozen=True)
class ReportDetail:
    report: ReportItem
    agency: str
    versions: list[VersionItem] = field(default_factory=list)


def report_detail(session: Session, report_id: int) -> ReportDetail | None:
    """The report with every version, oldest first; None when no report has this id."""
    found = _one_report(session, report_id)
    if found is None:
        return None
    item, agency = found
    stored = session.scalars(
        select(ReportVersion)
        .where(ReportVersion.report_id == report_id)
        .order_by(ReportVersion.version)
        .options(defer(ReportVersion.raw_html_z))  # the listing shows sizes and counts, never the page
    ).all()
    facts = _metric_facts(session, [v.id for v in stored])
    changes = metric_changes_per_version({v.version: facts.get(v.id, ()) for v in stored})
    versions = [
        VersionItem(
            v.version,
            v.fetched_at,
            v.created_at,
            v.origin,
            v.period,
            len(v.clean_text),
            len(facts.get(v.id, ())),
            changes.get(v.version),
            tuple(v.cleaning_warnings or ()),
            v.reader_version,
            v.extractor_version,
        )
        for v in stored
    ]
    return ReportDetail(item, agency, versions)


def _metric_facts(session: Session, version_ids: Sequence[int]) -> dict[int, tuple[MetricFact, ...]]:
    grouped: dict[int, list[MetricFact]] = {}
    query = (
        select(MetricRow)
        .where(MetricRow.version_id.in_(list(version_ids)), MetricRow.superseded_at.is_(None))
        .order_by(MetricRow.version_id, MetricRow.seq)
    )
    for row in session.scalars(query):
        grouped.setdefault(row.version_id, []).append(MetricFact.of(row))
    return {k: tuple(v) for k, v in grouped.items()}


@dataclass(frozen=True)
class PlacedMetric:
    """A metric where the version's text states it: [start, end) of its evidence in `clean_text`."""

    seq: int
    name: str
    value: Decimal
    unit: str
    qualifier: str
    target: bool
    confidence: float | None
    evidence: str
    start: int
    end: int


@dataclass(frozen=True)
class VersionContent:
    report: ReportItem
    version: int
    fetched_at: datetime
    origin: str
    clean_text: str
    metrics: list[PlacedMetric]


def version_content(session: Session, report_id: int, number: int) -> VersionContent | None:
    """One version's cleaned text and its current metrics in reading order; None when there is no such version."""
    found = _one_report(session, report_id)
    stored = session.scalar(
        select(ReportVersion).where(ReportVersion.report_id == report_id, ReportVersion.version == number)
    )
    if found is None or stored is None:
        return None
    placed = [
        PlacedMetric(m.seq, m.name, m.value, m.unit, m.qualifier, m.target, m.confidence, m.evidence, m.start, m.end)
        for m in stored.metrics
    ]
    return VersionContent(found[0], stored.version, stored.fetched_at, stored.origin, stored.clean_text, placed)


# --- metrics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricHit:
    """A metric record with the ids a link to its evidence needs."""

    id: int
    report_id: int
    seq: int
    record: MetricRecord


def metric_page(session: Session, filters: MetricFilter, *, limit: int, cursor: str | None = None) -> Page[MetricHit]:
    """Metrics in storage order, `limit` a page, after `cursor`."""
    query = _hit_columns(metrics_query(filters)).order_by(None).order_by(MetricRow.id).limit(limit + 1)
    if cursor is not None:
        (last_id,) = decode_cursor(cursor, 1)
        if not isinstance(last_id, int):
            raise BadCursor(cursor)
        query = query.where(MetricRow.id > last_id)
    hits = _hits(session, query)
    if len(hits) <= limit:
        return Page(hits, None)
    return Page(hits[:limit], encode_cursor(hits[limit - 1].id))


def metric_hits(session: Session, filters: MetricFilter, *, limit: int) -> list[MetricHit]:
    """At most `limit` metrics matching `filters` (a series reads its candidates through this)."""
    return _hits(session, _hit_columns(metrics_query(filters)).limit(limit))


# The columns a MetricHit is made of. Read as plain rows, not as the four ORM entities `metrics_query`
# selects: a version entity would carry its whole clean_text and raw_html_z on every metric row (the
# database detoasting, sending and the driver decoding them), and building and identity-mapping four
# objects a row costs more than the query on a series of a few thousand candidates.
_HIT_COLUMNS = (
    MetricRow.id,
    Report.id,
    MetricRow.seq,
    PortalRow.slug,
    PortalRow.region,
    PortalRow.agency,
    Report.url,
    ReportVersion.title,
    Report.title,
    Report.published_at,
    ReportVersion.period,
    ReportVersion.version,
    MetricRow.name,
    MetricRow.value,
    MetricRow.unit,
    MetricRow.qualifier,
    MetricRow.target,
    MetricRow.confidence,
    MetricRow.evidence,
)


def _hit_columns(query: Select[MetricRow, ReportVersion, Report, PortalRow]) -> Select[*tuple[Any, ...]]:
    """`query` (a `metrics_query`: its joins, filters and order kept) selecting `_HIT_COLUMNS` only."""
    return query.with_only_columns(*_HIT_COLUMNS, maintain_column_froms=False)


def _hits(session: Session, query: Select[*tuple[Any, ...]]) -> list[MetricHit]:
    """What `record_of` makes of the entities, from the plain columns of `_hit_columns`."""
    hits = []
    for row in session.execute(query):
        (mid, rid, seq, slug, region, agency, url, v_title, r_title, published, period, version) = row[:12]
        name, value, unit, qualifier, target, confidence, evidence = row[12:]
        record = MetricRecord(
            slug, region, agency, url, v_title or r_title, published, period, version,
            name, value, unit, qualifier, target, confidence, evidence,
        )  # fmt: skip
        hits.append(MetricHit(mid, rid, seq, record))
    return hits
