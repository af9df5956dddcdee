"""An in-process run cut short (Ctrl-C, a crash) leaves reports listed and never fetched, or fetched and
never processed. The next run's incremental walk stops at the first page of known links, so it would
not list them again before a full crawl: it fetches and processes them all the same."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy import func, select

from pipelines.store.models import FetchEvent, Report
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from workers import steps, tasks
from workers.ingest import run_in_process

PORTAL = "demo-heyuan"


def test_a_run_fetches_the_reports_an_earlier_run_listed_and_never_fetched(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    assert demo_site.portals["hy"].page_count >= 2  # reports beyond the page the next walk stops at
    rt = make_runtime(sqlite_url, demo_server.base_url)
    tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False})  # listed, then the run was cut short

    run = run_in_process(rt, [PORTAL], Console(file=io.StringIO()))

    with rt.sessions() as session:
        listed = session.scalar(select(func.count(Report.id)))
        unstored = session.scalar(select(func.count(Report.id)).where(Report.current_version == 0))
    assert (unstored, len(run.portals[0].asked)) == (0, listed)


def test_a_run_processes_the_pages_an_earlier_run_fetched_and_never_processed(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url)
    tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False})
    with rt.sessions() as session:
        reports = session.scalars(select(Report).order_by(Report.id)).all()
    for report in reports:  # every page fetched, then the run was cut short before processing them
        steps.fetch(rt, report, rt.registry.get(PORTAL))

    run_in_process(rt, [PORTAL], Console(file=io.StringIO()))

    with rt.sessions() as session:
        unstored = session.scalar(select(func.count(Report.id)).where(Report.current_version == 0))
        waiting = session.scalar(select(func.count(FetchEvent.id)).where(FetchEvent.body_z.is_not(None)))
    assert (unstored, waiting) == (0, 0)
