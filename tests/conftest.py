"""Shared fixtures: the demo portal on 127.0.0.1, databases (SQLite and PostgreSQL), runtimes.

PostgreSQL and Redis are real servers. Locally, a suite whose server is unreachable is skipped;
under CI (CI=true) it fails instead, so a green CI run always means the suite ran.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from pipelines.store import migrate
from pipelines.store.models import Base
from seeds.demo import DemoServer, DemoSite, build_demo_site, serve
from workers import runtime
from workers.app import configure
from workers.config import Settings

POSTGRES_URL = os.environ.get(
    "GOVREPORTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/govreports_test"
)
REDIS_URL = os.environ.get("GOVREPORTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_sessionstart(session: pytest.Session) -> None:
    from tests.reliability.report import RESULTS

    RESULTS.unlink(missing_ok=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Rewrite docs/reliability.md when the fault tests ran (and only then)."""
    from tests.reliability import report

    report.main()


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def require_server(url: str, default_port: int, what: str) -> None:
    if not _reachable(url, default_port):
        message = f"{what} not reachable at {url}"
        if IN_CI:
            pytest.fail(message + " (CI must start it: see .ci/run)")
        pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A migrated PostgreSQL test database (created when missing)."""
    require_server(POSTGRES_URL, 5432, "PostgreSQL")
    name = urlsplit(POSTGRES_URL).path.lstrip("/")
    admin = sa.create_engine(POSTGRES_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:  # a clean slate: earlier runs may have left another schema
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(POSTGRES_URL)
    return POSTGRES_URL


def _truncate(url: str) -> None:
    engine = sa.create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on SQLite and on PostgreSQL, migrated to head and empty."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'govreports.sqlite3'}"
        migrate.upgrade(url)
        return url
    url: str = request.getfixturevalue("postgres_url")
    _truncate(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'govreports.sqlite3'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def demo_site() -> DemoSite:
    return build_demo_site()


@pytest.fixture
def demo_server(demo_site: DemoSite) -> Iterator[DemoServer]:
    with serve(demo_site) as server:
        yield server


RuntimeFactory = Callable[..., runtime.Runtime]


@pytest.fixture
def make_runtime(tmp_path: Path) -> Iterator[RuntimeFactory]:
    """Build and install an in-process (eager) runtime with test-friendly limits."""

    def build(database_url: str, demo_base_url: str | None = None, **overrides: Any) -> runtime.Runtime:
        values: dict[str, Any] = {
            "data_dir": tmp_path,
            "database_url": database_url,
            "demo_base_url": demo_base_url,
            "broker_url": None,
            "requests_per_second": 1000.0,
            "read_timeout": 1.0,
            "connect_timeout": 1.0,
            "max_retries": 1,
            "retry_backoff_max": 1,
        }
        values.update(overrides)
        settings = Settings(**values)
        configure(settings)
        rt = runtime.build_runtime(settings)
        runtime.install(rt)
        return rt

    yield build
    runtime.install(None)
