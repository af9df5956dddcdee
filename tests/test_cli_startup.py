"""`extract` and `clean` read a file and print: they load no database, broker or HTTP library.

Speed itself is measured by bench/startup.py; what is pinned here is the cause of slowness, which can
fail deterministically: one top-level import in workers/cli.py brings SQLAlchemy back.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "sqlalchemy",
    "alembic",
    "celery",
    "kombu",
    "httpx",
    "redis",
    "pydantic_settings",
    "structlog",
    "fastapi",
    "typer",
    "rich",
    "pydantic",
)
PROBE = (
    "import sys\n"
    "from workers.entry import main\n"
    "sys.argv = ['govreports', *sys.argv[1:]]\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
    f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
)


def loaded_by(*command: str) -> str:
    run = subprocess.run([sys.executable, "-c", PROBE, *command], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stderr.strip().splitlines()[-1]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text("2023年，全区政务服务事项网上可办率达99.8%。\n", encoding="utf-8")
    return path


def test_extract_loads_no_database_broker_or_http_library(report: Path) -> None:
    assert loaded_by("extract", str(report), "--format", "jsonl") == "[]"


def test_clean_loads_no_database_broker_or_http_library(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>2023年工作总结</h1><p>全年办理事项1200项。</p></body></html>", encoding="utf-8")
    assert loaded_by("clean", str(page)) == "[]"


def test_a_database_command_still_loads_what_it_needs(tmp_path: Path) -> None:
    assert "sqlalchemy" in loaded_by("--data-dir", str(tmp_path), "reports")
