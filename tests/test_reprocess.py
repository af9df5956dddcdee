"""Re-extraction (`govreports reprocess`): stored pages read again by a newer reader and extractor.

Real components throughout: pages fetched from the demo portal by the real fetcher, stored by the
real versioning rule as an older deploy would have stored them, reprocessed through the real
Celery tasks in-process, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from rich.console import Console
from sqlalchemy import func, select

from pipelines.article import READER_VERSION, extract_article
from pipelines.metrics import EXTRACTOR_VERSION, Metric, extract_metrics
from pipelines.store import migrate
from pipelines.store.models import MetricRow, Report, ReportVersion
from pipelines.store.queries import MetricFilter, metric_records, report_summaries, upsert_portal, upsert_report
from pipelines.store.reprocessing import is_older, load_stored_page, write_reprocessed
from pipelines.store.versioning import store_version
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.test_cli import free_port, govreports
from workers import reprocess
from workers.config import Settings
from workers.outcomes import ReprocessBatchAnswer
from workers.runtime import Runtime
from workers.schedule import reprocess_after_deploy

PORTAL = "demo-yangjiang"
THEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
# What an older extractor made of the page: one indicator today's extractor does not find.
STALE = Metric("旧版抽取的指标", Decimal("42"), "项", "exact", False, "旧版抽取的指标42项", 0, 3, 0.5)
# A share bar an older reader kept in the body: today's reader drops it, so the cleaned text changes.
OLD_READER_LINE = "分享到：微信 微博 QQ空间"


def page_url(rt: Runtime, site: DemoSite, n: int = 0) -> str:
    portal = site.portals["yj"]
    return rt.settings.demo_base_url + portal.article_path(portal.articles[n])  # type: ignore[operator]


def store_as_an_older_deploy(
    rt: Runtime,
    url: str,
    *,
    extra_line: str | None = None,
    metrics: list[Metric] | None = None,
    extractor_version: str = "1.0.0",
    reader_version: str | None = READER_VERSION,
) -> str:
    """Fetch the page for real and store it as a version an older deploy made; its cleaned text."""
    portal = rt.registry.get(PORTAL)
    html = rt.fetcher.get(url, portal).text
    article = extract_article(
        html,
        body_selector=portal.selectors.body,
        title_selector=portal.selectors.title,
        date_selector=portal.selectors.date,
        base_url=url,
    )
    text = article.body + (f"\n{extra_line}" if extra_line else "")
    with rt.transaction() as session:
        row = upsert_portal(session, slug=portal.slug, name=portal.name, region=portal.region, agency=portal.agency)
        report, _ = upsert_report(session, portal_id=row.id, url=url)
        store_version(
            session,
            report,
            title=article.title,
            clean_text=text,
            raw_html=html,
            metrics=[STALE] if metrics is None else metrics,
            fetched_at=THEN,
            extractor_version=extractor_version,
            reader_version=reader_version,
        )
    return text


def run(rt: Runtime, **options: Any) -> reprocess.ReprocessSummary:
    return reprocess.run_in_process(rt, Console(file=io.StringIO()), **options)


def versions_of(rt: Runtime, url: str) -> list[ReportVersion]:
    with rt.sessions() as session:
        return list(
            session.scalars(select(ReportVersion).join(Report).where(Report.url == url).order_by(ReportVersion.version))
        )


def row_counts(rt: Runtime) -> tuple[int, int]:
    with rt.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(ReportVersion)) or 0,
            session.scalar(select(func.count()).select_from(MetricRow)) or 0,
        )


def test_the_same_text_keeps_its_version_and_gets_new_metrics_the_old_set_still_queryable(
    database_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url)
    url = page_url(rt, demo_site)
    text = store_as_an_older_deploy(rt, url)
    [stored] = versions_of(rt, url)

    summary = run(rt)

    assert (summary.stale, summary.re_extracted, summary.new_version, summary.failed) == (1, 1, 0, 0)
    [version] = versions_of(rt, url)
    assert (version.version, version.origin, version.clean_text) == (1, "fetch", text)
    assert version.extractor_version == EXTRACTOR_VERSION
    expected = [(m.name, m.value) for m in extract_metrics(text, title=stored.title)]
    assert len(expected) > 3
    with rt.sessions() as session:
        today = metric_records(session)
        assert [(m.name, m.value) for m in today] == expected
        old = metric_records(session, MetricFilter(extractor_version="1.0.0"))
        assert [(m.name, m.value, m.version) for m in old] == [(STALE.name, STALE.value, 1)]
        assert metric_records(session, MetricFilter(extractor_version=EXTRACTOR_VERSION)) == today
        assert [r.metrics for r in report_summaries(session)] == [len(expected)]  # today's set only
        superseded = session.scalars(select(MetricRow).where(MetricRow.superseded_at.is_not(None))).all()
        assert [(m.name, m.extractor_version) for m in superseded] == [(STALE.name, "1.0.0")]


def test_a_changed_cleaned_text_makes_a_new_version_marked_reprocess(
    database_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url)
    url = page_url(rt, demo_site)
    old_text = store_as_an_older_deploy(rt, url, extra_line=OLD_READER_LINE, reader_version="1.0.0")

    summary = run(rt)

    assert (summary.stale, summary.new_version, summary.failed) == (1, 1, 0)
    first, second = versions_of(rt, url)
    assert (first.origin, first.clean_text, first.reader_version) == ("fetch", old_text, "1.0.0")
    assert (second.origin, second.reader_version, second.extractor_version) == (
        "reprocess",
        READER_VERSION,
        EXTRACTOR_VERSION,
    )
    assert second.clean_text == old_text.removesuffix(f"\n{OLD_READER_LINE}")
    assert second.fetched_at == first.fetched_at  # the same fetched page, read again: no upstream edit
    with rt.sessions() as session:
        report = session.scalars(select(Report).where(Report.url == url)).one()
        assert report.current_version == 2
        names = {m.name for m in metric_records(session)}
        assert STALE.name not in names and names
        assert {m.version for m in metric_records(session)} == {2}


def test_reprocess_twice_does_nothing_the_second_time(
    database_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(database_url, demo_server.base_url)
    store_as_an_older_deploy(rt, page_url(rt, demo_site, 0))
    store_as_an_older_deploy(rt, page_url(rt, demo_site, 1), extra_line=OLD_READER_LINE, reader_version=None)
    first = run(rt)
    assert (first.stale, first.re_extracted + first.new_version, first.failed) == (2, 2, 0)
    counts = row_counts(rt)

    second = run(rt)

    assert second == reprocess.ReprocessSummary()
    assert row_counts(rt) == counts
    assert run(rt, every=True) == reprocess.ReprocessSummary()  # the history version was re-extracted too


def test_a_batch_sent_twice_skips_what_is_done(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    from workers import tasks

    rt = make_runtime(sqlite_url, demo_server.base_url)
    store_as_an_older_deploy(rt, page_url(rt, demo_site))
    ids = reprocess.stale_versions(rt)
    first = ReprocessBatchAnswer.from_json(tasks.reprocess_versions.apply(args=(ids,)).get())
    again = ReprocessBatchAnswer.from_json(tasks.reprocess_versions.apply(args=(ids + ids,)).get())
    assert (first.re_extracted, again.skipped, again.re_extracted) == (1, 2, 0)


def test_all_re_extracts_history_versions_from_their_stored_text(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    url = page_url(rt, demo_site)
    # Version 1 as an older reader kept it, version 2 an upstream edit: both by the old extractor.
    history = store_as_an_older_deploy(rt, url, extra_line=OLD_READER_LINE, reader_version="1.0.0")
    demo_site.edit("yj", demo_site.portals["yj"].articles[0].id)  # edited upstream, then fetched again
    store_as_an_older_deploy(rt, url)
    assert run(rt).stale == 1  # the current version only
    assert [(v.version, v.extractor_version) for v in versions_of(rt, url)] == [(1, "1.0.0"), (2, EXTRACTOR_VERSION)]

    summary = run(rt, every=True)

    assert (summary.stale, summary.re_extracted, summary.new_version) == (1, 1, 0)
    first, _ = versions_of(rt, url)  # no version made from history
    assert (first.clean_text, first.extractor_version, first.reader_version) == (history, EXTRACTOR_VERSION, "1.0.0")
    with rt.sessions() as session:
        everything = metric_records(session, MetricFilter(current_only=False))
        assert {m.version for m in everything} == {1, 2} and STALE.name not in {m.name for m in everything}
        old = metric_records(session, MetricFilter(extractor_version="1.0.0", current_only=False))
        assert sorted(m.version for m in old) == [1, 2]
        # Of the old extractor, the set of the version that was the latest when it ran.
        assert [m.version for m in metric_records(session, MetricFilter(extractor_version="1.0.0"))] == [2]


def test_a_fetch_meanwhile_is_not_hidden_by_a_re_read(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    url = page_url(rt, demo_site)
    store_as_an_older_deploy(rt, url, extra_line=OLD_READER_LINE, reader_version="1.0.0")
    [version] = versions_of(rt, url)
    with rt.sessions() as session:  # the first transaction: read
        page = load_stored_page(session, version.id)
    assert page is not None
    result, kept = reprocess.reread(page, rt.registry.get(PORTAL).selectors)  # outside any transaction
    assert kept is None and result.new_text is not None
    # A fetch stores an upstream edit between the read and the write.
    store_as_an_older_deploy(rt, url, extra_line="本报告于发布后修订。", extractor_version=EXTRACTOR_VERSION)
    with rt.transaction() as session:
        outcome, number = write_reprocessed(session, page, result, reprocess.running())
    assert (outcome, number) == ("re_extracted", 1)  # its metrics only: the page read is history now
    assert [(v.version, v.origin) for v in versions_of(rt, url)] == [(1, "fetch"), (2, "fetch")]


def test_only_the_portal_asked_is_reprocessed(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    store_as_an_older_deploy(rt, page_url(rt, demo_site))
    assert run(rt, portal="demo-heyuan").stale == 0
    assert run(rt, portal=PORTAL).re_extracted == 1


def test_versions_are_compared_as_releases() -> None:
    assert is_older("1.9.0", "1.10.0") and not is_older("1.10.0", "1.9.0")
    assert is_older(None, "1.0.0") and is_older("test", "1.3.0")
    assert not is_older("1.3.0", "1.3.0") and not is_older("2.0.0", "1.3.0")  # a rolled-back deploy


class FakeApp:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send_task(self, name: str, *, queue: str) -> Any:
        self.sent.append((name, queue))
        return type("Sent", (), {"id": "task-1"})()


def test_beat_queues_reprocess_on_start_only_when_set() -> None:
    off, on = FakeApp(), FakeApp()
    assert reprocess_after_deploy(off, Settings(reprocess_on_start=False)) is None
    assert reprocess_after_deploy(on, Settings(reprocess_on_start=True)) == "task-1"
    assert (off.sent, on.sent) == ([], [("govreports.reprocess", "process")])


def test_migration_0007_labels_the_stored_metrics_with_their_extractor(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    migrate.upgrade(url, "0006")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO portals (id, slug, name, region, agency) VALUES (1, 'p', 'P', '', '')"))
        conn.execute(
            sa.text(
                "INSERT INTO reports (id, portal_id, url, title, first_seen_at, last_seen_at, current_version) "
                "VALUES (1, 1, 'https://x.gov.cn/1.html', 't', '2024-01-01', '2024-01-01', 1)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO report_versions (id, report_id, version, content_sha256, title, raw_html_z, clean_text, "
                "fetched_at, created_at, extractor_version) "
                "VALUES (1, 1, 1, 'abc', 't', x'00', '办结率99.8%', '2024-01-01', '2024-01-01', '1.1.0')"
            )
        )
        conn.execute(
            sa.text(
                'INSERT INTO metrics (version_id, seq, name, value, unit, qualifier, target, evidence, start, "end") '
                "VALUES (1, 0, '办结率', 99.8, '%', 'exact', 0, '办结率99.8%', 3, 8)"
            )
        )
    engine.dispose()
    migrate.upgrade(url)
    with sqlite3.connect(tmp_path / "old.sqlite3") as db:
        assert db.execute("SELECT extractor_version, superseded_at FROM metrics").fetchall() == [("1.1.0", None)]
        assert db.execute("SELECT origin, reader_version FROM report_versions").fetchall() == [("fetch", None)]
    migrate.check(url)
    command.downgrade(migrate.alembic_config(url), "0006")
    with sqlite3.connect(tmp_path / "old.sqlite3") as db:
        assert db.execute("SELECT name FROM metrics").fetchall() == [("办结率",)]


def test_the_cli_reprocesses_the_demo_once(tmp_path: Path) -> None:
    port = str(free_port())
    demo = govreports("demo", "--data-dir", str(tmp_path), "--port", port)
    assert demo.returncode == 0, demo.stderr
    assert "nothing to reprocess" in govreports("--data-dir", str(tmp_path), "reprocess").stdout
    # As an older deploy left it: every version by extractor 1.0.0, without a recorded reader, and one
    # version whose old extraction found nothing.
    with sqlite3.connect(tmp_path / "govreports.sqlite3") as db:
        db.execute("UPDATE report_versions SET extractor_version = '1.0.0', reader_version = NULL")
        db.execute("UPDATE metrics SET extractor_version = '1.0.0'")
        emptied = db.execute("SELECT MIN(version_id) FROM metrics").fetchone()[0]
        url = db.execute(
            "SELECT url FROM reports JOIN report_versions v ON v.report_id = reports.id WHERE v.id = ?", (emptied,)
        ).fetchone()[0]
        db.execute("DELETE FROM metrics WHERE version_id = ?", (emptied,))
        stale = db.execute("SELECT COUNT(*) FROM report_versions").fetchone()[0]

    first = govreports("--data-dir", str(tmp_path), "reprocess")

    assert first.returncode == 0, first.stderr
    assert f"{stale} stale versions: 1 re-extracted, 0 new versions, {stale - 1} unchanged, 0 failed" in first.stdout
    second = govreports("--data-dir", str(tmp_path), "reprocess")
    assert second.returncode == 0, second.stderr
    assert "nothing to reprocess: every current version was made by reader" in second.stdout
    history = govreports("--data-dir", str(tmp_path), "versions", url)
    assert history.returncode == 0, history.stderr
    assert "origin" in history.stdout and "fetch" in history.stdout
    before = govreports("--data-dir", str(tmp_path), "metrics", "--report", url, "--extractor-version", "1.0.0")
    assert before.returncode == 0, before.stderr
    assert "0 metrics" in before.stdout  # what the old extraction said: nothing
    now = govreports("--data-dir", str(tmp_path), "metrics", "--report", url)
    assert "0 metrics" not in now.stdout
