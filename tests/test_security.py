"""What SECURITY.md promises about the repository itself."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.helpers import versions
from workers import runtime

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


def test_messages_sent_to_the_broker_carry_ids_and_urls_never_page_text(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    """A crawl through a broker (kombu's in-memory transport): every message is read back off its queue
    as a worker gets it, run, and searched for the text of every page of the portal."""
    from workers import tasks
    from workers.app import app

    make_runtime(sqlite_url, demo_server.base_url, broker_url="memory://localhost/")
    sent: list[tuple[str, str]] = []  # (task name, the message as the worker decodes it)
    assert app.conf.broker_url.startswith("memory://")  # read first: a setting made before Celery loads is dropped
    app.conf.task_always_eager = False  # tasks publish messages instead of running in-process
    try:
        with app.connection_for_read() as conn:
            queues = [conn.SimpleQueue(name, no_ack=True) for name in ("crawl", "process")]
            tasks.crawl_portal.apply_async(("demo-yangjiang",))
            while waiting := [q for q in queues if q.qsize()]:
                message = waiting[0].get(block=False)
                name = message.headers["task"]
                args, kwargs, _ = message.decode()
                sent.append((name, json.dumps([message.headers, args, kwargs], ensure_ascii=False)))
                app.tasks[name].apply(args, kwargs, retries=message.headers.get("retries", 0))
            for q in queues:
                q.close()
    finally:
        app.conf.task_always_eager = True
    articles = demo_site.portals["yj"].articles
    assert versions(runtime.current()) == len(articles), "every message was run: the crawl is complete"
    assert {name for name, _ in sent} >= {"govreports.fetch_reports", "govreports.process_pages"}
    page_text = [line for article in articles for line in (article.title, *article.body_lines) if len(line) >= 8]
    assert [(name, line) for name, message in sent for line in page_text if line in message] == []
    assert max(len(message.encode("utf-8")) for _, message in sent) < 4096


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
