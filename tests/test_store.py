"""The versioning rule and the schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipelines.metrics import Metric
from pipelines.store import migrate
from pipelines.store.models import Report, ReportVersion
from pipelines.store.queries import upsert_portal, upsert_report, upsert_reports, without_waiting_for_disk
from pipelines.store.session import make_engine, make_sessionmaker
from pipelines.store.versioning import content_hash, raw_html_of, store_version

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
METRIC = Metric("办结率", Decimal("99.8"), "%", "exact", False, "办结率99.8%", 3, 8)


@pytest.fixture
def session(database_url: str) -> Session:
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


def new_report(session: Session, url: str = "https://x.gov.cn/t20240101_1.html") -> Report:
    portal = upsert_portal(session, slug="x-portal", name="X")
    report, _ = upsert_report(session, portal_id=portal.id, url=url)
    return report


def store(session: Session, report: Report, text: str) -> tuple[int, bool]:
    outcome = store_version(
        session,
        report,
        title="T",
        clean_text=text,
        raw_html=f"<p>{text}</p>",
        metrics=[METRIC],
        fetched_at=NOW,
        extractor_version="test",
    )
    session.commit()
    return outcome.version, outcome.created


def test_first_content_is_version_one_with_its_metrics(session: Session) -> None:
    report = new_report(session)
    assert store(session, report, "全市办结率99.8%。") == (1, True)
    version = session.scalars(select(ReportVersion)).one()
    assert [(m.name, m.value, m.unit) for m in version.metrics] == [("办结率", Decimal("99.8"), "%")]
    assert raw_html_of(version) == "<p>全市办结率99.8%。</p>"


def test_unchanged_content_gets_no_new_version_but_moves_last_seen(session: Session) -> None:
    report = new_report(session)
    store(session, report, "全市办结率99.8%。")
    seen = report.last_seen_at
    assert store(session, report, "全市办结率99.8%。") == (1, False)
    assert report.last_seen_at > seen
    assert report.current_version == 1


def test_changed_content_gets_the_next_version(session: Session) -> None:
    report = new_report(session)
    store(session, report, "全市办结率99.8%。")
    assert store(session, report, "全市办结率99.9%。") == (2, True)
    assert report.current_version == 2


def test_whitespace_reflow_is_not_an_edit() -> None:
    assert content_hash("一、总体情况\n全市办结率99.8%。") == content_hash("一、总体情况  全市办结率99.8%。 ")


def test_going_back_to_an_earlier_text_creates_nothing(session: Session) -> None:
    report = new_report(session)
    store(session, report, "甲")
    store(session, report, "乙")
    assert store(session, report, "甲") == (1, False)


def test_the_same_url_is_one_report(session: Session) -> None:
    first = new_report(session)
    second = new_report(session)
    assert first.id == second.id


def test_a_list_walk_upserts_every_link_at_once_in_listed_order(session: Session) -> None:
    portal = upsert_portal(session, slug="x-portal", name="X")
    known = new_report(session, "https://x.gov.cn/t0.html")
    links = [(f"https://x.gov.cn/t{n}.html", f"报告{n}") for n in range(1201)]  # more than two chunks
    listed = upsert_reports(session, portal_id=portal.id, links=links)
    assert [r.url for r in listed] == [url for url, _ in links]
    assert [r.created for r in listed[:2]] == [False, True]
    assert listed[0].id == known.id
    assert sum(r.created for r in listed) == 1200
    assert session.scalar(select(Report.title).where(Report.url == "https://x.gov.cn/t7.html")) == "报告7"


def test_a_second_walk_of_the_same_links_creates_nothing_and_moves_last_seen(session: Session) -> None:
    portal = upsert_portal(session, slug="x-portal", name="X")
    links = [("https://x.gov.cn/t1.html", "甲"), ("https://x.gov.cn/t2.html", "乙")]
    first = upsert_reports(session, portal_id=portal.id, links=links)
    session.commit()
    seen_before = session.scalars(select(Report.last_seen_at).order_by(Report.id)).all()
    again = upsert_reports(session, portal_id=portal.id, links=links)
    session.commit()
    assert [(r.id, r.created) for r in again] == [(r.id, False) for r in first]
    assert session.scalar(select(func.count(Report.id))) == 2
    seen_after = session.scalars(select(Report.last_seen_at).order_by(Report.id)).all()
    assert all(after > before for before, after in zip(seen_before, seen_after, strict=True))


def test_bookkeeping_transactions_skip_the_wal_flush_and_only_they_do(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        with make_sessionmaker(engine)() as session:
            with session.begin():
                without_waiting_for_disk(session)
                assert session.scalar(text("SHOW synchronous_commit")) == "off"
            with session.begin():
                assert session.scalar(text("SHOW synchronous_commit")) == "on"
    finally:
        engine.dispose()


def test_the_schema_refuses_a_duplicate_content_version(session: Session) -> None:
    report = new_report(session)
    store(session, report, "甲")
    existing = session.scalars(select(ReportVersion)).one()
    session.add(
        ReportVersion(
            report_id=report.id,
            version=2,
            content_sha256=existing.content_sha256,
            title="",
            raw_html_z=b"",
            clean_text="甲",
            fetched_at=NOW,
            extractor_version="x",
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_migrations_match_the_models(database_url: str) -> None:
    migrate.check(database_url)
