"""Storing a batch of processed pages in a few statements for the whole batch.

`ingestion.store_processed` stores one page with the versioning rule (`versioning.store_version`):
about a dozen statements a page through the ORM session, ~7 ms of a worker's CPU a page, more than
cleaning and extracting it. Here the same rule runs over a whole batch with statements that each
serve every page: claim the pages, lock their reports, read their latest and matching versions,
insert the new versions (ids read back in order), their metrics and attachments, update the
reports. Ten pages cost about what one did.

The rule and its bookkeeping are the same as `store_processed`'s, and the caller keeps that path:
a batch this cannot take (two pages of one report) or whose write fails is stored page by page,
each in its own savepoint, so one page's failure stays its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from pipelines.store.ingestion import FetchedPage, ProcessedPage, claim_pages, no_body_event, superseded
from pipelines.store.models import AttachmentRow, FetchEvent, MetricRow, Report, ReportVersion, utcnow
from pipelines.store.versioning import VersionOutcome, attachment_row, content_hash, metric_row

# Core tables: the rows are plain dicts, so the ORM's bulk machinery has nothing to do.
METRICS = cast(Table, MetricRow.__table__)
ATTACHMENTS = cast(Table, AttachmentRow.__table__)
REPORTS = cast(Table, Report.__table__)


@dataclass(frozen=True)
class PageStored:
    """What became of one page of the batch: its version (new or the same content's), a page with
    no body recorded as a failure (`no_body`), or nothing because another run had claimed it or a
    later fetch of its report is stored already."""

    outcome: VersionOutcome | None = None
    no_body: bool = False


NOT_CLAIMED = PageStored()


def batch_storable(items: Sequence[tuple[FetchedPage, ProcessedPage | None]]) -> bool:
    """A batch this module can store in one go: no report twice (its second page must see the
    version the first one stores, which one set of statements cannot)."""
    reports = [page.report_id for page, _ in items]
    return len(reports) == len(set(reports))


def store_pages(
    session: Session,
    items: Sequence[tuple[FetchedPage, ProcessedPage | None]],
    *,
    extractor_version: str,
    reader_version: str,
    revisit: Callable[[float | None, bool], float | None],
) -> dict[int, PageStored]:
    """Store every (fetched page, what processing made of it) by the versioning rule, by event id.

    Inside the caller's transaction; raises whatever the database raises (the caller rolls back its
    savepoint and stores the pages one by one).
    """
    assert batch_storable(items), "two pages of one report: store them one by one"
    now = utcnow()
    claimed = claim_pages(session, [page.event_id for page, _ in items])
    results = {page.event_id: NOT_CLAIMED for page, _ in items if page.event_id not in claimed}
    mine = [(page, processed) for page, processed in items if page.event_id in claimed]
    used = [i for _, processed in mine if processed is not None for i in processed.used_attachments]
    if used:
        session.execute(update(FetchEvent).where(FetchEvent.id.in_(used)).values(body_z=None))
    empty = [page for page, processed in mine if processed is None]
    if empty:
        session.execute(insert(FetchEvent), [{**no_body_event(page), "created_at": now} for page in empty])
        results.update({page.event_id: PageStored(no_body=True) for page in empty})
    pages = [(page, processed) for page, processed in mine if processed is not None]
    if not pages:
        return results
    report_ids = sorted(page.report_id for page, _ in pages)
    reports = {
        row.id: row
        for row in session.execute(
            select(Report.id, Report.title, Report.revisit_hours, Report.published_at, Report.current_version)
            .where(Report.id.in_(report_ids))
            .order_by(Report.id)
            .with_for_update()
        )
    }
    stale = superseded(session, [page for page, _ in pages])
    if stale:
        results.update({event_id: NOT_CLAIMED for event_id in stale})
        pages = [(page, processed) for page, processed in pages if page.event_id not in stale]
        if not pages:
            return results
    latest: dict[int, int] = {
        report_id: number
        for report_id, number in session.execute(
            select(ReportVersion.report_id, func.max(ReportVersion.version))
            .where(ReportVersion.report_id.in_(report_ids))
            .group_by(ReportVersion.report_id)
        )
    }
    shas = {page.event_id: content_hash(processed.clean_text) for page, processed in pages}
    same = {
        (row.report_id, row.content_sha256): row.version
        for row in session.execute(
            select(ReportVersion.report_id, ReportVersion.content_sha256, ReportVersion.version).where(
                tuple_(ReportVersion.report_id, ReportVersion.content_sha256).in_(
                    [(page.report_id, shas[page.event_id]) for page, _ in pages]
                )
            )
        )
    }
    new = [(page, processed) for page, processed in pages if (page.report_id, shas[page.event_id]) not in same]
    numbers = {page.report_id: (latest.get(page.report_id) or 0) + 1 for page, _ in new}
    version_ids = _insert_versions(session, new, numbers, shas, now, extractor_version, reader_version)
    metric_rows = [
        metric_row(version_ids[page.event_id], i, metric, extractor_version)
        for page, processed in new
        for i, metric in enumerate(processed.metrics)
    ]
    if metric_rows:
        session.execute(insert(METRICS), metric_rows)
    attachment_rows = [
        {"version_id": version_ids[page.event_id], **attachment_row(i, a)}
        for page, processed in new
        for i, a in enumerate(processed.attachments)
    ]
    if attachment_rows:
        session.execute(insert(ATTACHMENTS), attachment_rows)
    changes = []
    for page, processed in pages:
        report = reports[page.report_id]
        existing = same.get((page.report_id, shas[page.event_id]))
        outcome = (
            VersionOutcome(existing, False) if existing is not None else VersionOutcome(numbers[page.report_id], True)
        )
        results[page.event_id] = PageStored(outcome)
        first = outcome.created and outcome.version == 1
        changes.append(
            {
                "report": page.report_id,
                "last_seen_at": now,
                "etag": page.etag,
                "last_modified": page.last_modified,
                "current_version": outcome.version if outcome.created else report.current_version,
                "title": processed.title if outcome.created and processed.title else report.title,
                "revisit_hours": report.revisit_hours if first else revisit(report.revisit_hours, outcome.created),
                "published_at": processed.published or report.published_at,
            }
        )
    session.execute(update(REPORTS).where(REPORTS.c.id == bindparam("report")), changes)
    return results


def _insert_versions(
    session: Session,
    new: list[tuple[FetchedPage, ProcessedPage]],
    numbers: dict[int, int],
    shas: dict[int, str],
    now: Any,
    extractor_version: str,
    reader_version: str,
) -> dict[int, int]:
    """Insert the new versions; their ids by the event id of the page each came from."""
    if not new:
        return {}
    rows = [
        {
            "report_id": page.report_id,
            "version": numbers[page.report_id],
            "content_sha256": shas[page.event_id],
            "title": processed.title,
            "clean_text": processed.clean_text,
            "raw_html_z": page.html_z,  # compressed once, when it was fetched
            "fetched_at": page.fetched_at,
            "created_at": now,
            "extractor_version": extractor_version,
            "cleaning_warnings": list(processed.warnings) or None,
            "period": processed.period.label if processed.period else None,
            "period_from": processed.period.year_from if processed.period else None,
            "period_to": processed.period.year_to if processed.period else None,
            "origin": "fetch",
            "reader_version": reader_version,
        }
        for page, processed in new
    ]
    ids = session.execute(
        insert(ReportVersion).returning(ReportVersion.id, sort_by_parameter_order=True), rows
    ).scalars()
    return {page.event_id: version_id for (page, _), version_id in zip(new, ids, strict=True)}
