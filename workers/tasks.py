"""Celery tasks: crawl_portal → fetch_reports → process_report, plus fetch_report and resend_stuck;
reprocess → reprocess_versions re-extracts stored versions (workers/reprocess.py).

Thin on purpose: load by id, call a step, enqueue the next one after the commit. Arguments
are ids, slugs and URLs, never page bodies. A crawl sends its due reports in batches
(`fetch_reports`: one message a batch, not one a report); a report of a batch that fails
transiently goes on alone as a `fetch_report`, with retries of its own. Transient faults (the
portal or the database) retry with exponential backoff and jitter; permanent ones are recorded
in fetch_events and not retried. Every failure lands in fetch_events: when the database itself is down, the
record waits (in Redis when it is configured, so a recycled or killed process loses nothing) and is
written by a later task once the database is back (workers/failures.py). A task
whose next step (or own retry) cannot be queued goes back on the queue to run again: it is never
acknowledged with the step lost.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

import structlog
from celery import Task
from celery.exceptions import Reject, SoftTimeLimitExceeded
from celery.signals import task_postrun, task_prerun

from pipelines.batches import batched
from pipelines.store.session import DATABASE_DOWN
from scrapers.errors import PermanentError, RegistryError, RobotsDisallowed, TransientError, TransientFetchError
from workers import deadline, failures, runtime, stage_clock, status, steps
from workers import reprocess as reprocess_step
from workers.app import app
from workers.outcomes import (
    JSON,
    CrawlAnswer,
    FetchAnswer,
    FetchBatchAnswer,
    FirstError,
    Listing,
    ProcessAnswer,
    ProcessBatchAnswer,
    Redone,
    ReprocessBatchAnswer,
    ReprocessPlanAnswer,
    ResendAnswer,
    Stop,
    Stopped,
)

log = structlog.get_logger("govreports.tasks")

# Retried with backoff: the tree's transient branch (scrapers/errors.py) and, outside the tree, the
# database going away and a task's soft time limit. A PermanentError is recorded; anything else is a crash.
TRANSIENT = (TransientError, SoftTimeLimitExceeded, *DATABASE_DOWN)

Answer = TypeVar("Answer")


class ListPagesFailed(TransientError):
    """A list page failed transiently: the crawl is retried after queueing what it found.

    `found` is the crawl's answer so far: when the retries give up, the answer still says what
    was listed and which reports are due (an in-process run fetches them), and that no list page
    answered, if none did.
    """

    def __init__(self, cause: TransientFetchError, found: CrawlAnswer) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.found = found


class PublishFailed(TransientError):
    """The next step could not be queued: the task is run again (all steps are idempotent), never dropped."""


if stage_clock.ENABLED:  # GOVREPORTS_STAGE_TIMINGS: bench/pipeline.py's cost of each stage

    @task_prerun.connect(weak=False)
    def _clock_task(**_: Any) -> None:
        stage_clock.task_started()

    @task_postrun.connect(weak=False)
    def _publish_stage_timings(task: Task | None = None, **_: Any) -> None:
        stage_clock.task_finished(task.name if task is not None else "?")
        rt = runtime.current()
        if isinstance(rt, runtime.ClusterRuntime):
            stage_clock.publish(rt.redis)


def _send(task: Task, *args: Any, **options: Any) -> None:
    """Queue `task`; any failure to publish becomes PublishFailed.

    Connection errors are retried by `task_publish_retry` first; what is left is what that
    misses, such as kombu publishing on a channel closed by a reconnect (AttributeError on the
    Redis transport, kombu 5.7), which would otherwise crash the task and lose the step. Past the
    task's soft time limit, retries end before its hard limit (workers/deadline.py).
    """
    late = deadline.publish_options(runtime.current().settings.task_time_limit)
    try:
        with stage_clock.stage("queue.send"):
            task.apply_async(args, **{**late, **options})
    except Exception as exc:
        raise PublishFailed(f"could not queue {task.name}: {type(exc).__name__}: {exc}") from exc


def _run_again(exc: Exception) -> Reject:
    """The message goes back to the queue instead of being acknowledged and lost."""
    log.warning("task.requeued", reason=str(exc))
    return Reject(str(exc), requeue=True)


def backoff_seconds(retries: int, cap: int) -> float:
    """Exponential backoff with jitter: 2, 4, 8 … seconds capped at `cap`, times a random 0.5–1."""
    return float(min(cap, 2 ** (retries + 1)) * random.uniform(0.5, 1.0))


def record(
    *,
    url: str,
    kind: str,
    error: Exception,
    outcome: str = "failed",
    report_id: int | None = None,
    portal_slug: str | None = None,
) -> None:
    """Write a failure to fetch_events; if the database is down, keep it for a later flush."""
    failure = failures.Failure.of(
        url=url, kind=kind, error=error, outcome=outcome, report_id=report_id, portal_slug=portal_slug
    )
    failures.record(runtime.current(), failure)


def flush_deferred() -> None:
    """Write the failures kept while the database was down (after every task that got through).

    Never raises: the task's work is done. A soft time limit met in the middle leaves the failure
    being written kept, with those after it, for the next flush."""
    try:
        failures.flush(runtime.current())
    except SoftTimeLimitExceeded:
        log.warning("failure.flush_cut_short", reason="soft time limit; the next flush writes what waits")


def _retry_or_give_up(task: Task, exc: Exception, retry_kwargs: dict[str, Any] | None = None, **where: Any) -> Stopped:
    """Retry the task after the backoff (raises celery's Retry), or, with the retries used up, record
    the failure and say so."""
    rt = runtime.current()
    retries = task.request.retries
    countdown = _next_retry_in(rt, retries, exc)
    if countdown is not None:
        record(error=exc, outcome="retrying", **where)
        log.warning(
            "task.retry",
            task=task.name,
            retries=retries,
            countdown=round(countdown, 1),
            error=str(exc),
            **_loggable(where),
        )
        kwargs = {**task.request.kwargs, **(retry_kwargs or {})}
        try:
            raise task.retry(
                exc=exc,
                countdown=countdown,
                max_retries=rt.settings.max_retries,
                kwargs=kwargs,
                **deadline.publish_options(rt.settings.task_time_limit),  # a retry at the soft time limit
            )
        except Reject as rejected:
            # Celery could not publish the retry and would drop the message (Reject, requeue=False).
            raise _run_again(PublishFailed(f"could not queue the retry: {rejected.reason}")) from exc
    record(error=exc, **where)
    log.error("task.gave_up", task=task.name, retries=retries, error=str(exc), **_loggable(where))
    return Stopped(Stop.GAVE_UP, str(exc), retries)


def _next_retry_in(rt: runtime.Runtime, retries: int, exc: Exception) -> float | None:
    """Seconds until retry `retries + 1` (the backoff, but no sooner than a Retry-After), or None
    when `retries` has used up max_retries."""
    if retries >= rt.settings.max_retries:
        return None
    countdown = backoff_seconds(retries, rt.settings.retry_backoff_max)
    if isinstance(exc, TransientFetchError) and exc.retry_after:
        countdown = max(countdown, exc.retry_after)
    return countdown


def _loggable(where: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in where.items() if v is not None}


def _guarded(
    task: Task,
    where: dict[str, Any],
    body: Callable[[], Answer],
    stopped: Callable[[Stopped], Answer],
    *,
    on_transient: Callable[[Exception], Answer] | None = None,
    reraise: bool = True,
    flush: bool = True,
) -> Answer:
    """Run a task body, deciding by the error's branch (scrapers/errors.py): a TransientError (or the
    database down) retries (or goes to `on_transient`), a PermanentError is recorded, anything else
    is a crash, recorded and raised (unless not `reraise`: one report of a batch). `stopped` makes
    the task's answer of how the body stopped. A body that got through writes the failures kept
    while the database was down (`flush`; a batch does it once, at its end, not once a report)."""
    try:
        result = body()
    except RobotsDisallowed as exc:
        record(error=exc, outcome="skipped", **where)
        return stopped(Stopped(Stop.SKIPPED, str(exc)))
    except PermanentError as exc:
        record(error=exc, **where)
        return stopped(Stopped(Stop.FAILED, str(exc)))
    except PublishFailed as exc:
        raise _run_again(exc) from exc
    except ListPagesFailed:
        raise  # crawl_portal retries it, keeping what was found
    except TRANSIENT as exc:
        if on_transient is not None:
            return on_transient(exc)
        return stopped(_retry_or_give_up(task, exc, **where))
    except Exception as exc:
        # A poison input: recorded so it is seen, raised so Celery marks the task failed; never retried.
        record(error=exc, **where)
        log.exception("task.crashed", task=task.name, **_loggable(where))
        if reraise:
            raise
        return stopped(Stopped(Stop.CRASHED, f"{type(exc).__name__}: {exc}"))
    if flush:
        flush_deferred()
    return result


@app.task(name="govreports.crawl_portal", bind=True)
def crawl_portal(self: Task, slug: str, *, full: bool = False, follow: bool = True) -> JSON:
    """Discover a portal's reports and queue a fetch for each due one (`follow=False`: only discover).

    Answers a CrawlAnswer (workers/outcomes.py)."""
    rt = runtime.current()
    try:
        portal = rt.registry.get(slug)
    except RegistryError as exc:
        record(url=slug, kind="list", error=exc)
        return CrawlAnswer(slug, stopped=Stopped(Stop.FAILED, str(exc))).as_json()

    def body() -> CrawlAnswer:
        with rt.crawl_lock(slug) as acquired:
            if not acquired:
                log.info("crawl.skipped", portal=slug, reason="a crawl of this portal is running")
                return CrawlAnswer(slug, stopped=Stopped(Stop.SKIPPED, "a crawl of this portal is running"))
            # Batches go out while the walk goes on (follow=False: the caller fetches them itself).
            outcome = steps.crawl(rt, portal, full=full, on_due=_send_fetch_batches(rt, portal) if follow else None)
        answer = CrawlAnswer(slug, _listing(outcome))
        if outcome.transient_error is not None:
            raise ListPagesFailed(outcome.transient_error, answer)
        log.info(
            "crawl.done", portal=slug, to_fetch=len(outcome.report_ids), new=outcome.new_reports, pages=outcome.pages
        )
        return answer

    where = {"url": portal.seeds[0], "kind": "list", "portal_slug": slug}
    try:
        answer = _guarded(self, where, body, lambda stopped: CrawlAnswer(slug, stopped=stopped))
    except ListPagesFailed as exc:
        # Links found so far are stored and queued; walk every page again on the retry, since
        # the pages before the failed one are now all known and would stop an incremental walk.
        gave_up = _retry_or_give_up(self, exc.cause, retry_kwargs={"full": True}, **{**where, "url": exc.cause.url})
        answer = replace(exc.found, stopped=gave_up)
    return answer.as_json()


def _send_fetch_batches(rt: runtime.Runtime, portal: Any) -> Callable[[list[int]], None]:
    size = steps.fetch_batch_size(rt, portal)

    def send(report_ids: list[int]) -> None:
        for batch in batched(report_ids, size):
            _send(fetch_reports, batch)

    return send


def _listing(outcome: steps.CrawlOutcome) -> Listing:
    """What a walk found, as the crawl's answer carries it to callers that summarise it."""
    first = outcome.first_error
    return Listing(
        report_ids=tuple(outcome.report_ids),
        new=outcome.new_reports,
        errors=outcome.errors,
        pages=outcome.pages,
        listed=outcome.listed,
        not_due=outcome.not_due,
        next_revisit=outcome.next_revisit,
        reached=outcome.reached,
        first_error=FirstError(first.url, first.args[0]) if first is not None else None,
    )


def _fetch_one(
    rt: runtime.Runtime,
    report_id: int,
    where: dict[str, Any],
    row: steps.ReportRow | None,
    batch: FetchBatch | None = None,
) -> FetchAnswer:
    """Fetch one report and queue its processing (the body of fetch_report and of each batch item);
    in a batch, its page is written and sent on with the batch's others (`FetchBatch`), and its
    answer until then says nothing (`FetchBatch.store` fills it in)."""
    if row is None:
        return FetchAnswer(report_id, stopped=Stopped(Stop.SKIPPED, "no such report"))
    report, slug = row
    where["url"] = report.url
    portal = rt.registry.get(slug)
    if batch is None:
        event_id = steps.fetch(rt, report, portal)
    else:
        event_id = steps.fetch(rt, report, portal, unchanged=batch.unchanged, to_store=batch.to_store)
    if event_id is None:
        return FetchAnswer(report_id, not_modified=True)
    if isinstance(event_id, steps.PageToStore):
        return FetchAnswer(report_id)
    if batch is None:
        _send(process_report, event_id)
    else:
        batch.fetched.append(event_id)
    return FetchAnswer(report_id, fetch_event=event_id)


class FetchBatch:
    """What a fetch_reports task holds between its reports: the answers so far, the 304s and the
    fetched pages not yet written (each written together, a group at a time), and the written
    pages not yet sent on for processing (sent in process_pages messages of process_batch_size)."""

    def __init__(self, rt: runtime.Runtime) -> None:
        self.rt = rt
        self.size = rt.settings.process_batch_size
        self.answers: list[FetchAnswer] = []
        self.unchanged: list[steps.NotModified] = []
        self.to_store: list[steps.PageToStore] = []
        self.fetched: list[int] = []

    def store(self, *, at_least: int) -> None:
        """Write the waiting pages once at least `at_least` wait (one transaction), fill in their
        answers and send them on. The database going away hands each of them off to its own
        fetch_report (retried after the backoff), as a report whose fetch failed is."""
        if self.to_store and len(self.to_store) >= min(at_least, self.size):
            self._write(self.to_store)
            self.to_store = []
        self.send_written(at_least=at_least)

    def send_written(self, *, at_least: int) -> None:
        """Send the written pages on in messages of process_batch_size (with the pages written at
        once for their attachments) once at least `at_least` wait, so the processing of a long batch
        starts while it still fetches."""
        while self.fetched and len(self.fetched) >= min(at_least, self.size):
            _send(process_pages, self.fetched[: self.size])
            del self.fetched[: self.size]

    def _write(self, pages: list[steps.PageToStore]) -> None:
        try:
            ids = steps.store_fetched(self.rt, pages)
        except DATABASE_DOWN as exc:
            stored = {
                page.report_id: _hand_off(self.rt, page.report_id, _report_where(page.report_id), exc) for page in pages
            }
        else:
            stored = {
                page.report_id: FetchAnswer(page.report_id, fetch_event=i) for page, i in zip(pages, ids, strict=True)
            }
            self.fetched.extend(ids)
        # An answer that says nothing yet is one whose page waited for this write.
        self.answers = [stored.get(a.report, a) if a == FetchAnswer(a.report) else a for a in self.answers]


def _report_where(report_id: int) -> dict[str, Any]:
    return {"url": f"report:{report_id}", "kind": "article", "report_id": report_id}


@app.task(name="govreports.fetch_report", bind=True)
def fetch_report(self: Task, report_id: int) -> JSON:
    """Fetch one report page (conditional GET) and its attachments, then queue its processing.

    Answers a FetchAnswer (workers/outcomes.py)."""
    rt = runtime.current()
    where = _report_where(report_id)
    return _guarded(
        self,
        where,
        lambda: _fetch_one(rt, report_id, where, steps.reports_to_fetch(rt, [report_id]).get(report_id)),
        lambda stopped: FetchAnswer(report_id, stopped=stopped),
    ).as_json()


@app.task(name="govreports.fetch_reports", bind=True)
def fetch_reports(self: Task, report_ids: list[int]) -> JSON:
    """Fetch a batch of reports of one portal, one after the other, each as fetch_report would.

    A report that fails transiently is handed off to its own fetch_report (recorded as retrying,
    sent after the first backoff) and the batch goes on; at the soft time limit the rest of the
    batch is sent on as a new batch. Running a batch twice leaves what running it once does.
    Answers a FetchBatchAnswer (workers/outcomes.py).
    """
    rt = runtime.current()
    try:
        rows = steps.reports_to_fetch(rt, report_ids)
    except DATABASE_DOWN as exc:
        gave_up = _retry_or_give_up(self, exc, url=f"batch of {len(report_ids)} reports", kind="article")
        return FetchBatchAnswer(len(report_ids), stopped=gave_up).as_json()
    batch = FetchBatch(rt)
    done = 0  # reports fetched (or handed off) so far
    try:
        try:
            for report_id in report_ids:
                try:
                    batch.answers.append(_fetch_in_batch(self, rt, report_id, rows.get(report_id), batch))
                except SoftTimeLimitExceeded:
                    log.warning("batch.split", task=self.name, left=len(report_ids) - done, reason="soft time limit")
                    _send(fetch_reports, report_ids[done:])
                    done = len(report_ids)
                    break
                done += 1
                batch.store(at_least=batch.size)
            batch.store(at_least=1)
        except SoftTimeLimitExceeded:
            _split_while_storing(self, batch, report_ids[done:])
    except PublishFailed as exc:  # a hand-off or the rest of the batch could not be queued: all again
        raise _run_again(exc) from exc
    finally:
        _write_unchanged(rt, batch.unchanged)
    flush_deferred()  # once a batch, not once a report (it never raises: what fails waits for the next)
    return FetchBatchAnswer.of(len(report_ids), batch.answers).as_json()


def _split_while_storing(task: Task, batch: FetchBatch, unfetched: list[int]) -> None:
    """The soft time limit struck while a group of pages was written or sent on: the pages not
    written (their transaction rolled back) go again with the reports not fetched yet, as a new
    batch; the pages written and not yet sent on are sent now. Before, the task failed there and
    its message was acked: the reports waited for `resend_stuck` or the next crawl."""
    rest = [page.report_id for page in batch.to_store] + list(unfetched)
    log.warning("batch.split", task=task.name, left=len(rest), reason="soft time limit while storing")
    batch.send_written(at_least=1)
    if rest:
        _send(fetch_reports, rest)


def _hand_off(rt: runtime.Runtime, report_id: int, where: dict[str, Any], exc: Exception) -> FetchAnswer:
    """A report of a batch that failed transiently goes on alone as a fetch_report after the backoff
    (the batch's attempt was the first: the hand-off is retry 1 of max_retries)."""
    countdown = _next_retry_in(rt, 0, exc)
    if countdown is None:
        record(error=exc, **where)
        return FetchAnswer(report_id, stopped=Stopped(Stop.GAVE_UP, str(exc), 0))
    record(error=exc, outcome="retrying", **where)
    _send(fetch_report, report_id, countdown=countdown, retries=1)
    return FetchAnswer(report_id, stopped=Stopped(Stop.HANDED_OFF, str(exc)))


def _write_unchanged(rt: runtime.Runtime, unchanged: list[steps.NotModified]) -> None:
    try:
        steps.write_unchanged(rt, unchanged)
    except DATABASE_DOWN as exc:  # nothing is lost that matters: these reports are asked again
        log.warning("batch.unchanged_not_recorded", reports=len(unchanged), error=str(exc))


def _fetch_in_batch(
    task: Task,
    rt: runtime.Runtime,
    report_id: int,
    row: steps.ReportRow | None,
    batch: FetchBatch,
) -> FetchAnswer:
    where = _report_where(report_id)

    def hand_off(exc: Exception) -> FetchAnswer:
        if isinstance(exc, SoftTimeLimitExceeded):
            raise exc  # the batch is out of time: the rest goes on as a new batch
        return _hand_off(rt, report_id, where, exc)

    return _guarded(
        task,
        where,
        lambda: _fetch_one(rt, report_id, where, row, batch),
        lambda stopped: FetchAnswer(report_id, stopped=stopped),
        on_transient=hand_off,
        reraise=False,
        flush=False,
    )


@app.task(name="govreports.process_report", bind=True)
def process_report(self: Task, fetch_event_id: int) -> JSON:
    """Clean, extract and store one fetched page; a new version only when its text changed.

    Answers a ProcessAnswer (workers/outcomes.py)."""
    rt = runtime.current()

    def body() -> ProcessAnswer:
        outcome = steps.process(rt, fetch_event_id)
        return ProcessAnswer(fetch_event_id, outcome.version, outcome.created, outcome.metrics, outcome.reason)

    return _guarded(
        self,
        {"url": f"fetch_event:{fetch_event_id}", "kind": "process"},
        body,
        lambda stopped: ProcessAnswer(fetch_event_id, stopped=stopped),
    ).as_json()


@app.task(name="govreports.process_pages", bind=True)
def process_pages(self: Task, fetch_event_ids: list[int]) -> JSON:
    """Clean, extract and store a batch of fetched pages: one message, one read and one write for
    all (workers/steps.py: process_batch). A page that fails is recorded and the others are stored;
    the database going away (or the time limit) retries the whole batch, which stores each page
    once. Answers a ProcessBatchAnswer (workers/outcomes.py)."""
    rt = runtime.current()

    def body() -> ProcessBatchAnswer:
        outcomes = steps.process_batch(rt, fetch_event_ids, not_the_pages=TRANSIENT)
        answers = [_page_answer(event_id, outcomes[event_id]) for event_id in fetch_event_ids]
        return ProcessBatchAnswer.of(len(fetch_event_ids), answers)

    where = {"url": f"batch of {len(fetch_event_ids)} fetched pages", "kind": "process"}
    return _guarded(
        self, where, body, lambda stopped: ProcessBatchAnswer(len(fetch_event_ids), stopped=stopped)
    ).as_json()


def _page_answer(event_id: int, outcome: steps.ProcessOutcome | Exception) -> ProcessAnswer:
    """One page's part of a batch's answer; a page's own error is recorded here, as process_report
    records it (a PermanentError as failed, anything else as a crash, logged with its trace)."""
    if not isinstance(outcome, Exception):
        return ProcessAnswer(event_id, outcome.version, outcome.created, outcome.metrics, outcome.reason)
    record(error=outcome, url=f"fetch_event:{event_id}", kind="process")
    if isinstance(outcome, PermanentError):
        return ProcessAnswer(event_id, stopped=Stopped(Stop.FAILED, str(outcome)))
    log.error("task.crashed", task="govreports.process_pages", fetch_event=event_id, exc_info=outcome)
    return ProcessAnswer(event_id, stopped=Stopped(Stop.CRASHED, f"{type(outcome).__name__}: {outcome}"))


@app.task(name="govreports.resend_stuck", bind=True)
def resend_stuck(self: Task, *, older_than_minutes: int = 30) -> JSON:
    """Queue again the fetched pages no process_report has consumed (lost between commit and enqueue)
    and the listed reports whose fetch never ran (its message lost in the broker).

    Beat runs it every few minutes, so it also writes the failures kept while the database was
    down when no other task comes along to do it.
    """
    rt = runtime.current()

    def body() -> ResendAnswer:
        flush_deferred()
        older_than = timedelta(minutes=older_than_minutes)
        ids = steps.unprocessed_fetches(rt, older_than=older_than)
        for batch in batched(ids, rt.settings.process_batch_size):
            _send(process_pages, batch)
        if ids:
            log.warning("resend.unprocessed", pages=len(ids))
        return ResendAnswer(len(ids), _resend_unfetched(rt, older_than))

    where = {"url": "resend_stuck", "kind": "process"}
    return _guarded(self, where, body, lambda stopped: ResendAnswer(stopped=stopped)).as_json()


def _resend_unfetched(rt: runtime.Runtime, older_than: timedelta) -> int:
    """Send again, in fetch batches, the reports of enabled portals whose fetch never ran.

    Only while no message waits in the crawl queue: a report behind a long polite crawl is queued,
    not lost, and sending it again at every sweep would grow the backlog it waits in.
    """
    queued = status.crawl_queue_length(rt.settings.broker_url, timeout=5)
    if queued != 0:
        log.info("resend.unfetched_later", crawl_queue=queued if queued is not None else "unknown")
        return 0
    sent = 0
    for slug, report_ids in steps.unfetched_reports(rt, older_than=older_than).items():
        try:
            portal = rt.registry.get(slug)
        except RegistryError:
            continue  # a portal taken out of the registry is not fetched any more
        if portal.enabled:
            _send_fetch_batches(rt, portal)(report_ids)
            sent += len(report_ids)
    if sent:
        log.warning("resend.unfetched", reports=sent)
    return sent


@app.task(name="govreports.reprocess", bind=True)
def reprocess(self: Task, *, portal: str | None = None, every: bool = False) -> JSON:
    """Queue the re-extraction of every stale version (`govreports reprocess` with a broker, and beat
    after a deploy), in batches of `reprocess_batch_size` on the process queue.

    Sending the same versions twice costs nothing: a batch skips what is already done.
    """
    rt = runtime.current()

    def body() -> ReprocessPlanAnswer:
        ids = reprocess_step.stale_versions(rt, portal=portal, every=every)
        size = rt.settings.reprocess_batch_size
        for batch in batched(ids, size):
            _send(reprocess_versions, batch)
        log.info("reprocess.queued", versions=len(ids), portal=portal, every=every)
        return ReprocessPlanAnswer(len(ids), -(-len(ids) // size))

    where = {"url": f"reprocess:{portal or 'all portals'}", "kind": "process"}
    return _guarded(self, where, body, lambda stopped: ReprocessPlanAnswer(stopped=stopped)).as_json()


@app.task(name="govreports.reprocess_versions", bind=True)
def reprocess_versions(self: Task, version_ids: list[int]) -> JSON:
    """Clean and extract a batch of stored versions again, one after the other (workers/reprocess.py).

    Each version commits on its own: a batch stopped half-way is resumed by running it again (what
    is done is skipped). A version that fails is recorded and the batch goes on; the database going
    away retries the whole batch; at the soft time limit the rest goes on as a new batch.
    Answers a ReprocessBatchAnswer (workers/outcomes.py).
    """
    rt = runtime.current()
    done_so_far: list[Redone] = []
    try:
        for n, version_id in enumerate(version_ids):
            where: dict[str, Any] = {"url": f"report_version:{version_id}", "kind": "process"}
            try:
                done = reprocess_step.reprocess_version(rt, version_id)
            except SoftTimeLimitExceeded:
                log.warning("batch.split", task=self.name, left=len(version_ids) - n, reason="soft time limit")
                _send(reprocess_versions, version_ids[n:])
                break
            except DATABASE_DOWN as exc:
                gave_up = _retry_or_give_up(self, exc, **where)
                return ReprocessBatchAnswer.of(len(version_ids), done_so_far, gave_up).as_json()
            except Exception as exc:
                # A poison version: recorded, left stale (the next run tries it again), the batch goes on.
                record(error=exc, **where)
                log.exception("reprocess.failed", version=version_id)
                done_so_far.append("failed")
                continue
            if done.kept_text is not None:
                record(error=done.kept_text, url=done.url or where["url"], kind="process", report_id=done.report_id)
                done_so_far.append("failed")
            else:
                done_so_far.append(done.outcome)
    except PublishFailed as exc:  # the rest of the batch could not be queued: all again
        raise _run_again(exc) from exc
    flush_deferred()
    return ReprocessBatchAnswer.of(len(version_ids), done_so_far).as_json()
