"""What SECURITY.md promises about the repository itself."""

from __future__ import annotations

import inspect
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("scrapers", "pipelines", "workers", "seeds")


def tracked_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / n for n in names.splitlines() if n]


def test_dot_env_is_ignored_by_git() -> None:
    run = subprocess.run(["git", "check-ignore", ".env"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0


def test_no_secret_is_committed() -> None:
    secret = re.compile(
        r"(-----BEGIN [A-Z ]*PRIVATE KEY-----|(?i:password|secret|token)\s*[=:]\s*['\"]?[A-Za-z0-9/+]{12,})"
    )
    offenders = []
    for path in tracked_files():
        if path.suffix in {".png", ".pdf", ".sqlite3"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:40]}" for m in secret.finditer(text)]
    assert offenders == []


def test_env_example_names_settings_without_values_for_secrets() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    secrets = [line for line in lines if re.match(r"^[A-Z_]*(PASSWORD|SECRET)[A-Z_]*=", line)]
    assert secrets and all(line.endswith("=") for line in secrets)


def test_no_sql_is_built_from_strings_in_the_source() -> None:
    built = re.compile(r"(text|execute|exec_driver_sql)\(\s*f[\"']")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in SOURCE_DIRS
        for path in (ROOT / folder).rglob("*.py")
        if built.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_task_arguments_are_ids_and_urls_never_bodies() -> None:
    from workers import tasks

    for task in (
        tasks.crawl_portal,
        tasks.fetch_reports,
        tasks.fetch_report,
        tasks.process_report,
        tasks.resend_stuck,
        tasks.reprocess,
        tasks.reprocess_versions,
    ):
        parameters = inspect.signature(task.run).parameters
        assert not {"html", "body", "text", "content"} & set(parameters), task.name


def test_flower_refuses_to_start_without_credentials() -> None:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVREPORTS_FLOWER")}
    env["GOVREPORTS_BROKER_URL"] = "redis://127.0.0.1:6379/15"
    run = subprocess.run(
        [sys.executable, "-c", "from workers.cli import main; main()", "flower"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
    )
    assert run.returncode == 2
    assert "GOVREPORTS_FLOWER_PASSWORD" in run.stderr and "never runs open" in run.stderr
