"""process_pages: a batch of fetched pages is read once, cleaned and extracted, and stored in one
transaction; each page's failure stays its own, and the database going away retries the batch whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError

from pipelines.store import migrate
from pipelines.store.models import FetchEvent, MetricRow, Report, ReportVersion
from seeds.demo import DemoServer, DemoSite
from tests.attachment_files import make_xlsx
from tests.conftest import RuntimeFactory
from tests.helpers import versions
from workers import runtime, steps, tasks
from workers.outcomes import FetchBatchAnswer, ProcessBatchAnswer

PORTAL = "demo-heyuan"


@pytest.fixture
def fetched(database_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory) -> Iterator[list[int]]:
    """Every report of one demo portal fetched (stored for processing), none processed yet."""
    rt = make_runtime(database_url, demo_server.base_url, max_retries=2)
    tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False})
    with rt.sessions() as session:
        rows = session.scalars(select(Report).order_by(Report.id)).all()
    ids = [steps.fetch(rt, report, rt.registry.get(PORTAL)) for report in rows]
    assert len(ids) >= 4 and all(i is not None for i in ids)
    yield [i for i in ids if i is not None]


def process(ids: list[int]) -> ProcessBatchAnswer:
    result = tasks.process_pages.apply(args=(ids,))
    assert result.successful(), result.traceback
    return ProcessBatchAnswer.from_json(result.result)


def bodies_kept(ids: list[int]) -> set[int]:
    with runtime.current().sessions() as session:
        return set(session.scalars(select(FetchEvent.id).where(FetchEvent.id.in_(ids), FetchEvent.body_z.is_not(None))))


def test_a_batch_stores_one_version_a_page_in_one_commit(fetched: list[int]) -> None:
    commits: list[int] = []
    event.listen(runtime.current().engine, "commit", lambda conn: commits.append(1))
    answer = process(fetched)
    assert (answer.pages, answer.created, answer.failed) == (len(fetched), len(fetched), 0)
    assert versions(runtime.current()) == len(fetched)
    assert len(commits) == 1
    assert bodies_kept(fetched) == set()


def test_the_same_batch_twice_stores_nothing_more(fetched: list[int]) -> None:
    process(fetched)
    again = process(fetched)
    assert (again.created, again.skipped) == (0, len(fetched))
    assert versions(runtime.current()) == len(fetched)


def test_a_page_that_breaks_the_reader_is_recorded_and_the_others_are_stored(
    fetched: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    poison = fetched[1]
    clean_and_extract = steps._clean_and_extract

    def breaks_on_one(rt: runtime.Runtime, page: Any) -> Any:
        if page.event_id == poison:
            raise KeyError("a reader bug")
        return clean_and_extract(rt, page)

    monkeypatch.setattr(steps, "_clean_and_extract", breaks_on_one)
    answer = process(fetched)
    assert (answer.created, answer.failed) == (len(fetched) - 1, 1)
    assert bodies_kept(fetched) == {poison}  # resend_stuck tries it again
    with runtime.current().sessions() as session:
        recorded = session.scalars(select(FetchEvent.error).where(FetchEvent.url == f"fetch_event:{poison}")).all()
    assert recorded == ["KeyError: a reader bug"]


def test_a_page_whose_write_fails_is_rolled_back_alone(fetched: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    # The batch write fails (a constraint one page breaks): the pages are stored one by one, and
    # only the page whose own write fails is left unstored.
    broken = fetched[2]
    store = steps.store_processed

    def batch_write_fails(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("a constraint one page breaks")

    def fails_on_one(session: Any, page: Any, processed: Any, **kwargs: Any) -> Any:
        outcome = store(session, page, processed, **kwargs)  # written, then the page's write fails
        if page.event_id == broken:
            raise ValueError("a constraint the page breaks")
        return outcome

    monkeypatch.setattr(steps, "store_pages", batch_write_fails)
    monkeypatch.setattr(steps, "store_processed", fails_on_one)
    answer = process(fetched)
    assert (answer.created, answer.failed) == (len(fetched) - 1, 1)
    assert bodies_kept(fetched) == {broken}
    with runtime.current().sessions() as session:
        stored = set(session.scalars(select(ReportVersion.report_id)))
        broken_report = session.scalar(select(FetchEvent.report_id).where(FetchEvent.id == broken))
    assert broken_report not in stored and len(stored) == len(fetched) - 1


def test_the_database_going_away_retries_the_batch_whole(fetched: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    store_pages = steps.store_pages
    calls: list[int] = []

    def database_goes_away_once(session: Any, items: Any, **kwargs: Any) -> Any:
        calls.append(len(items))
        if len(calls) == 1:
            store_pages(session, items[:2], **kwargs)  # half written when the connection drops
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        return store_pages(session, items, **kwargs)

    monkeypatch.setattr(steps, "store_pages", database_goes_away_once)
    monkeypatch.setattr(tasks, "backoff_seconds", lambda retries, cap: 0.0)
    answer = process(fetched)
    assert calls == [len(fetched), len(fetched)]
    assert (answer.created, answer.failed) == (len(fetched), 0)
    assert versions(runtime.current()) == len(fetched)


def snapshot(rt: runtime.Runtime) -> dict[str, Any]:
    """Everything the versioning rule writes, without ids and clocks."""
    with rt.sessions() as session:
        reports = session.execute(
            select(
                Report.url,
                Report.title,
                Report.published_at,
                Report.current_version,
                Report.revisit_hours,
                Report.etag,
                Report.last_modified,
            ).order_by(Report.url)
        ).all()
        stored = session.execute(
            select(
                Report.url,
                ReportVersion.version,
                ReportVersion.content_sha256,
                ReportVersion.title,
                ReportVersion.period,
                ReportVersion.cleaning_warnings,
                ReportVersion.origin,
                ReportVersion.reader_version,
                func.count(MetricRow.id),
            )
            .join(Report)
            .outerjoin(MetricRow)
            .group_by(ReportVersion.id, Report.url)
            .order_by(Report.url, ReportVersion.version)
        ).all()
        kept = session.scalar(select(func.count()).where(FetchEvent.body_z.is_not(None)))
    return {"reports": [tuple(r) for r in reports], "versions": [tuple(v) for v in stored], "kept": kept}


def three_visits(rt: runtime.Runtime, site: DemoSite) -> dict[str, Any]:
    """A first visit, a visit of the same content (validators dropped, so every page answers 200)
    and a visit after one report was edited upstream, each fetched and processed in one batch."""
    portal = rt.registry.get(PORTAL)
    tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False})
    for visit in range(3):
        if visit == 2:
            site.edit("hy", site.portals["hy"].articles[0].id)
        with rt.transaction() as session:
            session.execute(update(Report).values(etag=None, last_modified=None, current_version=0))
            rows = session.scalars(select(Report).order_by(Report.id)).all()
            for report in rows:
                session.expunge(report)
        with rt.transaction() as session:  # the conditional GET is off: put the versions back
            session.execute(
                update(Report).values(
                    current_version=select(func.coalesce(func.max(ReportVersion.version), 0))
                    .where(ReportVersion.report_id == Report.id)
                    .scalar_subquery()
                )
            )
        ids = [steps.fetch(rt, report, portal) for report in rows]
        process([i for i in ids if i is not None])
    return snapshot(rt)


def test_the_batch_write_stores_what_the_page_by_page_write_stores(
    sqlite_url: str,
    tmp_path: Path,
    demo_site: DemoSite,
    demo_server: DemoServer,
    make_runtime: RuntimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    together = three_visits(make_runtime(sqlite_url, demo_server.base_url), demo_site)
    for article in demo_site.portals["hy"].articles[:1]:
        article.paragraphs.pop()  # the edit undone: the second run meets the same site
        article.revision -= 1
    monkeypatch.setattr(steps, "batch_storable", lambda items: False)
    second = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    migrate.upgrade(second)
    one_by_one = three_visits(make_runtime(second, demo_server.base_url), demo_site)
    assert together == one_by_one
    assert together["kept"] == 0
    assert [v[1] for v in together["versions"]].count(2) == 1  # the edit, and only it, made a version 2


def test_a_fetch_batch_sends_its_pages_on_in_groups_of_process_batch_size(
    database_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = make_runtime(database_url, demo_server.base_url, process_batch_size=3)
    crawl = tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False}).get()
    report_ids = crawl["report_ids"]
    sizes: list[int] = []
    process_batch = steps.process_batch

    def spy(rt: runtime.Runtime, ids: list[int], **kwargs: Any) -> Any:
        sizes.append(len(ids))
        return process_batch(rt, ids, **kwargs)

    monkeypatch.setattr(steps, "process_batch", spy)
    answer = FetchBatchAnswer.from_json(tasks.fetch_reports.apply(args=(report_ids,)).get())
    assert answer.fetched == len(report_ids) >= 4
    assert sizes == [3] * (len(report_ids) // 3) + ([len(report_ids) % 3] if len(report_ids) % 3 else [])
    assert versions(rt) == len(report_ids)


def test_a_fetch_batch_writes_its_pages_a_group_at_a_time(
    database_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url, process_batch_size=3)
    report_ids = tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False}).get()["report_ids"]
    commits = [0]
    transactions_writing_pages: set[int] = set()

    def page_written(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO FETCH_EVENTS"):
            transactions_writing_pages.add(commits[0])

    event.listen(rt.engine, "before_cursor_execute", page_written)
    event.listen(rt.engine, "commit", lambda conn: commits.__setitem__(0, commits[0] + 1))
    answer = FetchBatchAnswer.from_json(tasks.fetch_reports.apply(args=(report_ids,)).get())
    assert answer.fetched == len(report_ids)
    assert len(transactions_writing_pages) == -(-len(report_ids) // 3)  # a transaction a group, not a page
    assert versions(rt) == len(report_ids)


def test_the_database_going_away_when_a_group_is_written_hands_its_reports_off(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, process_batch_size=3)
    report_ids = tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False}).get()["report_ids"]
    _first_group_write_raises(
        monkeypatch, OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
    )
    answer = FetchBatchAnswer.from_json(tasks.fetch_reports.apply(args=(report_ids,)).get())
    assert (answer.handed_off, answer.fetched) == (3, len(report_ids) - 3)
    assert versions(rt) == len(report_ids)  # the hand-offs (run at once here) fetched and stored them


def test_a_crawl_hands_over_fetch_batches_while_it_still_walks_the_list_pages(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, fetch_batch_size=5)
    asked: list[str] = []
    get = rt.fetcher.get

    def logged(url: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(url)
        return get(url, *args, **kwargs)

    rt.fetcher.get = logged  # type: ignore[method-assign]
    tasks.crawl_portal.apply(args=(PORTAL,))  # eager: a batch sent runs at once, inside the walk
    portal = demo_site.portals["hy"]
    list_pages = [i for i, url in enumerate(asked) if "/index" in url]
    articles = [i for i, url in enumerate(asked) if url.endswith(".html") and "/index" not in url]
    assert portal.page_count >= 2 and len(list_pages) == portal.page_count
    assert articles and articles[0] < list_pages[-1]  # fetching began before the last list page was read
    assert versions(rt) == len(portal.articles)


def test_a_fetch_batch_writes_the_kept_failures_once_at_its_end_not_once_a_report(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each flush asks Redis how many failures wait: once a report was a round trip a report.
    make_runtime(sqlite_url, demo_server.base_url)
    report_ids = tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False}).get()["report_ids"]
    flushes: list[str] = []
    monkeypatch.setattr(tasks.failures, "flush", lambda rt: flushes.append("flush") or 0)
    tasks.fetch_reports.apply(args=(report_ids,))  # eager: each process_pages it sends runs inline
    process_tasks = -(-len(report_ids) // runtime.current().settings.process_batch_size)
    assert len(flushes) == 1 + process_tasks  # the batch's one, and each process_pages'


def test_the_last_page_of_a_batch_written_at_once_for_its_attachments_is_sent_on_too(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    # A page that links readable attachments is written at once (they are its children), outside the
    # batch's groups; the batch must still send it on when it is the last one.
    rt = make_runtime(sqlite_url, demo_server.base_url, process_batch_size=1)
    report_ids = tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False}).get()["report_ids"]
    with rt.sessions() as session:
        last_url = session.scalar(select(Report.url).where(Report.id == report_ids[-1]))
    portal = demo_site.portals["hy"]
    last = next(a for a in portal.articles if last_url and last_url.endswith(portal.article_path(a)))
    demo_site.attach("hy", last.id, "附件 统计表", "stats.xlsx", make_xlsx([["受理业务", "8642件"]]))
    tasks.fetch_reports.apply(args=(report_ids,))
    assert versions(rt) == len(report_ids)
    with rt.sessions() as session:
        waiting = session.scalar(
            select(func.count()).where(FetchEvent.kind == "article", FetchEvent.body_z.is_not(None))
        )
    assert waiting == 0


def test_the_soft_time_limit_while_a_group_is_written_sends_its_reports_and_the_rest_on(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit strikes inside the write of the first group (its transaction rolls back): nothing is lost."""
    rt = make_runtime(sqlite_url, demo_server.base_url, process_batch_size=3)
    report_ids = tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False}).get()["report_ids"]
    _first_group_write_raises(monkeypatch, SoftTimeLimitExceeded())
    tasks.fetch_reports.apply(args=(report_ids,))  # eager: the batch sent on runs inline
    assert versions(rt) == len(report_ids)


def _first_group_write_raises(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """The first group of fetched pages a batch writes fails with `error` (its transaction rolls back)."""
    store_fetched = steps.store_fetched
    groups: list[int] = []

    def first_write_fails(rt: runtime.Runtime, pages: Any) -> list[int]:
        groups.append(len(pages))
        if len(groups) == 1:
            raise error
        return store_fetched(rt, pages)

    monkeypatch.setattr(steps, "store_fetched", first_write_fails)
