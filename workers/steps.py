"""The three steps of ingestion, wiring scrapers to pipelines; the tasks wrap them with retries.

Each step is idempotent: running it twice leaves the same rows. Every read and write goes through
pipelines/store/ingestion.py in short transactions: no transaction is open while a step waits on
the network or cleans and extracts a page.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.orm import Session

from pipelines.article import READER_VERSION, Article, extract_article
from pipelines.attachments import AttachmentUnreadable, extract_attachment_text
from pipelines.metrics import EXTRACTOR_VERSION, extract_metrics
from pipelines.period import period_of
from pipelines.store.ingestion import (
    FetchedPage,
    ProcessedPage,
    known_reports,
    load_fetched_pages,
    mark_crawled,
    record_list_pages,
    record_no_body,
    record_not_modified,
    record_page_fetches,
    reports_with_portal,
    store_processed,
    unfetched_report_ids,
    unprocessed_fetch_ids,
)
from pipelines.store.models import Report, utcnow
from pipelines.store.page_batch import PageStored, batch_storable, store_pages
from pipelines.store.queries import ListedReport, record_event, upsert_portal, upsert_reports
from pipelines.store.session import DATABASE_DOWN
from pipelines.store.versioning import PAGE_KIND, AttachmentRecord
from scrapers.attachments import AttachmentLink, find_attachment_links
from scrapers.crawl import discover
from scrapers.discover import ArticleLink
from scrapers.errors import CrawlError, TransientFetchError
from scrapers.fetcher import FetchResult
from scrapers.pagination import MAX_NUMBERED_PAGES, Continuation, continuations, page_in_article, page_number
from scrapers.registry import Portal, Selectors
from workers import revisit
from workers.runtime import Runtime
from workers.stage_clock import stage


@dataclass(frozen=True)
class CrawlOutcome:
    """What one walk of a portal's list pages found and decided, for the task's answer and the summary.

    `listed - len(report_ids)` reports were listed but not asked: their last fetch is inside the
    revisit window, and `next_revisit` is when the first of them falls due. The CLI says so instead
    of reporting them as unchanged, since they were not asked.
    """

    portal: str
    report_ids: list[int]
    new_reports: int
    pages: int
    errors: int
    transient_error: TransientFetchError | None = None
    listed: int = 0
    not_due: int = 0
    next_revisit: datetime | None = None
    first_error: CrawlError | None = None

    @property
    def reached(self) -> bool:
        """False when a list page failed and none answered: the portal could not be reached at all."""
        return self.pages > 0 or self.errors == 0


def crawl(
    rt: Runtime,
    portal: Portal,
    *,
    full: bool = False,
    on_due: Callable[[list[int]], None] | None = None,
) -> CrawlOutcome:
    """Discover a portal's article links and make sure each has a report row.

    An incremental walk (not `full`) must list the reports due for a revisit before it may stop at a
    page of known links: a report that has slid to list page 2 or later is revisited like one on
    page 1 (scrapers.crawl.discover says why the walk goes by that and what it costs).

    With `on_due`, the walk hands over the reports to fetch while it goes on: every
    `fetch_batch_size` links read are stored and their due reports given to `on_due`, so the
    fetching of a long portal starts with its first list pages instead of after its last. The
    outcome's `report_ids` still names every due report, those handed over included.
    """
    with rt.transaction() as session:
        portal_id = upsert_portal(
            session, slug=portal.slug, name=portal.name, region=portal.region, agency=portal.agency
        ).id
        stored = known_reports(session, portal_id)
    began = utcnow()
    known = {report.url for report in stored}
    owed = {report.url for report in stored if _revisit_due(rt, report, began)}

    pages: list[dict[str, Any]] = []  # the list pages' fetch events, written with the last links
    waiting: list[ArticleLink] = []  # links read and not yet stored
    listed: list[ListedReport] = []
    due: list[int] = []
    not_due: list[ListedReport] = []
    hand_over_every = fetch_batch_size(rt, portal)

    def on_page(url: str, result: FetchResult | None, error: CrawlError | None) -> None:
        if isinstance(error, TransientFetchError):
            return  # the crawl task records it when it retries or gives up
        pages.append({"portal_id": portal_id, **_event_fields(url=url, kind="list", result=result, error=error)})

    def store_links(session: Session) -> list[int]:
        """Store the links waiting; the due reports among them (handed over only once committed)."""
        links, waiting[:] = list(waiting), []
        now = utcnow()
        stored_now = upsert_reports(session, portal_id=portal_id, links=[(link.url, link.title) for link in links])
        listed.extend(stored_now)
        fresh = []
        for report in stored_now:
            if full or _due(rt, report, now):
                fresh.append(report.id)
            else:
                not_due.append(report)
        due.extend(fresh)
        return fresh

    def on_links(links: list[ArticleLink]) -> None:
        waiting.extend(links)
        if on_due is not None and len(waiting) >= hand_over_every:
            with rt.transaction() as session:
                fresh = store_links(session)
            if fresh:
                on_due(fresh)

    found = discover(rt.fetcher, portal, known=known, owed=owed, full=full, on_page=on_page, on_links=on_links)
    with rt.transaction() as session:
        record_list_pages(session, pages)
        last = store_links(session)
        new = sum(report.created for report in listed)
        mark_crawled(
            session,
            portal_id,
            f"{len(found.links)} links, {new} new, {len(due)} to fetch, {found.pages_fetched} pages, "
            f"{len(found.errors)} errors",
        )
    if on_due is not None and last:
        on_due(last)
    transient = next((e for e in found.errors if isinstance(e, TransientFetchError)), None)
    return CrawlOutcome(
        portal.slug,
        due,
        new,
        found.pages_fetched,
        len(found.errors),
        transient,
        listed=len(listed),
        not_due=len(not_due),
        next_revisit=min((_next_visit(rt, r) for r in not_due if r.last_fetched_at), default=None),
        first_error=found.errors[0] if found.errors else None,
    )


def fetch_batch_size(rt: Runtime, portal: Portal) -> int:
    """Reports a fetch_reports task takes: `fetch_batch_size`, fewer for a slow portal, so that a
    batch at the portal's rate fills a tenth of the time limit (other workers share the rate)."""
    rate = portal.rate_limit_per_second or rt.settings.requests_per_second
    return max(1, min(rt.settings.fetch_batch_size, int(rate * rt.settings.task_time_limit / 10)))


def _next_visit(rt: Runtime, report: ListedReport) -> datetime:
    assert report.last_fetched_at is not None
    hours = revisit.interval(rt.settings, report.revisit_hours)
    return _aware(report.last_fetched_at) + timedelta(hours=hours)


def _due(rt: Runtime, report: ListedReport, now: datetime) -> bool:
    """Fetch a report that has no stored version yet, or whose own revisit interval has passed."""
    if report.current_version == 0 or report.last_fetched_at is None:
        return True
    return _next_visit(rt, report) <= now


def _revisit_due(rt: Runtime, report: ListedReport, now: datetime) -> bool:
    """A stored report whose revisit interval has passed: the walk must list it before stopping early.

    A report never stored (its fetch failed, or is still queued) is asked whenever it is listed, but
    does not keep the walk going: one that fails for good would send every crawl to the last page.
    """
    return report.current_version > 0 and report.last_fetched_at is not None and _due(rt, report, now)


def _aware(moment: datetime) -> datetime:
    """A stored time as aware UTC: SQLite hands back naive UTC, PostgreSQL aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _event_fields(*, url: str, kind: str, result: FetchResult | None, error: CrawlError | None) -> dict[str, Any]:
    """The fetch_events columns of an answered or failed GET."""
    if error is not None:
        return {
            "url": url,
            "kind": kind,
            "outcome": "failed",
            "status": error.status,
            "error": f"{type(error).__name__}: {error.args[0]}",
        }
    assert result is not None
    return {
        "url": result.url,
        "kind": kind,
        "outcome": "not_modified" if result.not_modified else "ok",
        "status": result.status,
        "size_bytes": len(result.body),
        "elapsed_ms": result.elapsed_ms,
        "encoding": result.encoding,
        "etag": result.etag,
        "last_modified": result.last_modified,
    }


log = structlog.get_logger("govreports.steps")


ReportRow = tuple[Report, str]  # a report and its portal's slug


def reports_to_fetch(rt: Runtime, report_ids: Sequence[int]) -> dict[int, ReportRow]:
    """Each report of `report_ids` that exists, with its portal's slug, read in one query."""
    with rt.sessions() as session:
        rows = reports_with_portal(session, report_ids)
    return {report.id: (report, slug) for report, slug in rows}


NotModified = tuple[dict[str, Any], dict[str, Any]]  # a 304's report changes (with its id) and fetch event


@dataclass(frozen=True)
class PageToStore:
    """A page answered with a body, waiting to be written with the others of its batch
    (`store_fetched`): the report's fetch bookkeeping and the fetch event, body included."""

    report_id: int
    changes: dict[str, Any]
    event: dict[str, Any]


def fetch(
    rt: Runtime,
    report: Report,
    portal: Portal,
    *,
    unchanged: list[NotModified] | None = None,
    to_store: list[PageToStore] | None = None,
) -> int | PageToStore | None:
    """GET the report (conditionally once it has a version); the fetch event id to process, or None.

    A 304's bookkeeping goes to `unchanged` when given (a batch writes them together, see
    `write_unchanged`), else is written at once. A page with a body goes to `to_store` when given
    (a batch writes them together, see `store_fetched`) and is returned, unless it links readable
    attachments: those are fetched as children of its event, so it is written at once.
    Raises CrawlError for the task to retry or record.
    """
    conditional = report.current_version > 0
    with stage("fetch.get"):
        result = rt.fetcher.get(
            report.url,
            portal,
            etag=report.etag if conditional else None,
            last_modified=report.last_modified if conditional else None,
        )
    now = utcnow()
    changes: dict[str, Any] = {"last_fetched_at": now, "final_url": result.url if result.url != report.url else None}
    event = {
        "portal_id": report.portal_id,
        "report_id": report.id,
        **_event_fields(url=report.url, kind="article", result=result, error=None),
    }
    if result.not_modified:
        changes["revisit_hours"] = revisit.after_visit(rt.settings, report.revisit_hours, changed=False)
        seen: NotModified = ({"id": report.id, **changes, "last_seen_at": now}, event)
        if unchanged is None:
            write_unchanged(rt, [seen])
        else:
            unchanged.append(seen)
        return None
    with stage("fetch.attachments"):
        attachments = [a for a in find_attachment_links(result.text, result.url) if a.readable]
        pages = continuations(result.text, result.url, result.url, rt.settings.max_continuation_pages)
    with stage("fetch.compress"):
        page = PageToStore(report.id, changes, {**event, "body_z": zlib.compress(result.text.encode("utf-8"), 6)})
    if to_store is not None and not attachments and not pages:
        to_store.append(page)
        return page
    page_event_id = store_fetched(rt, [page])[0]
    with stage("fetch.attachments"):
        for further in _fetch_continuations(rt, report, portal, result.url, pages, page_event_id):
            attachments += [a for a in find_attachment_links(further.text, further.url) if a.readable]
        _fetch_attachments(rt, report, portal, _distinct(attachments), page_event_id)
    return page_event_id


def _distinct(links: Sequence[AttachmentLink]) -> list[AttachmentLink]:
    """Each file once, where it is first linked (a CMS may print a report's files on each of its pages)."""
    first: dict[str, AttachmentLink] = {}
    for link in links:
        first.setdefault(link.url, link)
    return list(first.values())


def store_fetched(rt: Runtime, pages: Sequence[PageToStore]) -> list[int]:
    """Write fetched pages in one transaction (two statements for all); their event ids, in order."""
    if not pages:
        return []
    with stage("fetch.store", len(pages)), rt.transaction() as session:
        return record_page_fetches(session, [(page.report_id, page.changes, page.event) for page in pages])


def write_unchanged(rt: Runtime, unchanged: list[NotModified]) -> None:
    """Write the bookkeeping of 304s in one transaction, then forget them.

    It commits without waiting for the WAL flush: lost, a 304 is only asked again.
    """
    if not unchanged:
        return
    with stage("fetch.store_unchanged", len(unchanged)), rt.transaction() as session:
        record_not_modified(session, unchanged)
    unchanged.clear()


def _fetch_attachments(
    rt: Runtime, report: Report, portal: Portal, links: Sequence[AttachmentLink], parent_id: int
) -> None:
    """Fetch the readable attachments of a page (bounded), each stored as a child fetch event.

    An attachment that fails is recorded and skipped: the report itself is still processed.
    """
    for link in links[: rt.settings.max_attachments]:
        _fetch_child(rt, report, portal, link.url, "attachment", parent_id)


def _fetch_continuations(
    rt: Runtime, report: Report, portal: Portal, first: str, announced: Sequence[Continuation], parent_id: int
) -> list[FetchResult]:
    """Fetch the further pages of a paginated article, each stored as a child fetch event of its first
    page (kind "page"), with the pages they announce in turn (a page bar shows a few numbers at a
    time), at most max_continuation_pages; the pages fetched. A page that fails is recorded and skipped."""
    limit = rt.settings.max_continuation_pages
    waiting = list(announced)
    seen = {c.number for c in waiting}
    fetched: list[FetchResult] = []
    while waiting:
        continuation = waiting.pop(0)
        result = _fetch_child(rt, report, portal, continuation.url, PAGE_KIND, parent_id)
        if result is None:
            continue
        fetched.append(result)
        for further in continuations(result.text, result.url, first, limit):
            if further.number not in seen and len(seen) < limit:
                seen.add(further.number)
                waiting.append(further)
    return fetched


def _fetch_child(
    rt: Runtime, report: Report, portal: Portal, url: str, kind: str, parent_id: int
) -> FetchResult | None:
    """GET a file of a page (an attachment's bytes, a further page's text) and store it as a child
    fetch event of the page, failed or not; the answer, or None when the GET failed."""
    as_text = kind == PAGE_KIND  # a page is kept as its decoded text, a file as its bytes
    result: FetchResult | None = None
    error: CrawlError | None = None
    try:
        result = rt.fetcher.get(url, portal, decode=as_text)
    except CrawlError as exc:
        error = exc
    body = (result.text.encode("utf-8") if as_text else result.body) if result is not None else None
    with rt.transaction() as session:
        record_event(
            session,
            **_event_fields(url=url, kind=kind, result=result, error=error),
            portal_id=report.portal_id,
            report_id=report.id,
            parent_id=parent_id,
            body_z=zlib.compress(body, 6) if body is not None else None,
        )
    return result


def read_page(html: str, url: str, selectors: Selectors) -> Article:
    """A page of a portal read with the portal's selectors (links resolved against `url`)."""
    return extract_article(
        html,
        body_selector=selectors.body,
        title_selector=selectors.title,
        date_selector=selectors.date,
        base_url=url,
    )


def _with_continuations(
    page: FetchedPage, body: str, selectors: Selectors
) -> tuple[str, list[AttachmentRecord], list[int], list[AttachmentLink]]:
    """The body of a paginated article with the bodies of its further pages after it, in page order,
    what became of each page, the page fetches whose bodies were read, and the files the further
    pages link."""
    fetched = sorted(
        (number, url, child)
        for url, child in page.attachments.items()
        if (number := page_number(url, page.url)) is not None
    )
    if not fetched:
        return body, [], [], []
    announced = {c.number for c in continuations(page.html, page.url, page.url, MAX_NUMBERED_PAGES)}
    numbers = announced | {number for number, _, _ in fetched}
    parts = [body]
    records: list[AttachmentRecord] = []
    used: list[int] = []
    links: list[AttachmentLink] = []
    for number, url, (child_id, body_z) in fetched:
        data = zlib.decompress(body_z)
        html = data.decode("utf-8")
        used.append(child_id)
        links += find_attachment_links(html, url)
        further = read_page(html, url, selectors).body.strip()
        label = f"第{page_in_article(number, numbers)}页"
        if further and further not in parts:  # a page that repeats another (a misread bar) adds nothing
            parts.append(further)
            records.append(AttachmentRecord(label, url, PAGE_KIND, len(data), len(further)))
        else:
            records.append(AttachmentRecord(label, url, PAGE_KIND, len(data), error="no body"))
    return "\n".join(parts), records, used, links


def _with_attachment_texts(
    page: FetchedPage, body: str, further_links: Sequence[AttachmentLink]
) -> tuple[str, list[AttachmentRecord], list[int]]:
    """The body with the text of each fetched file the page or its further pages link appended under
    附件：name, what became of each, and the attachment fetches whose bodies were read (they are
    dropped with the page's)."""
    links = _distinct([*find_attachment_links(page.html, page.url), *further_links])
    if not links:
        return body, [], []
    parts = [body]
    records: list[AttachmentRecord] = []
    used: list[int] = []
    for link in links:
        child = page.attachments.get(link.url)
        if child is None:
            reason = "not fetched" if link.readable else f"no text reader for .{link.kind}"
            records.append(AttachmentRecord(link.name, link.url, link.kind, error=reason))
            continue
        child_id, body_z = child
        data = zlib.decompress(body_z)
        used.append(child_id)
        try:
            text = extract_attachment_text(link.kind, data)
        except AttachmentUnreadable as exc:
            records.append(AttachmentRecord(link.name, link.url, link.kind, len(data), error=str(exc)))
            continue
        if text:
            parts.append(f"附件：{link.name}\n{text}")
        records.append(AttachmentRecord(link.name, link.url, link.kind, len(data), len(text)))
    return "\n".join(parts), records, used


@dataclass(frozen=True)
class ProcessOutcome:
    version: int | None
    created: bool
    metrics: int
    reason: str = ""


ALREADY_PROCESSED = ProcessOutcome(None, False, 0, "already processed")


def process(rt: Runtime, fetch_event_id: int) -> ProcessOutcome:
    """Clean, extract and store one fetched page as a version (or none, when unchanged): a batch of
    one (`process_batch`), with the page's own error raised."""
    outcome = process_batch(rt, [fetch_event_id])[fetch_event_id]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def process_batch(
    rt: Runtime,
    fetch_event_ids: Sequence[int],
    *,
    not_the_pages: tuple[type[Exception], ...] = (),
) -> dict[int, ProcessOutcome | Exception]:
    """Clean, extract and store fetched pages as versions (or none, when unchanged), by event id.

    Three phases, so no transaction is open while pages are cleaned and extracted (seconds of CPU on
    a long page, during which a transaction would hold SQLite's write lock or a PostgreSQL
    connection and snapshot): the pages are read in one short transaction, processed outside any,
    and stored in a second one that commits them together, in a few statements for all of them
    (pipelines/store/page_batch.py). Every write claims its page first: a page another run processed
    meanwhile (two deliveries of one task) is "already processed" and stores nothing.

    A page's failure stays its own: an error while reading it is that page's answer, and when the
    batch write fails the pages are stored one by one, each in a savepoint, so a page whose write
    fails is rolled back alone (its body kept for `resend_stuck`). The database going away (and
    whatever else the caller names in `not_the_pages`, such as its time limit) is no page's fault: it
    is raised, and the task retries the whole batch, which stores each page once however often it runs.
    """
    raised: tuple[type[Exception], ...] = (*DATABASE_DOWN, *not_the_pages)
    with stage("process.load", len(fetch_event_ids)), rt.sessions() as session:
        pages = load_fetched_pages(session, fetch_event_ids)
    answers: dict[int, ProcessOutcome | Exception] = {i: ALREADY_PROCESSED for i in fetch_event_ids if i not in pages}
    processed: dict[int, ProcessedPage | None] = {}
    for event_id, page in pages.items():
        try:
            processed[event_id] = _clean_and_extract(rt, page)
        except raised:
            raise
        except Exception as exc:  # a poison page: its own answer; the others are stored
            answers[event_id] = exc
    items = [(pages[event_id], page_processed) for event_id, page_processed in processed.items()]
    with stage("process.store", len(items)), rt.transaction() as session:
        stored = _store_together(rt, session, items, raised) if batch_storable(items) else None
        if stored is not None:
            answers.update(stored)
            return answers
        for page, page_processed in items:
            try:
                with session.begin_nested():
                    answers[page.event_id] = _store(rt, session, page, page_processed)
            except raised:
                raise
            except Exception as exc:
                answers[page.event_id] = exc
    return answers


def _store_together(
    rt: Runtime,
    session: Session,
    items: list[tuple[FetchedPage, ProcessedPage | None]],
    raised: tuple[type[Exception], ...],
) -> dict[int, ProcessOutcome] | None:
    """The batch written in one go (in a savepoint); None when that failed and was rolled back, so
    that the caller stores the pages one by one and finds which one fails."""
    if not items:
        return {}
    try:
        with session.begin_nested():
            stored = store_pages(
                session,
                items,
                extractor_version=EXTRACTOR_VERSION,
                reader_version=READER_VERSION,
                revisit=lambda hours, edited: revisit.after_visit(rt.settings, hours, changed=edited),
            )
    except raised:
        raise
    except Exception as exc:
        log.warning("process.batch_write_failed", pages=len(items), error=f"{type(exc).__name__}: {exc}")
        return None
    metrics = {page.event_id: len(p.metrics) if p is not None else 0 for page, p in items}
    return {event_id: _stored_outcome(result, metrics[event_id]) for event_id, result in stored.items()}


def _stored_outcome(result: PageStored, metrics: int) -> ProcessOutcome:
    if result.no_body:
        return ProcessOutcome(None, False, 0, "no body found")
    if result.outcome is None:
        return ALREADY_PROCESSED
    return ProcessOutcome(result.outcome.version, result.outcome.created, metrics)


def _store(rt: Runtime, session: Session, page: FetchedPage, processed: ProcessedPage | None) -> ProcessOutcome:
    """Write what processing made of a page, inside the caller's transaction."""
    if processed is None:
        recorded = record_no_body(session, page)
        return ProcessOutcome(None, False, 0, "no body found") if recorded else ALREADY_PROCESSED
    outcome = store_processed(
        session,
        page,
        processed,
        extractor_version=EXTRACTOR_VERSION,
        reader_version=READER_VERSION,
        revisit=lambda hours, edited: revisit.after_visit(rt.settings, hours, changed=edited),
    )
    if outcome is None:
        return ALREADY_PROCESSED
    return ProcessOutcome(outcome.version, outcome.created, len(processed.metrics))


def _clean_and_extract(rt: Runtime, page: FetchedPage) -> ProcessedPage | None:
    """The version a fetched page makes, with its portal's selectors; None when neither it nor its
    further pages nor its attachments hold any text.

    Runs outside any transaction: it reads nothing from the database and writes nothing.
    """
    selectors = rt.registry.get(page.portal).selectors
    with stage("process.clean"):
        article = read_page(page.html, page.url, selectors)
        body, pages, pages_read, further_links = _with_continuations(page, article.body, selectors)
        body, attachments, used = _with_attachment_texts(page, body, further_links)
        if not body.strip():
            return None  # a page that only embeds its report (a PDF in a frame) is stored by the file's text
    title = article.title or page.report_title
    with stage("process.extract"):
        metrics = extract_metrics(body, title=article.title)
        period = period_of(title, body)
    return ProcessedPage(
        title=title,
        clean_text=body,
        attachments=pages + attachments,
        metrics=metrics,
        period=period,
        warnings=article.warnings,
        published=article.published,
        used_attachments=pages_read + used,
    )


def unprocessed_fetches(rt: Runtime, *, older_than: timedelta, portal_slug: str | None = None) -> list[int]:
    """Article fetches whose page still waits for processing after `older_than` (of one portal, with
    `portal_slug`)."""
    with rt.sessions() as session:
        return unprocessed_fetch_ids(session, older_than=older_than, portal_slug=portal_slug)


def unfetched_reports(rt: Runtime, *, older_than: timedelta, portal_slug: str | None = None) -> dict[str, list[int]]:
    """Reports listed more than `older_than` ago whose fetch never ran, by portal slug (of one portal,
    with `portal_slug`)."""
    with rt.sessions() as session:
        return unfetched_report_ids(session, older_than=older_than, portal_slug=portal_slug)
