"""Cleaning warnings (issue 12, "say when unsure"): stored on the version, shown by `reports`,
`status` and the crawl summary, added to existing databases by migration 0004."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipelines.metrics import Metric
from pipelines.store import migrate
from pipelines.store.models import Report, ReportVersion, utcnow
from pipelines.store.queries import report_summaries, upsert_portal, upsert_report
from pipelines.store.session import make_engine, make_sessionmaker
from pipelines.store.versioning import store_version
from seeds.demo import DemoServer
from tests.conftest import RuntimeFactory
from tests.runtime_processes import postgres_db
from workers import steps
from workers.config import Settings
from workers.ingest import CrawlRun, PortalRun, run_in_process
from workers.status import gather

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
METRIC = Metric("办结率", Decimal("99.8"), "%", "exact", False, "办结率99.8%", 3, 8)
MENU_WARNINGS = ("mostly link text", "no sentence punctuation")
DOUBTFUL_URL = "https://x.gov.cn/menu.html"
CLEAN_URL = "https://x.gov.cn/t20240101_1.html"
FIXED_URL = "https://x.gov.cn/t20240101_2.html"


def govreports(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, without a broker, wide enough that table cells do not fold."""
    base = {k: v for k, v in os.environ.items() if k not in ("GOVREPORTS_BROKER_URL", "GOVREPORTS_REDIS_URL")}
    return subprocess.run(
        [sys.executable, "-c", "from workers.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, "COLUMNS": "250", **env},
    )


def store(session: Session, report: Report, text: str, warnings: tuple[str, ...] = ()) -> tuple[int, bool]:
    outcome = store_version(
        session,
        report,
        title="T",
        clean_text=text,
        raw_html=f"<p>{text}</p>",
        metrics=[METRIC],
        fetched_at=NOW,
        extractor_version="test",
        cleaning_warnings=warnings,
    )
    session.commit()
    return outcome.version, outcome.created


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


def new_report(session: Session, url: str) -> Report:
    portal = upsert_portal(session, slug="x-portal", name="X")
    report, _ = upsert_report(session, portal_id=portal.id, url=url)
    return report


def three_reports(session: Session) -> None:
    """One report whose current version has warnings, one clean, one whose warned version was replaced."""
    store(session, new_report(session, DOUBTFUL_URL), "首页 政务公开 新闻动态 通知公告", MENU_WARNINGS)
    store(session, new_report(session, CLEAN_URL), "全市办结率99.8%。")
    fixed = new_report(session, FIXED_URL)
    store(session, fixed, "当前位置 首页 工作报告", ("very short against the page's text",))
    store(session, fixed, "全市办结率99.9%，按时办结。")


def test_a_version_keeps_its_warnings_and_an_unchanged_text_makes_none(session: Session) -> None:
    report = new_report(session, DOUBTFUL_URL)
    assert store(session, report, "首页 政务公开 新闻动态", MENU_WARNINGS) == (1, True)
    # The same text again, read with other warnings (or none): still no new version, warnings kept.
    assert store(session, report, "首页  政务公开\n新闻动态", ("body repeated in the page",)) == (1, False)
    assert store(session, report, "首页 政务公开 新闻动态") == (1, False)
    assert store(session, report, "全市办结率99.8%。") == (2, True)
    session.expire_all()
    stored = {v.version: v.cleaning_warnings for v in session.scalars(select(ReportVersion))}
    assert stored == {1: list(MENU_WARNINGS), 2: None}
    assert [s.warnings for s in report_summaries(session)] == [()]


def test_reports_shows_the_current_versions_warnings(database_url: str, session: Session) -> None:
    three_reports(session)
    assert {s.url: s.warnings for s in report_summaries(session)} == {
        DOUBTFUL_URL: MENU_WARNINGS,
        CLEAN_URL: (),
        FIXED_URL: (),
    }
    session.close()  # end the read transaction: SQLite's IMMEDIATE transactions would lock the CLI out
    run = govreports("reports", env={"GOVREPORTS_DATABASE_URL": database_url})
    assert run.returncode == 0, run.stderr
    [doubtful] = [line for line in run.stdout.splitlines() if DOUBTFUL_URL in line]
    assert "mostly link text (+1 more)" in doubtful
    assert "warnings" in run.stdout  # the column header
    assert "1 with cleaning warnings" in run.stdout
    for url in (CLEAN_URL, FIXED_URL):
        [line] = [line for line in run.stdout.splitlines() if url in line]
        assert "very short" not in line and "link text" not in line


def test_status_counts_and_lists_current_versions_with_warnings(database_url: str, session: Session) -> None:
    three_reports(session)
    session.close()
    state = gather(Settings(database_url=database_url, broker_url=None))
    assert state.database_problem is None
    assert state.warned == 1  # the replaced version's warnings no longer count
    assert [(w.portal, w.url, w.version, w.warnings) for w in state.latest_warned] == [
        ("x-portal", DOUBTFUL_URL, 1, MENU_WARNINGS)
    ]
    run = govreports("status", env={"GOVREPORTS_DATABASE_URL": database_url})
    assert run.returncode == 0, run.stderr
    assert "reports whose current version has cleaning warnings: 1" in run.stdout
    [listed] = [line for line in run.stdout.splitlines() if DOUBTFUL_URL in line]
    assert "mostly link text; no sentence punctuation" in listed
    assert FIXED_URL not in run.stdout


def test_status_lists_the_latest_warned_first_and_at_most_as_many_as_asked(database_url: str, session: Session) -> None:
    for n in range(4):
        store(session, new_report(session, f"https://x.gov.cn/menu{n}.html"), f"菜单{n}", (f"warning {n}",))
    session.close()
    state = gather(Settings(database_url=database_url, broker_url=None), warned=2)
    assert state.warned == 4
    assert [w.url for w in state.latest_warned] == ["https://x.gov.cn/menu3.html", "https://x.gov.cn/menu2.html"]


def test_the_crawl_summary_counts_pages_stored_with_warnings(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    from workers.cli import _print_summary, out

    rt = make_runtime(sqlite_url, demo_server.base_url)
    slugs = ["demo-yangjiang"]
    run = run_in_process(rt, slugs, Console(file=io.StringIO()))
    with out.capture() as clean_crawl:
        _print_summary(rt, run)
    assert "new versions stored" in clean_crawl.get()
    assert "cleaning warnings" not in clean_crawl.get()  # the demo portal's pages are clean

    since = utcnow()
    with rt.transaction() as s:
        reports = s.scalars(select(Report).order_by(Report.id)).all()
        for report, warned in zip(reports[:3], (True, True, False), strict=True):
            store_version(
                s,
                report,
                title=report.title,
                clean_text=f"改版后的页面 {report.id}",
                raw_html="<p>改版</p>",
                metrics=[],
                fetched_at=since,
                extractor_version="test",
                cleaning_warnings=MENU_WARNINGS if warned else (),
            )
    with out.capture() as captured:
        _print_summary(rt, CrawlRun(since, [PortalRun(slug) for slug in slugs]))
    text = captured.get()
    assert "3 new versions stored" in text
    assert "2 stored with cleaning warnings: check with govreports reports" in text


@pytest.fixture(params=["sqlite", "postgres"])
def database_at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database at the revision before 0004, holding one report with one version."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = postgres_db("govreports_test_migration_0004", migrated=False)
    migrate.upgrade(url, "0003")
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    with engine.begin() as conn:
        portals, reports, versions = (
            sa.Table(n, meta, autoload_with=conn) for n in ("portals", "reports", "report_versions")
        )
        assert "cleaning_warnings" not in versions.c
        portal_id = conn.execute(
            portals.insert().values(slug="old", name="Old", region="", agency="").returning(portals.c.id)
        ).scalar_one()
        report_id = conn.execute(
            reports.insert()
            .values(
                portal_id=portal_id,
                url=CLEAN_URL,
                title="旧报告",
                first_seen_at=NOW,
                last_seen_at=NOW,
                current_version=1,
            )
            .returning(reports.c.id)
        ).scalar_one()
        conn.execute(
            versions.insert().values(
                report_id=report_id,
                version=1,
                content_sha256="0" * 64,
                title="旧报告",
                raw_html_z=b"x",
                clean_text="全市办结率99.8%。",
                fetched_at=NOW,
                created_at=NOW,
                extractor_version="old",
            )
        )
    engine.dispose()
    return url


def _version_columns(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return {c["name"] for c in sa.inspect(engine).get_columns("report_versions")}
    finally:
        engine.dispose()


def test_db_upgrade_adds_the_column_to_an_existing_database(database_at_0003: str) -> None:
    url = database_at_0003
    env = {"GOVREPORTS_DATABASE_URL": url}
    run = govreports("db", "upgrade", env=env)
    assert run.returncode == 0, run.stderr
    assert "cleaning_warnings" in _version_columns(url)
    migrate.check(url)  # the models and the migrated schema agree
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        old = s.scalars(select(ReportVersion)).one()
        assert old.cleaning_warnings is None  # stored before the reader checked: no warning recorded
        store(s, old.report, "首页 政务公开", MENU_WARNINGS)
        assert [w.warnings for w in report_summaries(s)] == [MENU_WARNINGS]
    engine.dispose()
    listed = govreports("reports", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "mostly link text (+1 more)" in listed.stdout
    command.downgrade(migrate.alembic_config(url), "0003")
    assert "cleaning_warnings" not in _version_columns(url)


def test_status_on_a_database_behind_the_code_says_to_upgrade(database_at_0003: str, tmp_path: Path) -> None:
    run = govreports("status", env={"GOVREPORTS_DATABASE_URL": database_at_0003})
    assert run.returncode == 1
    assert "database schema is older than this govreports: run `govreports db upgrade`" in run.stdout
    assert "Traceback" not in run.stderr


# A page whose only text is one menu of many short links (over 300 characters), no sentence anywhere.
MENU_ITEMS = [
    "首页",
    "政务公开",
    "政府信息公开",
    "信息公开指南",
    "信息公开目录",
    "信息公开年报",
    "依申请公开",
    "政策文件",
    "政策解读",
    "新闻动态",
    "通知公告",
    "部门动态",
    "图片新闻",
    "视频新闻",
    "办事服务",
    "个人办事",
    "法人办事",
    "便民服务",
    "互动交流",
    "领导信箱",
    "在线访谈",
    "征集调查",
    "数据开放",
    "专题专栏",
    "机构设置",
    "领导之窗",
    "工作报告",
    "规划计划",
    "财政预决算",
    "人事信息",
    "统计信息",
    "应急管理",
    "简",
    "繁",
    "EN",
    "个人中心",
    "无障碍",
    "长者模式",
    "网站地图",
    "联系我们",
]
MENU_PAGE = (
    "<html><head><meta charset='utf-8'><title>某某市人民政府门户网站</title></head><body><div class='menu'><ul>"
    + "".join(
        f"<li><a href='/col/{n}{i}/index.html'>{item}</a></li>" for n in range(3) for i, item in enumerate(MENU_ITEMS)
    )
    + "</ul></div></body></html>"
).encode("utf-8")


class _MenuHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path != "/menu.html":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(MENU_PAGE)))
        self.end_headers()
        self.wfile.write(MENU_PAGE)


@pytest.fixture
def menu_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MenuHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_fetched_page_whose_body_is_a_menu_is_stored_with_warnings(
    sqlite_url: str, menu_server: str, make_runtime: RuntimeFactory, tmp_path: Path
) -> None:
    registry = tmp_path / "portals.yaml"
    registry.write_text(
        "portals:\n"
        "  - slug: menu-portal\n"
        "    name: 菜单门户\n"
        f'    seeds: ["{menu_server}/index.html"]\n'
        '    allowed_hosts: ["127.0.0.1"]\n'
        '    private_networks: ["127.0.0.0/8"]\n'
        "    rate_limit_per_second: 1000\n",
        encoding="utf-8",
    )
    rt = make_runtime(sqlite_url, registry_path=registry)
    with rt.transaction() as s:
        portal_id = upsert_portal(s, slug="menu-portal", name="菜单门户").id
        report_id = upsert_report(s, portal_id=portal_id, url=f"{menu_server}/menu.html")[0].id
    with rt.sessions() as s:
        report = s.get_one(Report, report_id)
    event_id = steps.fetch(rt, report, rt.registry.get("menu-portal"))
    assert event_id is not None
    outcome = steps.process(rt, event_id)
    assert outcome.created, outcome.reason  # the page is still stored, with its warnings
    with rt.sessions() as s:
        version = s.scalars(select(ReportVersion).where(ReportVersion.report_id == report_id)).one()
        assert version.cleaning_warnings, version.clean_text[:200]
