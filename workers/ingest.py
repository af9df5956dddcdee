"""Run crawls from the CLI: in-process with progress (no broker), or queued on the broker.

An in-process run also says what it did for each portal: reports listed, new, due and asked,
answered not modified, changed, not due yet (and when they are), and what failed. Counts of
requests come from the tasks' answers, because the database cannot tell a report that was not
asked from one asked and unchanged; stored versions and failures come from the database, from
the moment the run began. A run also processes the pages an earlier run fetched and never
processed, and asks the reports it listed and never fetched (it was cut short): with no broker and
no beat, nothing else would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rich.console import Console
from rich.progress import Progress

from pipelines.batches import batched
from pipelines.store.ingestion import portal_activity
from pipelines.store.models import utcnow
from workers import steps, tasks
from workers.outcomes import CrawlAnswer, FetchAnswer, FirstError
from workers.progress import progress_bar
from workers.runtime import Runtime


@dataclass
class PortalRun:
    """What the tasks of one portal's in-process crawl answered (filled in as the run goes)."""

    portal: str
    pages: int = 0  # list pages that answered
    listed: int = 0  # report links on them
    new: int = 0  # of those, first seen now
    not_due: int = 0  # listed, not asked: last fetched inside the revisit window
    next_revisit: datetime | None = None  # when the first of those falls due
    reached: bool = True  # False: no list page answered
    first_error: FirstError | None = None  # of the list pages
    asked: list[int] = field(default_factory=list)  # due reports (ids) asked
    answered: list[int] = field(default_factory=list)  # of those, answered with a page (then processed)
    not_modified: int = 0  # of those, answered 304

    @classmethod
    def from_answer(cls, answer: CrawlAnswer) -> PortalRun:
        """The run of a portal as its crawl_portal task answered (workers/outcomes.py)."""
        if answer.listing is None:  # no walk: the crawl failed before one, or another crawl runs
            return cls(answer.portal, reached=answer.reached, first_error=answer.first_error)
        listing = answer.listing
        return cls(
            portal=answer.portal,
            pages=listing.pages,
            listed=listing.listed,
            new=listing.new,
            not_due=listing.not_due,
            next_revisit=listing.next_revisit,
            reached=answer.reached,
            first_error=answer.first_error,
            asked=list(listing.report_ids),
        )


@dataclass(frozen=True)
class CrawlRun:
    """An in-process crawl: when it began (stored versions and failures are counted from then) and each portal's run."""

    started: datetime
    portals: list[PortalRun]


@dataclass(frozen=True)
class PortalSummary:
    """What a crawl did for one portal, as the CLI prints it."""

    portal: str
    listed: int = 0
    new: int = 0  # reports first seen in this crawl
    fetched: int = 0  # due reports asked
    not_modified: int = 0  # asked: answered 304, or the same cleaned text again
    changed: int = 0  # asked: a new version of a report stored before (an upstream edit)
    first_versions: int = 0  # asked: the first version of a report
    not_due: int = 0  # listed, not asked: inside the revisit window
    next_revisit: datetime | None = None
    failed: int = 0  # failures recorded (list pages, reports, attachments, processing)
    first_error: FirstError | None = None
    unreachable: FirstError | None = None  # set when no list page answered: why
    warned: int = 0  # of the new versions, those stored with cleaning warnings

    @property
    def new_versions(self) -> int:
        return self.first_versions + self.changed


def run_in_process(rt: Runtime, slugs: Iterable[str], console: Console, *, full: bool = False) -> CrawlRun:
    """Crawl each portal and process every due report in this process, showing progress."""
    started = utcnow()
    runs: list[PortalRun] = []
    with progress_bar(console) as progress:
        for slug in slugs:
            _process_left(rt, slug, progress)
            answer = CrawlAnswer.from_json(
                tasks.crawl_portal.apply(args=(slug,), kwargs={"full": full, "follow": False}).get()
            )
            run = PortalRun.from_answer(answer)
            if answer.listing is not None:
                run.asked += _left_unfetched(rt, slug, run.asked)
            bar = progress.add_task(f"{slug}", total=len(run.asked))
            for report_id in run.asked:
                fetched = tasks.fetch_report.apply(args=(report_id,))
                # A crash is recorded in fetch_events (and counted from there); the run goes on.
                if fetched.successful():
                    outcome = FetchAnswer.from_json(fetched.result)
                    if outcome.fetch_event is not None:
                        run.answered.append(report_id)
                    elif outcome.not_modified:
                        run.not_modified += 1
                progress.advance(bar)
            runs.append(run)
    return CrawlRun(started, runs)


def _process_left(rt: Runtime, slug: str, progress: Progress) -> None:
    """Process the portal's pages an earlier run fetched and never processed (it was cut short),
    before the walk: a report whose page waits gets its version without being fetched again, and one
    the walk would not list again (past the first page of known links) is not left unversioned."""
    waiting = steps.unprocessed_fetches(rt, older_than=timedelta(0), portal_slug=slug)
    if not waiting:
        return
    bar = progress.add_task(f"{slug}: pages left by an earlier run", total=len(waiting))
    for batch in batched(waiting, rt.settings.process_batch_size):
        tasks.process_pages.apply(args=(batch,))  # failures are recorded in fetch_events
        progress.advance(bar, len(batch))


def _left_unfetched(rt: Runtime, slug: str, asked: list[int]) -> list[int]:
    """The portal's reports an earlier run listed and never fetched (it was cut short), beyond those
    this walk asks: an incremental walk stops at a page of known links and would not list them again
    before a full crawl. In-process there is no queue they could still wait in."""
    asking = set(asked)
    left = steps.unfetched_reports(rt, older_than=timedelta(0), portal_slug=slug).get(slug, [])
    return [report_id for report_id in left if report_id not in asking]


def enqueue(slugs: Iterable[str], *, full: bool = False) -> list[str]:
    """Send one crawl_portal task a portal to the broker; the task ids."""
    return [tasks.crawl_portal.delay(slug, full=full).id for slug in slugs]


def summarise(rt: Runtime, run: CrawlRun) -> list[PortalSummary]:
    """Each portal's summary: the run's answers with the versions and failures stored since it began.

    A report answered with a page that stored no version and recorded no failure had the same
    cleaned text as before: it counts as not modified, like a 304.
    """
    rows = []
    with rt.sessions() as session:
        for done in run.portals:
            activity = portal_activity(session, done.portal, run.started)
            if activity is None:
                rows.append(PortalSummary(done.portal, unreachable=None if done.reached else done.first_error))
                continue
            stored, failures = activity.stored, activity.failures
            settled = {row.report_id for row in stored} | {row.report_id for row in failures}
            same_text = len(set(done.answered) - settled)
            first_failure = FirstError(failures[0].url, failures[0].error) if failures else None
            first_error = done.first_error or first_failure
            rows.append(
                PortalSummary(
                    portal=done.portal,
                    listed=done.listed,
                    new=done.new,
                    fetched=len(done.asked),
                    not_modified=done.not_modified + same_text,
                    changed=sum(1 for row in stored if row.version > 1),
                    first_versions=sum(1 for row in stored if row.version == 1),
                    not_due=done.not_due,
                    next_revisit=done.next_revisit,
                    # An unreachable portal failed even if its failure could not be written (database down).
                    failed=max(len(failures), 0 if done.reached else 1),
                    first_error=first_error,
                    unreachable=None if done.reached else first_error,
                    warned=sum(1 for row in stored if row.warned),
                )
            )
    return rows
