"""The whole path on the demo portal: scrape → queue (in-process) → clean → extract → versioned store."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from pipelines.store.models import FetchEvent, PortalRow, Report, ReportVersion
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.helpers import crawl_demo, failures, metrics, reports, versions
from workers import steps, tasks
from workers.outcomes import CrawlAnswer, FetchBatchAnswer, ProcessAnswer


def test_demo_crawl_ingests_every_demo_report(
    database_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url)
    crawl_demo()
    expected = len(demo_site.all_articles())
    assert reports(rt) == expected
    assert versions(rt) == expected
    assert metrics(rt) > 0
    assert failures(rt) == []


def test_every_demo_report_has_a_title_and_a_body(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo()
    with rt.sessions() as session:
        rows = session.scalars(select(ReportVersion)).all()
        assert all(v.title and len(v.clean_text) > 100 for v in rows)


def test_second_crawl_adds_no_version(
    database_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url)
    crawl_demo()
    assert versions(rt) == len(demo_site.all_articles()), "the first crawl stores every demo report"
    crawl_demo()
    assert versions(rt) == len(demo_site.all_articles())


def test_second_crawl_moves_last_seen_only(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        first = {r.url: (r.last_seen_at, r.current_version) for r in session.scalars(select(Report))}
    assert sorted(version for _, version in first.values()) == [1] * len(demo_site.portals["yj"].articles)
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        for report in session.scalars(select(Report)):
            seen, version = first[report.url]
            assert report.current_version == version
            assert report.last_seen_at > seen


def test_upstream_edit_adds_exactly_one_version_with_reextracted_metrics(
    database_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url, revisit_after_hours=0)
    crawl_demo()
    before = versions(rt)
    demo_site.edit("yj", 1001, "全年网上办理率提升至98.7%。")
    crawl_demo()
    assert versions(rt) == before + 1
    with rt.sessions() as session:
        report = session.scalars(select(Report).where(Report.url.endswith("post_1001.html"))).one()
        latest = report.versions[-1]
        assert (report.current_version, latest.version) == (2, 2)
        assert "98.7%" in latest.clean_text
        assert any(m.value == Decimal("98.7") for m in latest.metrics)
        assert not any(m.value == Decimal("98.7") for m in report.versions[0].metrics)


def test_new_report_upstream_is_ingested_on_the_next_crawl(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo()
    before = reports(rt)
    demo_site.add("hy", "源城区2024年数据工作要点", ["全区新增政务服务事项356项，网上可办率达到98.5%。"])
    crawl_demo()
    assert reports(rt) == before + 1


def test_gbk_page_with_charset_only_in_meta_is_stored_as_readable_text(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-heyuan",))
    with rt.sessions() as session:
        version = session.scalars(select(ReportVersion).join(Report).where(Report.url.endswith("_1002.html"))).one()
        encodings = set(session.scalars(select(FetchEvent.encoding).where(FetchEvent.kind == "article")))
    assert "区政务服务数据管理局" in version.clean_text
    assert "\ufffd" not in version.clean_text
    assert encodings == {"gb18030"}


def test_a_500_and_a_timeout_are_recorded_as_failures_and_the_rest_is_ingested(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, read_timeout=0.5, max_retries=1)
    portal = demo_site.portals["hy"]
    broken, stalled = portal.articles[0], portal.articles[1]
    demo_site.fail(portal.article_path(broken), "500")
    demo_site.fail(portal.article_path(stalled), "timeout")
    demo_site.stall_seconds = 1.5
    crawl_demo()
    failed = {(e.url.rsplit("/", 1)[1], e.error.split(":")[0]) for e in failures(rt)}
    assert failed == {
        (f"t{broken.published:%Y%m%d}_{broken.id}.html", "TransientFetchError"),
        (f"t{stalled.published:%Y%m%d}_{stalled.id}.html", "TransientFetchError"),
    }
    assert versions(rt) == len(demo_site.all_articles()) - 2


def test_a_failed_report_is_picked_up_by_a_later_crawl(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, max_retries=0)
    portal = demo_site.portals["yj"]
    demo_site.fail(portal.article_path(portal.articles[0]), "500", times=1)
    crawl_demo(("demo-yangjiang",))
    assert versions(rt) == len(portal.articles) - 1
    crawl_demo(("demo-yangjiang",))
    assert versions(rt) == len(portal.articles)


def test_a_report_failing_in_a_batch_goes_on_alone_and_is_ingested(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, max_retries=3)
    portal = demo_site.portals["yj"]
    broken = portal.article_path(portal.articles[2])
    demo_site.fail(broken, "500", times=1)
    crawl_demo(("demo-yangjiang",))
    assert versions(rt) == len(portal.articles)
    with rt.sessions() as session:
        retried = session.scalars(select(FetchEvent.url).where(FetchEvent.outcome == "retrying")).all()
    assert [url.split("/")[-1] for url in retried] == [broken.split("/")[-1]]


def test_a_batch_fetched_twice_leaves_what_fetching_it_once_leaves(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl = CrawlAnswer.from_json(tasks.crawl_portal.apply(args=("demo-yangjiang",), kwargs={"follow": False}).get())
    assert crawl.listing is not None
    for _ in range(2):
        outcome = FetchBatchAnswer.from_json(tasks.fetch_reports.apply(args=(list(crawl.listing.report_ids),)).get())
    assert versions(rt) == len(demo_site.portals["yj"].articles)
    assert outcome == FetchBatchAnswer(reports=5, not_modified=5)


def test_a_batch_records_each_unchanged_report_it_asked(
    database_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url)
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        ids = list(session.scalars(select(Report.id).order_by(Report.id)))
        fetched_before = {i: t for i, t in session.execute(select(Report.id, Report.last_fetched_at))}
    tasks.fetch_reports.apply(args=(ids,)).get()
    with rt.sessions() as session:
        unchanged = session.scalars(select(FetchEvent.report_id).where(FetchEvent.outcome == "not_modified")).all()
        fetched_after = {i: t for i, t in session.execute(select(Report.id, Report.last_fetched_at))}
    assert sorted(unchanged) == ids
    assert all(fetched_after[i] > fetched_before[i] for i in ids)


def test_a_slow_portal_gets_smaller_batches(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, task_time_limit=300, fetch_batch_size=50)
    portal = rt.registry.get("demo-heyuan")
    fast = portal.model_copy(update={"rate_limit_per_second": 100.0})
    slow = portal.model_copy(update={"rate_limit_per_second": 0.1})
    assert (steps.fetch_batch_size(rt, fast), steps.fetch_batch_size(rt, slow)) == (50, 3)


def test_a_404_article_is_recorded_and_not_retried(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, max_retries=3)
    portal = demo_site.portals["yj"]
    path = portal.article_path(portal.articles[0])
    demo_site.fail(path, "404")
    crawl_demo(("demo-yangjiang",))
    assert demo_site.requests.count(path) == 1
    assert [e.status for e in failures(rt)] == [404]


def test_an_unreachable_portal_is_recorded_by_name(sqlite_url: str, make_runtime: RuntimeFactory) -> None:
    rt = make_runtime(sqlite_url, "http://127.0.0.1:9", connect_timeout=0.5)
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        portal = session.scalars(select(PortalRow)).one()
        assert portal.last_crawl_outcome is not None and "1 errors" in portal.last_crawl_outcome
    [failure] = failures(rt)
    assert failure.kind == "list" and failure.url.endswith("/yj/zwgk/gzbg/index.html")


def test_two_concurrent_process_runs_on_the_same_content_leave_one_version(
    database_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url)
    tasks.crawl_portal.apply(args=("demo-yangjiang",), kwargs={"follow": False})
    with rt.sessions() as session:
        report = session.scalars(select(Report).where(Report.url.endswith("post_1001.html"))).one()
    portal = rt.registry.get("demo-yangjiang")
    # Two deliveries of the same page: two fetch events with the same body, processed at once.
    first = steps.fetch(rt, report, portal)
    second = steps.fetch(rt, report, portal)
    assert first is not None and second is not None
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(event_id: int) -> None:
        barrier.wait()
        try:
            steps.process(rt, event_id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert versions(rt) == 1


def test_process_report_twice_on_the_same_fetch_is_a_no_op(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    tasks.crawl_portal.apply(args=("demo-yangjiang",), kwargs={"follow": False})
    with rt.sessions() as session:
        report = session.scalars(select(Report)).first()
    assert report is not None
    event_id = steps.fetch(rt, report, rt.registry.get("demo-yangjiang"))
    assert event_id is not None
    first = ProcessAnswer.from_json(tasks.process_report.apply(args=(event_id,)).get())
    second = ProcessAnswer.from_json(tasks.process_report.apply(args=(event_id,)).get())
    assert first.created is True
    assert second.reason == "already processed"
    assert versions(rt) == 1


def test_another_writer_can_write_while_a_page_is_cleaned_and_extracted(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Processing reads in one transaction, cleans and extracts outside any, writes in a second one:
    # while the CPU work runs, SQLite's one write lock is free for the other workers.
    rt = make_runtime(sqlite_url, demo_server.base_url)
    tasks.crawl_portal.apply(args=("demo-yangjiang",), kwargs={"follow": False})
    with rt.sessions() as session:
        report = session.scalars(select(Report)).first()
    assert report is not None
    event_id = steps.fetch(rt, report, rt.registry.get("demo-yangjiang"))
    assert event_id is not None
    writes: list[str] = []

    def another_writer_during(step: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # fails at once while the step holds a write transaction
                other.execute("UPDATE portals SET name = name")
                other.execute("COMMIT")
                writes.append(f"{step.__name__}: written")
            except sqlite3.OperationalError as exc:
                writes.append(f"{step.__name__}: {exc}")
            finally:
                other.close()
            return step(*args, **kwargs)

        return run

    monkeypatch.setattr(steps, "extract_article", another_writer_during(steps.extract_article))
    monkeypatch.setattr(steps, "extract_metrics", another_writer_during(steps.extract_metrics))
    outcome = steps.process(rt, event_id)
    assert outcome.created and outcome.metrics > 0
    assert writes == ["extract_article: written", "extract_metrics: written"]


def test_stored_versions_carry_every_body_line_and_no_furniture(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    from pipelines.furniture import is_furniture
    from pipelines.textnorm import shadow

    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo()
    expected = {portal.article_path(a).rsplit("/", 1)[1]: a.body_lines for portal, a in demo_site.all_articles()}
    with rt.sessions() as session:
        for version in session.scalars(select(ReportVersion)):
            lines = version.clean_text.splitlines()
            assert [line for line in lines if is_furniture(shadow(line))] == []
            assert lines == expected[version.report.url.rsplit("/", 1)[1]]


def test_a_page_of_only_furniture_is_recorded_as_no_body_and_stores_no_version(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    empty = demo_site.add("yj", "網站地圖", ["關於我們 | 網站地圖 | 聯繫我們", "粵ICP備16010311號-3"])
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        report = session.scalars(select(Report).where(Report.url.endswith(f"post_{empty.id}.html"))).one()
        assert report.current_version == 0
    assert [e.error for e in failures(rt) if e.report_id == report.id] == [
        "no body found: the page holds only site furniture"
    ]
