"""Issue 13, parts 5 and 6: a crawl says what it did, and every command runs on any database.

Real components only: the `govreports` command in a subprocess, the demo portal on 127.0.0.1,
SQLite in tmp_path. A portal that cannot be reached is a registry entry on a closed local port;
a missing PostgreSQL driver is a `psycopg` on PYTHONPATH that fails to import.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from scrapers.registry import default_registry_path
from seeds.demo import DemoServer, DemoSite

REPORT = Path(__file__).resolve().parent.parent / "seeds" / "demo" / "reports" / "002_77e5e177b521e10d.txt"
EXTRA = "pip install 'govreports[postgres]'"


def govreports(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from workers.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound once, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def registry(path: Path, *extra: dict[str, object]) -> Path:
    """The bundled demo-yangjiang entry, and `extra` entries, as a registry file."""
    bundled = yaml.safe_load(default_registry_path().read_text(encoding="utf-8"))["portals"]
    entries = [p for p in bundled if p["slug"] == "demo-yangjiang"] + list(extra)
    path.write_text(yaml.safe_dump({"portals": entries}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def crawl_env(tmp_path: Path, demo_server: DemoServer) -> dict[str, str]:
    """Environment of a crawl of the demo portal: fast retries, no stray database."""
    return {
        "GOVREPORTS_DEMO_BASE_URL": demo_server.base_url,
        "GOVREPORTS_REGISTRY_PATH": str(registry(tmp_path / "portals.yaml")),
        "GOVREPORTS_DATA_DIR": str(tmp_path / "unused"),
        "GOVREPORTS_MAX_RETRIES": "1",
    }


def test_a_crawl_of_an_unreachable_portal_exits_1_naming_the_portal_and_its_url(
    tmp_path: Path, crawl_env: dict[str, str]
) -> None:
    seed = f"http://127.0.0.1:{closed_port()}/zwgk/index.html"
    closed = {
        "slug": "closed-portal",
        "name": "关闭的门户",
        "seeds": [seed],
        "private_networks": ["127.0.0.0/8"],
        "rate_limit_per_second": 1000,
        "needs_network": False,
    }
    env = {**crawl_env, "GOVREPORTS_REGISTRY_PATH": str(registry(tmp_path / "two.yaml", closed))}
    run = govreports("--data-dir", str(tmp_path / "db"), "crawl", env=env)
    assert run.returncode == 1, run.stdout + run.stderr
    [reason] = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert "portal closed-portal could not be reached" in reason and seed in reason
    assert "Traceback" not in run.stderr
    # The reachable portal's work is still done and said; the unreachable one is a failure, not "no change".
    assert "5 new versions stored" in run.stdout and "1 failed" in run.stdout
    assert "nothing changed upstream" not in run.stdout
    assert f"closed-portal: 1 failed; first: {seed}" in run.stdout


def test_a_crawl_inside_the_revisit_window_says_not_due_yet_and_when(
    tmp_path: Path, crawl_env: dict[str, str], demo_site: DemoSite
) -> None:
    data = ("--data-dir", str(tmp_path / "db"))
    first_at = datetime.now(UTC)
    first = govreports(*data, "crawl", "demo-yangjiang", env=crawl_env)
    assert first.returncode == 0, first.stderr
    assert "5 new versions stored" in first.stdout
    demo_site.edit("yj", 1001, "全年网上办理率提升至98.7%。")  # edited upstream, inside the revisit window

    second = govreports(*data, "crawl", "demo-yangjiang", env=crawl_env)
    assert second.returncode == 0, second.stderr
    found = re.search(r"demo-yangjiang: 5 not due yet \(next revisit (\d{4}-\d\d-\d\d \d\d:\d\d) UTC\)", second.stdout)
    assert found, second.stdout
    due = datetime.strptime(found[1], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert first_at + timedelta(hours=24) - timedelta(minutes=1) <= due <= datetime.now(UTC) + timedelta(hours=24)
    assert "0 new versions stored; 5 not due yet" in second.stdout
    assert "nothing changed" not in second.stdout  # it was not asked: nobody knows

    full = govreports(*data, "crawl", "--full", "demo-yangjiang", env=crawl_env)
    assert full.returncode == 0, full.stderr
    assert "1 new versions stored (1 changed upstream); 4 not modified" in full.stdout


def test_data_dir_and_database_url_choose_the_database_of_any_command_over_the_environment(
    tmp_path: Path, crawl_env: dict[str, str]
) -> None:
    crawled = tmp_path / "crawled"
    assert govreports("--data-dir", str(crawled), "crawl", "demo-yangjiang", env=crawl_env).returncode == 0
    assert (crawled / "govreports.sqlite3").is_file()
    elsewhere = {"GOVREPORTS_DATABASE_URL": f"sqlite:///{tmp_path / 'elsewhere' / 'other.sqlite3'}"}
    assert "0 reports" in govreports("reports", env=elsewhere).stdout
    for option in (
        ("--data-dir", str(crawled)),
        ("--database-url", f"sqlite:///{crawled / 'govreports.sqlite3'}"),
    ):
        run = govreports(*option, "reports", "--portal", "demo-yangjiang", env=elsewhere)
        assert run.returncode == 0, run.stderr
        assert "5 reports" in run.stdout, option


@pytest.fixture
def without_psycopg(tmp_path: Path) -> dict[str, str]:
    """An environment where `import psycopg` fails, as when the postgres extra is not installed."""
    shim = tmp_path / "shim" / "psycopg"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text('raise ImportError("psycopg hidden by the test")\n', encoding="utf-8")
    path = os.pathsep.join(p for p in (str(shim.parent), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "GOVREPORTS_DATA_DIR": str(tmp_path / "unused")}


@pytest.mark.parametrize("url", ["postgresql://nobody@127.0.0.1:9/x", "postgresql+psycopg://nobody@127.0.0.1:9/x"])
@pytest.mark.parametrize("command", ["reports", "db upgrade", "status"])
def test_a_postgres_url_without_the_driver_is_one_line_naming_the_postgres_extra(
    without_psycopg: dict[str, str], url: str, command: str
) -> None:
    run = govreports("--database-url", url, *command.split(), env={**without_psycopg, "COLUMNS": "80"})
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.strip().count("\n") == 0 and EXTRA in run.stderr, run.stderr  # one line, even 80 wide
    from_env = govreports(*command.split(), env={**without_psycopg, "GOVREPORTS_DATABASE_URL": url})
    assert from_env.returncode == 2 and EXTRA in from_env.stderr, from_env.stderr


def test_commands_without_a_database_run_with_a_postgres_url_and_no_driver(without_psycopg: dict[str, str]) -> None:
    run = govreports("--database-url", "postgresql://nobody@127.0.0.1:9/x", "clean", str(REPORT), env=without_psycopg)
    assert run.returncode == 0, run.stderr
    assert "花都区政务服务数据管理局" in run.stdout
    helped = govreports("--database-url", "postgresql://nobody@127.0.0.1:9/x", "reports", "--help", env=without_psycopg)
    assert helped.returncode == 0 and "Example:" in helped.stdout, helped.stderr
