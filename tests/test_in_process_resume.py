"""An in-process run cut short (Ctrl-C, a crash) after listing a portal leaves reports listed and never
fetched. The next run's incremental walk stops at the first page of known links, so it would not list
them again before a full crawl: it fetches them all the same."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy import func, select

from pipelines.store.models import Report
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from workers import tasks
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
