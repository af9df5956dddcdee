"""The schema: portals, reports, report_versions, metrics, fetch_events.

Idempotency lives here as constraints: one report per URL, one version per distinct cleaned
content of a report, one version number per report.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The rows beat's sweep and `govreports status` look for (pipelines.store.ingestion), each a few among
# many: partial indexes on these conditions answer them without reading the whole table.
WAITING_PAGE = "body_z IS NOT NULL"  # an article page fetched and not yet processed
UNFETCHED_REPORT = "current_version = 0 AND last_fetched_at IS NULL"  # listed, never fetched
KEYED_FAILURE = "failure_key IS NOT NULL"  # a failure written through workers.failures

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PortalRow(Base):
    __tablename__ = "portals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(200), default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    last_crawl_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_crawl_outcome: Mapped[str | None] = mapped_column(String(200))


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        # The few reports listed and never fetched, out of every report (beat's sweep, status).
        Index(
            "ix_reports_unfetched", "id", sqlite_where=text(UNFETCHED_REPORT), postgresql_where=text(UNFETCHED_REPORT)
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    portal_id: Mapped[int] = mapped_column(ForeignKey("portals.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[date | None] = mapped_column(Date)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Hours until the next revisit, adapted to what the report does (workers/revisit.py); None: the setting.
    revisit_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    final_url: Mapped[str | None] = mapped_column(String(2000))
    current_version: Mapped[int] = mapped_column(Integer, default=0)

    portal: Mapped[PortalRow] = relationship()
    versions: Mapped[list[ReportVersion]] = relationship(back_populates="report", order_by="ReportVersion.version")


class ReportVersion(Base):
    __tablename__ = "report_versions"
    __table_args__ = (
        UniqueConstraint("report_id", "version", name="uq_report_versions_report_version"),
        UniqueConstraint("report_id", "content_sha256", name="uq_report_versions_report_content"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    raw_html_z: Mapped[bytes] = mapped_column(LargeBinary)
    clean_text: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    extractor_version: Mapped[str] = mapped_column(String(32))
    # Why the reader doubts this body is the report (e.g. "mostly link text"), as a JSON list of
    # short phrases; NULL when it raised none (and on versions stored before the reader checked).
    cleaning_warnings: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    # The period the report is about (pipelines.period): 2022, 2024-Q1, 2025-04, 2021–2025; years for filters.
    period: Mapped[str | None] = mapped_column(String(16))
    period_from: Mapped[int | None] = mapped_column(Integer, index=True)
    period_to: Mapped[int | None] = mapped_column(Integer)
    # What made this version: 'fetch' (a page fetched from the portal: an upstream edit when it is
    # not the first) or 'reprocess' (a stored page read again by a newer reader: our change, not theirs).
    origin: Mapped[str] = mapped_column(String(16), default="fetch", server_default="fetch")
    # The reader (pipelines.article.READER_VERSION) that made clean_text; NULL: stored before it was recorded.
    reader_version: Mapped[str | None] = mapped_column(String(32))

    report: Mapped[Report] = relationship(back_populates="versions")
    # The current metric set only: a set replaced by re-extraction stays in the table (superseded_at
    # set), for `MetricFilter(extractor_version=…)`, but every reader of `metrics` sees today's set.
    metrics: Mapped[list[MetricRow]] = relationship(
        primaryjoin=lambda: and_(MetricRow.version_id == ReportVersion.id, MetricRow.superseded_at.is_(None)),
        back_populates="version",
        order_by="MetricRow.seq",
        cascade="all, delete-orphan",
    )
    attachments: Mapped[list[AttachmentRow]] = relationship(
        back_populates="version", order_by="AttachmentRow.seq", cascade="all, delete-orphan"
    )


class MetricRow(Base):
    """One metric of a version, as one extractor read it.

    A version has one current set (`superseded_at` NULL) and, once re-extracted, the sets earlier
    extractors made (`superseded_at` when they were replaced): the history of a number tells our
    extractor's changes apart from the portal's edits, which are new versions.
    """

    __tablename__ = "metrics"
    __table_args__ = (
        UniqueConstraint("version_id", "extractor_version", "seq", name="uq_metrics_version_extractor_seq"),
        # name LIKE '%…%' and name_key LIKE '%…%' (metric search, series): pg_trgm, PostgreSQL only (migration 0010).
        Index("ix_metrics_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"}).ddl_if(
            dialect="postgresql"
        ),
        Index(
            "ix_metrics_name_key_trgm", "name_key", postgresql_using="gin", postgresql_ops={"name_key": "gin_trgm_ops"}
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    # pipelines.indicator.canonical(name): one indicator's key across reports (series, --indicator)
    name_key: Mapped[str | None] = mapped_column(Text)
    value: Mapped[Decimal] = mapped_column(Numeric(38, 10))
    unit: Mapped[str] = mapped_column(String(32))
    qualifier: Mapped[str] = mapped_column(String(16))
    target: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)  # None: stored before extractor 1.3.0
    extractor_version: Mapped[str] = mapped_column(String(32))  # the extractor that made this set
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # NULL: the current set

    version: Mapped[ReportVersion] = relationship(back_populates="metrics")


class AttachmentRow(Base):
    """An attachment linked from a version's page; `text_chars` > 0 when its text joined the version."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("version_id", "seq", name="uq_attachments_version_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(8))
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    text_chars: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)

    version: Mapped[ReportVersion] = relationship(back_populates="attachments")


class FetchEvent(Base):
    """Every fetch and every failure, so nothing fails silently.

    `body_z` keeps an article's fetched page until `process_report` has turned it into a
    version (then it is cleared): task messages carry this row's id, never the body. The
    validators (etag, last_modified) move to the report only once the version is stored, so a
    failed processing step can never turn the next fetch into a 304 that hides the page.
    """

    __tablename__ = "fetch_events"
    __table_args__ = (
        Index("ix_fetch_events_created_at", "created_at"),
        # The few pages still waiting for processing, out of every fetch ever made (beat's sweep, status).
        Index("ix_fetch_events_waiting", "id", sqlite_where=text(WAITING_PAGE), postgresql_where=text(WAITING_PAGE)),
        # A failure kept while the database was down is written under its key at most once (workers/failures.py).
        Index(
            "ix_fetch_events_failure_key",
            "failure_key",
            unique=True,
            sqlite_where=text(KEYED_FAILURE),
            postgresql_where=text(KEYED_FAILURE),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    portal_id: Mapped[int | None] = mapped_column(ForeignKey("portals.id", ondelete="SET NULL"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("fetch_events.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(16))  # list | article | attachment | process
    outcome: Mapped[str] = mapped_column(String(16))  # ok | not_modified | failed | retrying | skipped
    status: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    encoding: Mapped[str | None] = mapped_column(String(32))
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    body_z: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The key a failure got when it was seen (workers.failures.Failure.key); None for every other event.
    failure_key: Mapped[str | None] = mapped_column(String(32))
