"""Helpers of the runtime tests (tests/test_runtime_*.py): real Redis databases, a dedicated PostgreSQL
database, and `celery worker` / `govreports` processes started in their own session and always reaped.

Redis databases 10–14 are the runtime tests' own (others use 15); PostgreSQL databases are named
govreports_test_runtime* (govreports_test belongs to the store tests).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import redis
import sqlalchemy as sa
import yaml

from pipelines.store import migrate
from tests.conftest import POSTGRES_URL, REDIS_URL, require_server


def with_scripts_on_path(env: Mapping[str, str]) -> dict[str, str]:
    """`env` with this interpreter's scripts (celery, govreports) first on PATH, activated or not."""
    scripts = str(Path(sys.executable).parent)
    return {**env, "PATH": os.pathsep.join([scripts, env.get("PATH", os.defpath)])}


def script(name: str) -> str:
    """The path of an installed console script of this interpreter (`govreports`, `celery`)."""
    path = shutil.which(name, path=with_scripts_on_path(os.environ)["PATH"])
    assert path, f"{name} is installed with govreports (pip install -e .)"
    return path


def redis_db(n: int) -> str:
    """Redis database `n` on the test server, emptied."""
    assert 10 <= n <= 14, "the runtime tests use Redis databases 10-14"
    require_server(REDIS_URL, 6379, "Redis")
    url = f"{REDIS_URL.rsplit('/', 1)[0]}/{n}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


def postgres_db(name: str, *, migrated: bool = True) -> str:
    """A PostgreSQL database `name` beside the test one, emptied and (unless not `migrated`) at head."""
    require_server(POSTGRES_URL, 5432, "PostgreSQL")
    base = POSTGRES_URL.rsplit("/", 1)[0]
    admin = sa.create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{base}/{name}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    if migrated:
        migrate.upgrade(url)
    return url


def scalar(url: str, sql: str) -> object:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text(sql))
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(predicate: Callable[[], object], seconds: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return bool(predicate())


def demo_registry(path: Path, *, rate_limit_per_second: float | None = None, max_list_pages: int = 20) -> Path:
    """The bundled registry's demo portals, with the given per-portal rate (None: the global one)."""
    from scrapers.registry import default_registry_path

    data = yaml.safe_load(default_registry_path().read_text(encoding="utf-8"))
    portals = [p for p in data["portals"] if str(p["seeds"][0]).startswith("{demo}")]
    for portal in portals:
        portal["max_list_pages"] = max_list_pages
        portal.pop("rate_limit_per_second", None)
        if rate_limit_per_second is not None:
            portal["rate_limit_per_second"] = rate_limit_per_second
    path.write_text(yaml.safe_dump({"portals": portals}, allow_unicode=True), encoding="utf-8")
    return path


class Process:
    """A child process in its own session (so its pool children go with it), output to a log file."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], log: Path, cwd: Path | None = None) -> None:
        self.argv = list(argv)
        self.log_path = log
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            env=dict(env),
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def kill9(self) -> None:
        """SIGKILL the process and its children at once, as a machine failure would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                self.process.wait()
        self._log.close()

    def wait(self, timeout: float) -> int:
        code = self.process.wait(timeout=timeout)
        self._log.close()
        return code

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def celery_worker(
    env: Mapping[str, str], log: Path, *, name: str, queues: str = "crawl,process", concurrency: int = 1
) -> Process:
    return Process(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workers.app",
            "worker",
            "-Q",
            queues,
            "-n",
            f"{name}@%h",
            "-c",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        env,
        log,
    )


def ping(broker_url: str, timeout: float = 2.0) -> list[str]:
    """Names of the workers answering `celery inspect ping` on `broker_url`."""
    from celery import Celery

    client = Celery(broker=broker_url, set_as_current=False)
    try:
        replies = client.control.inspect(timeout=timeout).ping() or {}
    finally:
        client.close()
    return sorted(replies)


def redis_host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 6379
