"""The versioning rule: a new version only when the cleaned text changes.

Unchanged content moves `last_seen_at` and nothing else. Concurrent duplicates are stopped
by the report row lock (PostgreSQL), IMMEDIATE transactions (SQLite) and, whatever the
database, the unique constraints on (report, content_sha256) and (report, version).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipelines.indicator import canonical
from pipelines.metrics import Metric
from pipelines.period import Period
from pipelines.store.models import AttachmentRow, MetricRow, Report, ReportVersion, utcnow

PAGE_KIND = "page"  # the kind of a further page of the article, recorded beside its attachments


@dataclass(frozen=True)
class AttachmentRecord:
    """What became of one attachment of the page: its text went into the clean text when `text_chars` > 0.

    A further page of a paginated article is recorded the same way, with kind PAGE_KIND: its body
    follows the first page's (after a line break, before the attachments' texts)."""

    name: str
    url: str
    kind: str
    size_bytes: int = 0
    text_chars: int = 0
    error: str | None = None


@dataclass(frozen=True)
class VersionOutcome:
    version: int
    created: bool


def content_hash(clean_text: str) -> str:
    """SHA-256 of the cleaned text with whitespace runs folded, so re-wrapped lines are no edit."""
    return hashlib.sha256(" ".join(clean_text.split()).encode("utf-8")).hexdigest()


def store_version(
    session: Session,
    report: Report,
    *,
    title: str,
    clean_text: str,
    raw_html: str,
    metrics: Sequence[Metric],
    fetched_at: datetime,
    extractor_version: str,
    attachments: Sequence[AttachmentRecord] = (),
    cleaning_warnings: Sequence[str] = (),
    period: Period | None = None,
    reader_version: str | None = None,
    origin: str = "fetch",
) -> VersionOutcome:
    """Record this content for `report`: a new version with its metrics, or none if already stored.

    `cleaning_warnings` (the reader's doubts about the body) are stored on a new version, NULL
    when there are none; they are not part of the content, so an unchanged text with other
    warnings is still no new version (and the stored version keeps the warnings it had).

    `origin` says what made the version: 'fetch' (a fetched page) or 'reprocess' (a stored page read
    again by a newer reader, `govreports reprocess`), so an upstream edit is told apart from ours.

    Call inside the caller's transaction; the caller commits. The version row and its metrics
    are flushed together, so a failure leaves no partial version.
    """
    session.execute(select(Report.id).where(Report.id == report.id).with_for_update())
    sha = content_hash(clean_text)
    latest, existing = session.execute(
        select(
            func.max(ReportVersion.version),
            func.max(case((ReportVersion.content_sha256 == sha, ReportVersion.version))),
        ).where(ReportVersion.report_id == report.id)
    ).one()
    now = utcnow()
    report.last_seen_at = now
    if existing is not None:
        return VersionOutcome(existing, created=False)
    number = (latest or 0) + 1
    version = {
        "report_id": report.id,
        "version": number,
        "content_sha256": sha,
        "title": title,
        "clean_text": clean_text,
        "raw_html_z": zlib.compress(raw_html.encode("utf-8"), 6),
        "fetched_at": fetched_at,
        "created_at": now,
        "extractor_version": extractor_version,
        "cleaning_warnings": list(cleaning_warnings) or None,
        "period": period.label if period else None,
        "period_from": period.year_from if period else None,
        "period_to": period.year_to if period else None,
        "origin": origin,
        "reader_version": reader_version,
    }
    attachment_rows = [attachment_row(i, a) for i, a in enumerate(attachments)]
    try:
        # Core statements, not ORM objects: the version's id is all that is read back, and its
        # metrics go in one executemany (the unit of work spent ~10 ms a page tracking them).
        with session.begin_nested():
            version_id = session.execute(insert(ReportVersion).values(version).returning(ReportVersion.id)).scalar_one()
            insert_metrics(session, version_id, metrics, extractor_version)
            if attachment_rows:
                session.execute(insert(AttachmentRow), [{**row, "version_id": version_id} for row in attachment_rows])
    except IntegrityError:
        # Another writer stored this content (or took this number) between our read and write.
        winner = session.scalar(
            select(ReportVersion.version).where(
                ReportVersion.report_id == report.id, ReportVersion.content_sha256 == sha
            )
        )
        if winner is None:
            raise
        return VersionOutcome(winner, created=False)
    report.current_version = number
    if title:
        report.title = title
    return VersionOutcome(number, created=True)


def insert_metrics(session: Session, version_id: int, metrics: Sequence[Metric], extractor_version: str) -> None:
    """The rows of one metric set, in reading order (seq), labelled with the extractor that made it,
    written in one executemany (no ids read back: nothing needs them)."""
    if not metrics:
        return
    session.execute(
        insert(cast(Table, MetricRow.__table__)),
        [metric_row(version_id, i, m, extractor_version) for i, m in enumerate(metrics)],
    )


def attachment_row(seq: int, a: AttachmentRecord) -> dict[str, Any]:
    """One attachment of a version as its row's values (without the version's id)."""
    return {
        "seq": seq,
        "name": a.name,
        "url": a.url,
        "kind": a.kind,
        "size_bytes": a.size_bytes,
        "text_chars": a.text_chars,
        "error": a.error,
    }


def metric_row(version_id: int, seq: int, m: Metric, extractor_version: str) -> dict[str, Any]:
    """One metric as its row's values: `seq` is its place in reading order."""
    return {
        "version_id": version_id,
        "seq": seq,
        "name": m.name,
        "name_key": canonical(m.name),
        "value": m.value,
        "unit": m.unit,
        "qualifier": m.qualifier,
        "target": m.target,
        "evidence": m.evidence,
        "start": m.start,
        "end": m.end,
        "confidence": m.confidence,
        "extractor_version": extractor_version,
    }


def raw_html_of(version: ReportVersion) -> str:
    return zlib.decompress(version.raw_html_z).decode("utf-8")
