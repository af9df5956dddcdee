"""A fetched page processed after a later fetch of its report was (its process message lost and sent
again by beat's sweep, or delivered late) is superseded: it stores no version, so the report's
versions never go back to older content, by the batch path and by the single-page path alike."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from pipelines.store.models import FetchEvent, Report
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from workers import runtime, steps, tasks

PORTAL = "demo-yangjiang"
EDIT = "本报告于发布后修订，新增办理事项128项。"


def process(event_id: int) -> None:
    result = tasks.process_pages.apply(args=([event_id],))
    assert result.successful(), result.traceback


def batch_write_fails(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("a constraint one page breaks")


@pytest.mark.parametrize("one_by_one", [False, True], ids=["batch write", "page by page"])
def test_a_page_fetched_before_the_latest_stored_version_stores_nothing(
    one_by_one: bool,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    demo_site: DemoSite,
    demo_server: DemoServer,
    make_runtime: RuntimeFactory,
) -> None:
    rt = make_runtime(database_url, demo_server.base_url)
    tasks.crawl_portal.apply(args=(PORTAL,), kwargs={"follow": False})
    with rt.sessions() as session:
        report = session.scalars(select(Report).where(Report.url.endswith("post_1001.html"))).one()
    older = steps.fetch(rt, report, rt.registry.get(PORTAL))
    demo_site.edit("yj", 1001, EDIT)
    newer = steps.fetch(rt, report, rt.registry.get(PORTAL))
    assert older is not None and newer is not None
    if one_by_one:  # the batch's write failed: its pages are stored one by one (ingestion.store_processed)
        monkeypatch.setattr(steps, "store_pages", batch_write_fails)
    process(newer)

    process(older)  # late: the newer page is stored already

    with runtime.current().sessions() as session:
        stored = session.get_one(Report, report.id)
        assert ["128" in v.clean_text for v in stored.versions] == [True]  # the edit, in either script
        assert session.scalar(select(FetchEvent.body_z).where(FetchEvent.id == older)) is None  # not sent again
