"""bench/load.py and bench/soak.py still run end to end, at their smallest, with every verdict ok.

Real `celery worker` processes on the test Redis and PostgreSQL servers (databases of their own,
named after the test database: `<test db>_bench_load`, `<test db>_bench_soak`). About 10 s and 25 s.
"""

from __future__ import annotations

import re

import pytest

from bench import load, soak
from tests.conftest import POSTGRES_URL, REDIS_URL, require_server

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def servers() -> tuple[str, str]:
    require_server(POSTGRES_URL, 5432, "PostgreSQL")
    require_server(REDIS_URL, 6379, "Redis")
    return POSTGRES_URL, REDIS_URL


def verdicts(out: str) -> dict[str, str]:
    return dict(re.findall(r"^([a-zA-Z ]+): (ok|FAILED|too short to judge)$", out, re.MULTILINE))


def test_load_bench_holds_every_hosts_politeness(servers: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    postgres, broker = servers
    argv = ["--portals", "3", "--reports", "3", "--workers", "2", "--concurrency", "2", "--delay", "0.1"]
    code = load.main([*argv, "--postgres", postgres + "_bench_load", "--redis", broker, "--timeout", "120"])

    out = capsys.readouterr().out
    assert verdicts(out) == {"rate held": "ok", "cap held": "ok", "no portal starved": "ok", "nothing lost": "ok"}, out
    assert code == 0
    assert "9 / 9" in out  # versions / reports


def test_soak_bench_counts_exactly_the_edits(servers: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    postgres, broker = servers
    argv = ["--minutes", "0.25", "--interval", "5", "--portals", "2", "--reports", "5", "--edits", "3"]
    code = soak.main([*argv, "--postgres", postgres + "_bench_soak", "--redis", broker])

    out = capsys.readouterr().out
    assert verdicts(out) == {
        "RSS flat": "too short to judge",  # 15 s: no slope worth judging
        "connections flat": "ok",
        "versions exact": "ok",
        "nothing lost": "ok",
    }, out
    assert code == 0
    assert "versions 19 = 10 initial + 9 edits" in out  # rounds at 0, 5, 10 and 15 s; edits after the first three
