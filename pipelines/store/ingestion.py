"""The reads and writes of ingestion (workers/steps.py: crawl, fetch, process; workers/ingest.py: the
crawl summary). Functions take a Session and never commit; the worker opens short transactions
around them and does its network and CPU work between them.

Processing shows why: pages are read in one transaction (`load_fetched_pages`), cleaned and extracted
outside any (seconds of CPU on a long page, while a transaction would hold SQLite's write lock and
PostgreSQL's snapshot), and stored in a second one (`store_processed`, `record_no_body`). The write
claims the fetched page under its row lock first, so two deliveries of one page store what one does.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from pipelines.metrics import Metric
from pipelines.period import Period
from pipelines.store.models import FetchEvent, PortalRow, Report, ReportVersion, utcnow
from pipelines.store.queries import ListedReport, record_event, upsert_insert, without_waiting_for_disk
from pipelines.store.versioning import AttachmentRecord, VersionOutcome, store_version

NO_BODY = "no body found: the page holds only site furniture"
REPORTS = cast(Table, Report.__table__)
FETCH_EVENTS = cast(Table, FetchEvent.__table__)

# --- crawl -------------------------------------------------------------------


def known_reports(session: Session, portal_id: int) -> list[ListedReport]:
    """Every report stored for the portal, with what deciding a revisit needs.

    A crawl reads them before its walk: their URLs tell new links from known ones, and those due
    for a revisit must be listed before an incremental walk may stop (scrapers.crawl.discover).
    """
    rows = session.execute(
        select(Report.id, Report.url, Report.current_version, Report.last_fetched_at, Report.revisit_hours).where(
            Report.portal_id == portal_id
        )
    )
    return [
        ListedReport(row.id, row.url, False, row.current_version, row.last_fetched_at, row.revisit_hours)
        for row in rows
    ]


def record_list_pages(session: Session, events: Sequence[Mapping[str, Any]]) -> None:
    """The fetch events of a walk's list pages, written together with the links they gave."""
    if events:
        session.execute(insert(FetchEvent), [dict(event) for event in events])


def mark_crawled(session: Session, portal_id: int, outcome: str) -> None:
    """When the portal was last crawled and what that found (`govreports status` shows it)."""
    row = session.get_one(PortalRow, portal_id)
    row.last_crawl_at = utcnow()
    row.last_crawl_outcome = outcome


# --- fetch -------------------------------------------------------------------


def reports_with_portal(session: Session, report_ids: Sequence[int]) -> list[tuple[Report, str]]:
    """Each report of `report_ids` that exists, with its portal's slug, in one query (a fetch batch's)."""
    if not report_ids:
        return []
    rows = session.execute(
        select(Report, PortalRow.slug)
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .where(Report.id.in_(list(report_ids)))
    ).all()
    return [(report, slug) for report, slug in rows]


def record_page_fetches(
    session: Session, pages: Sequence[tuple[int, Mapping[str, Any], Mapping[str, Any]]]
) -> list[int]:
    """Pages answered with a body, as (report id, its fetch bookkeeping, the event keeping the body
    for processing with `body_z`): the events' ids, in order, which the process task is sent.

    Two Core statements for all the pages (an executemany UPDATE of the reports, an INSERT of the
    events with their ids read back in order): the ORM's unit of work cost more than the
    statements themselves for rows nothing reads back (bench/pipeline.py, fetch.store).
    """
    if not pages:
        return []
    connection = session.connection()
    connection.execute(
        update(REPORTS).where(REPORTS.c.id == bindparam("report")),
        [{"report": report_id, **changes} for report_id, changes, _ in pages],
    )
    now = utcnow()
    events = [{"created_at": now, "size_bytes": 0, "elapsed_ms": 0, **event} for _, _, event in pages]
    ids = connection.execute(insert(FETCH_EVENTS).returning(FETCH_EVENTS.c.id, sort_by_parameter_order=True), events)
    return [int(event_id) for event_id in ids.scalars()]


def record_not_modified(session: Session, unchanged: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> None:
    """The bookkeeping of 304s ((report changes with its id, fetch event) pairs), two statements for all.

    It commits without waiting for the WAL flush: lost, a 304 is only asked again.
    """
    if not unchanged:
        return
    without_waiting_for_disk(session)
    session.execute(update(Report), [dict(changes) for changes, _ in unchanged])
    session.execute(insert(FetchEvent), [dict(event) for _, event in unchanged])


def portal_id_of(session: Session, *, slug: str | None = None, report_id: int | None = None) -> int | None:
    """The portal a failure belongs to, by its slug or else by its report; None when neither is known."""
    if slug:
        return session.scalar(select(PortalRow.id).where(PortalRow.slug == slug))
    if report_id is not None:
        return session.scalar(select(Report.portal_id).where(Report.id == report_id))
    return None


# --- process -----------------------------------------------------------------


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page waiting for processing, read in one transaction and processed outside any.

    `attachments` maps each fetched attachment's URL to its child event's id and compressed body
    (attachments that failed, or whose body a processing already used, are left out).
    """

    event_id: int
    report_id: int
    portal_id: int
    portal: str  # the portal's slug: its registry entry has the selectors
    report_url: str
    report_title: str
    url: str  # the URL answered (after redirects): links on the page are relative to it
    html: str
    html_z: bytes  # the page as fetched, compressed: stored as the version's raw page as it is
    fetched_at: datetime
    etag: str | None
    last_modified: str | None
    attachments: Mapping[str, tuple[int, bytes]]


def load_fetched_pages(session: Session, event_ids: Sequence[int]) -> dict[int, FetchedPage]:
    """The pages the fetch events `event_ids` keep, by event id, in two queries for the whole batch
    (pages, then their attachments); an event already processed (its body dropped) is left out."""
    if not event_ids:
        return {}
    found = session.execute(
        select(FetchEvent, Report, PortalRow.slug)
        .join(Report, FetchEvent.report_id == Report.id)
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .where(FetchEvent.id.in_(list(event_ids)), FetchEvent.body_z.is_not(None))
    ).all()
    if not found:
        return {}
    attachments: dict[int, dict[str, tuple[int, bytes]]] = {event.id: {} for event, _, _ in found}
    children = session.execute(
        select(FetchEvent.parent_id, FetchEvent.id, FetchEvent.url, FetchEvent.body_z).where(
            FetchEvent.parent_id.in_(list(attachments)), FetchEvent.body_z.is_not(None)
        )
    )
    for child in children:
        attachments[child.parent_id][child.url] = (child.id, child.body_z)
    return {
        event.id: FetchedPage(
            event_id=event.id,
            report_id=report.id,
            portal_id=report.portal_id,
            portal=slug,
            report_url=report.url,
            report_title=report.title,
            url=event.url,
            html=zlib.decompress(event.body_z or b"").decode("utf-8"),  # never None: filtered above
            html_z=event.body_z or b"",
            fetched_at=event.created_at,
            etag=event.etag,
            last_modified=event.last_modified,
            attachments=attachments[event.id],
        )
        for event, report, slug in found
    }


@dataclass(frozen=True)
class ProcessedPage:
    """What cleaning and extraction made of a fetched page (computed outside any transaction).

    `used_attachments` are the child events whose bodies were read into `clean_text` (or found
    unreadable): their bodies are dropped with the page's once the version is stored.
    """

    title: str
    clean_text: str
    attachments: Sequence[AttachmentRecord]
    metrics: Sequence[Metric]
    period: Period | None
    warnings: Sequence[str]
    published: date | None
    used_attachments: Sequence[int] = ()


def claim_pages(session: Session, event_ids: Sequence[int]) -> set[int]:
    """Take fetched pages for this transaction: drop their bodies under the events' row locks.

    A page another processing took since it was read (its body gone) is left out: that one stores
    the version, and this one must store nothing for it, not even the revisit bookkeeping.
    """
    rows = session.execute(
        update(FetchEvent)
        .where(FetchEvent.id.in_(list(event_ids)), FetchEvent.body_z.is_not(None))
        .values(body_z=None)
        .returning(FetchEvent.id)
    )
    return set(rows.scalars())


def _claim(session: Session, event_id: int) -> bool:
    return event_id in claim_pages(session, [event_id])


def superseded(session: Session, pages: Sequence[FetchedPage]) -> set[int]:
    """The event ids of `pages` fetched before their report's latest stored version was: a later fetch
    is stored already, and storing this one would take the report back to older content (a process
    message lost and sent again by beat's sweep, or delivered late). Call with the reports locked."""
    if not pages:
        return set()
    latest: dict[int, datetime] = {
        report_id: fetched_at
        for report_id, fetched_at in session.execute(
            select(ReportVersion.report_id, func.max(ReportVersion.fetched_at))
            .where(ReportVersion.report_id.in_({page.report_id for page in pages}))
            .group_by(ReportVersion.report_id)
        )
    }
    return {
        page.event_id
        for page in pages
        if (stored := latest.get(page.report_id)) is not None and stored > page.fetched_at
    }


def store_processed(
    session: Session,
    page: FetchedPage,
    processed: ProcessedPage,
    *,
    extractor_version: str,
    reader_version: str,
    revisit: Callable[[float | None, bool], float | None],
) -> VersionOutcome | None:
    """Store a processed page by the versioning rule; None when another processing took it first, or
    a later fetch of its report is stored already (`superseded`).

    The report takes the page's validators (etag, Last-Modified) only now, with its version, so a
    failed processing never turns the next fetch into a 304 that hides the page. A revisit (any
    visit but the one storing version 1) adapts the report's interval: `revisit(hours, edited)`.
    """
    if not _claim(session, page.event_id):
        return None
    if processed.used_attachments:  # a few: a page's attachments are bounded by max_attachments
        used = list(processed.used_attachments)
        session.execute(update(FetchEvent).where(FetchEvent.id.in_(used)).values(body_z=None))
    session.execute(select(Report.id).where(Report.id == page.report_id).with_for_update())
    if superseded(session, [page]):
        return None
    report = session.get_one(Report, page.report_id)
    outcome = store_version(
        session,
        report,
        title=processed.title,
        clean_text=processed.clean_text,
        attachments=processed.attachments,
        raw_html=page.html,
        metrics=processed.metrics,
        fetched_at=page.fetched_at,
        extractor_version=extractor_version,
        reader_version=reader_version,
        cleaning_warnings=processed.warnings,
        period=processed.period,
    )
    report.etag, report.last_modified = page.etag, page.last_modified
    if not (outcome.created and outcome.version == 1):  # a revisit: edited upstream, or the same text
        report.revisit_hours = revisit(report.revisit_hours, outcome.created)
    if processed.published:
        report.published_at = processed.published
    return outcome


def record_no_body(session: Session, page: FetchedPage) -> bool:
    """A page that held only site furniture: its body is dropped and the failure recorded, once.

    False when another processing took the page first (and recorded it).
    """
    if not _claim(session, page.event_id):
        return False
    record_event(session, **no_body_event(page))
    return True


def no_body_event(page: FetchedPage) -> dict[str, Any]:
    """The fetch_events row of a page that held only site furniture (a processing failure)."""
    return {
        "portal_id": page.portal_id,
        "report_id": page.report_id,
        "url": page.report_url,
        "kind": "process",
        "outcome": "failed",
        "error": NO_BODY,
    }


def unprocessed_fetch_ids(session: Session, *, older_than: timedelta, portal_slug: str | None = None) -> list[int]:
    """Article fetches whose page still waits for processing after `older_than` (lost between the
    fetch's commit and the process task's enqueue): beat sends them again. Of one portal, with
    `portal_slug`."""
    query = _unprocessed().where(FetchEvent.created_at < utcnow() - older_than)
    if portal_slug is not None:
        query = query.join(PortalRow, PortalRow.id == FetchEvent.portal_id).where(PortalRow.slug == portal_slug)
    return list(session.scalars(query.order_by(FetchEvent.id)))


def _unprocessed() -> Select[int]:
    """The ids of article fetches whose page waits for processing (its body is kept until then)."""
    return select(FetchEvent.id).where(FetchEvent.kind == "article", FetchEvent.body_z.is_not(None))


def unfetched_report_ids(
    session: Session, *, older_than: timedelta, portal_slug: str | None = None
) -> dict[str, list[int]]:
    """Reports listed more than `older_than` ago that were never fetched, by portal slug (of one
    portal, with `portal_slug`): no version, no fetch time, and no fetch event but retries older
    than `older_than` (their retry not run).

    A fetch message can be lost in the broker itself: kombu's Redis transport pops a message (BRPOP)
    and only then notes it as unacknowledged (QoS.append), and a broker that stops between the two
    loses it (the non-atomic pop described in php-enqueue#750). An incremental crawl does not walk
    back to the list page that named such a report, so without this it would wait for a full crawl.
    """
    query = (
        _unfetched(utcnow() - older_than).add_columns(PortalRow.slug).join(PortalRow, PortalRow.id == Report.portal_id)
    )
    if portal_slug is not None:
        query = query.where(PortalRow.slug == portal_slug)
    rows = session.execute(query.order_by(Report.id))
    waiting: dict[str, list[int]] = {}
    for report_id, slug in rows:
        waiting.setdefault(slug, []).append(report_id)
    return waiting


def waiting_counts(session: Session) -> tuple[int, int]:
    """(reports listed and never fetched, fetched pages not yet processed), whatever their age: what
    the cluster still owes (`govreports status`)."""
    now = utcnow()
    unfetched = session.scalar(select(func.count()).select_from(_unfetched(now).subquery()))
    unprocessed = session.scalar(select(func.count()).select_from(_unprocessed().subquery()))
    return int(unfetched or 0), int(unprocessed or 0)


def _unfetched(cutoff: datetime) -> Select[int]:
    """The ids of reports first listed before `cutoff` whose fetch never ran (unfetched_report_ids)."""
    settles = (FetchEvent.outcome != "retrying") | (FetchEvent.created_at >= cutoff)
    settled = select(FetchEvent.id).where(FetchEvent.report_id == Report.id, settles).exists()
    return select(Report.id).where(
        Report.current_version == 0, Report.last_fetched_at.is_(None), Report.first_seen_at < cutoff, ~settled
    )


# --- the crawl summary -------------------------------------------------------


@dataclass(frozen=True)
class StoredSince:
    """A version a crawl stored: which report, its number, and whether the reader doubted its body."""

    report_id: int
    version: int
    warned: bool


@dataclass(frozen=True)
class FailedSince:
    """A failure a crawl recorded (list page, report, attachment, processing), in the order it happened."""

    report_id: int | None
    url: str
    error: str


@dataclass(frozen=True)
class PortalActivity:
    """What the database holds of one portal's crawl since it began: the summary's stored counts.

    Counts of requests are not here: the database cannot tell a report not asked from one asked and
    unchanged, so those come from the tasks' answers (workers/ingest.py).
    """

    stored: list[StoredSince]
    failures: list[FailedSince]


def portal_activity(session: Session, slug: str, since: datetime) -> PortalActivity | None:
    """Versions fetched and failures recorded for the portal `slug` from `since`; None: no such portal.

    Versions made by re-extraction are left out: a reprocess running meanwhile is no upstream edit.
    """
    portal_id = session.scalar(select(PortalRow.id).where(PortalRow.slug == slug))
    if portal_id is None:
        return None
    stored = session.execute(
        select(ReportVersion.report_id, ReportVersion.version, ReportVersion.cleaning_warnings)
        .join(Report)
        .where(
            Report.portal_id == portal_id,
            ReportVersion.created_at >= since,
            ReportVersion.origin == "fetch",
        )
    ).all()
    failures = session.execute(
        select(FetchEvent.report_id, FetchEvent.url, FetchEvent.error)
        .where(
            FetchEvent.portal_id == portal_id,
            FetchEvent.outcome.in_(("failed", "skipped")),
            FetchEvent.created_at >= since,
        )
        .order_by(FetchEvent.id)
    ).all()
    return PortalActivity(
        stored=[StoredSince(row.report_id, row.version, row.cleaning_warnings is not None) for row in stored],
        failures=[FailedSince(row.report_id, row.url, row.error or "") for row in failures],
    )


# --- failures kept while the database was down ------------------------------------------------


def insert_failure_once(session: Session, *, key: str, portal_slug: str | None, **event: Any) -> bool:
    """Put a failure seen earlier (`event`: url, kind, outcome, status, error, report_id, created_at)
    in fetch_events under its `key`, unless a row holds that key already; True when this call wrote it.

    The key makes a replayed write store nothing (a flusher that died after its commit), and two
    flushers of the same failure cannot both insert it: the second waits on the unique index until
    the first commits, then inserts nothing. Failures alike in every column but their key (two
    processes failing a batch of the same size in the same microsecond) are both written.
    """
    portal_id = portal_id_of(session, slug=portal_slug, report_id=event.get("report_id"))
    row = {"portal_id": portal_id, "failure_key": key, **event}
    statement = (
        upsert_insert(session, FetchEvent)
        .values(row)
        .on_conflict_do_nothing(
            index_elements=[FetchEvent.failure_key], index_where=FetchEvent.failure_key.is_not(None)
        )
        .returning(FetchEvent.id)
    )
    return session.execute(statement).scalar_one_or_none() is not None  # no row back: the key was taken
