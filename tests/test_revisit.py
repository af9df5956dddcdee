"""The adaptive revisit: each report's interval grows while it stays the same and shrinks when it is edited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from pipelines.store.models import Report
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.helpers import crawl_demo
from workers import revisit
from workers.config import Settings


def test_an_unchanged_visit_lengthens_the_interval_and_an_edit_shortens_it() -> None:
    settings = Settings(revisit_after_hours=24)
    assert revisit.after_visit(settings, None, changed=False) == pytest.approx(24 * revisit.GROW)
    assert revisit.after_visit(settings, 10.0, changed=True) == pytest.approx(10 * revisit.SHRINK)


def test_the_interval_stays_within_its_bounds() -> None:
    settings = Settings(revisit_after_hours=24, revisit_min_hours=2, revisit_max_hours=48)
    assert revisit.after_visit(settings, 2.0, changed=True) == 2
    assert revisit.after_visit(settings, 47.0, changed=False) == 48


def test_a_setting_of_zero_hours_refetches_every_crawl_and_adapts_nothing() -> None:
    settings = Settings(revisit_after_hours=0)
    assert revisit.interval(settings, 30.0) == 0
    assert revisit.after_visit(settings, 30.0, changed=False) is None


def _age_every_fetch(rt_sessions, hours: float) -> None:  # type: ignore[no-untyped-def]
    with rt_sessions() as session, session.begin():
        for report in session.scalars(select(Report)):
            session.execute(
                update(Report)
                .where(Report.id == report.id)
                .values(last_fetched_at=report.last_fetched_at - timedelta(hours=hours))
            )


def test_a_revisit_adapts_each_reports_interval_to_what_it_found(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, revisit_after_hours=24)
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        assert {r.revisit_hours for r in session.scalars(select(Report))} == {None}  # first visits: no evidence
    demo_site.edit("yj", 1001, "全年网上办理率提升至98.7%。")
    _age_every_fetch(rt.sessions, 25)
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        hours = {r.url.rsplit("/", 1)[-1]: r.revisit_hours for r in session.scalars(select(Report))}
    assert hours.pop("post_1001.html") == pytest.approx(24 * revisit.SHRINK)  # edited: asked sooner
    assert hours and all(h == pytest.approx(24 * revisit.GROW) for h in hours.values())  # unchanged: asked later
