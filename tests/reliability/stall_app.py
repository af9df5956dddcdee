"""The govreports Celery app with fault hooks, for worker processes the fault tests start.

GOVREPORTS_TEST_STALL=prerun|postrun: the first processing task (process_pages or process_report) stalls (before it runs, or after
it committed but before the ack) and writes its pid to GOVREPORTS_TEST_STALL_MARK, so the test
can kill it there. GOVREPORTS_TEST_POISON=TEXT: pages containing TEXT crash the article parser.
GOVREPORTS_TEST_BROKEN_PUBLISH=K: every K-th task a process sends fails to publish with the
AttributeError kombu 5.7 raises on a channel a Redis reconnect closed.
GOVREPORTS_TEST_FAILURE_LEDGER=FILE: every failure a task recorded is appended to FILE as a JSON
line, once `record` returned (so the failure is in fetch_events or kept for it).
GOVREPORTS_TEST_DIE_AFTER_FAILURES=K: a pool process SIGKILLs itself right after recording its
K-th failure (what a recycled or killed process leaves behind). GOVREPORTS_TEST_DIE_IN_FLUSH=1:
once in the whole run (a mark file beside the ledger), the process flushing kept failures at the
end of a task SIGKILLs itself right after one of them was written, before it left the Redis list;
a failure recorded then is written without the flush that would otherwise follow it.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from celery.signals import task_postrun, task_prerun

import workers.tasks  # registers the tasks
from workers import steps
from workers.app import app

__all__ = ["app"]

_STALL = os.environ.get("GOVREPORTS_TEST_STALL", "")
_MARK = Path(os.environ.get("GOVREPORTS_TEST_STALL_MARK", "/nonexistent/mark"))
_POISON = os.environ.get("GOVREPORTS_TEST_POISON", "")
_BROKEN_PUBLISH = int(os.environ.get("GOVREPORTS_TEST_BROKEN_PUBLISH", "0"))
_LEDGER = os.environ.get("GOVREPORTS_TEST_FAILURE_LEDGER", "")
_DIE_AFTER_FAILURES = int(os.environ.get("GOVREPORTS_TEST_DIE_AFTER_FAILURES", "0"))
_DIE_IN_FLUSH = os.environ.get("GOVREPORTS_TEST_DIE_IN_FLUSH", "") == "1"


def _stall_once(stage: str, task: Any) -> None:
    processing = getattr(task, "name", "") in ("govreports.process_pages", "govreports.process_report")
    if stage == _STALL and processing and not _MARK.exists():
        _MARK.write_text(str(os.getpid()))
        time.sleep(600)


@task_prerun.connect
def _before(task: Any = None, **_: Any) -> None:
    _stall_once("prerun", task)


@task_postrun.connect
def _after(task: Any = None, **_: Any) -> None:
    _stall_once("postrun", task)


if _POISON:
    _parse = steps.extract_article

    def _crashing_parse(html: str, **kwargs: Any) -> Any:
        if _POISON in html:
            raise RecursionError("maximum recursion depth exceeded while parsing (injected poison page)")
        return _parse(html, **kwargs)

    steps.extract_article = _crashing_parse


if _BROKEN_PUBLISH:
    _send_task = app.send_task
    _sent = 0

    def _sometimes_broken_send(*args: Any, **kwargs: Any) -> Any:
        global _sent
        _sent += 1
        if _sent % _BROKEN_PUBLISH == 0:
            raise AttributeError("'NoneType' object has no attribute 'client' (injected broken publish)")
        return _send_task(*args, **kwargs)

    app.send_task = _sometimes_broken_send  # type: ignore[method-assign]


def _append_to_ledger(entry: dict[str, Any]) -> None:
    """One line in one write(2) on an O_APPEND file: lines of concurrent processes never interleave."""
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(_LEDGER, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _die(why: str) -> None:
    _append_to_ledger({"died": os.getpid(), "why": why})
    os.kill(os.getpid(), signal.SIGKILL)


if _LEDGER:
    _record = workers.tasks.record
    _recorded = 0

    def _recorded_in_ledger(*, url: str, kind: str, error: Exception, outcome: str = "failed", **where: Any) -> None:
        global _recorded
        _record(url=url, kind=kind, error=error, outcome=outcome, **where)
        text = f"{type(error).__name__}: {error.args[0] if error.args else error}"
        _append_to_ledger({"url": url, "kind": kind, "outcome": outcome, "error": text, "pid": os.getpid()})
        _recorded += 1
        if _DIE_AFTER_FAILURES and _recorded >= _DIE_AFTER_FAILURES:
            _die(f"recorded {_recorded} failures")

    workers.tasks.record = _recorded_in_ledger

    if _DIE_IN_FLUSH:
        from workers import failures

        _flush_deferred = workers.tasks.flush_deferred
        _write_kept = failures._write_kept
        _died_mark = Path(_LEDGER + ".died-in-flush")
        _in_task_flush = False

        def _flush_marked() -> None:
            global _in_task_flush
            _in_task_flush = True
            try:
                _flush_deferred()
            finally:
                _in_task_flush = False

        def _write_kept_then_die(rt: Any, raw: Any) -> failures.Written:
            outcome = _write_kept(rt, raw)
            if outcome is failures.Written.STORED and _in_task_flush and not _died_mark.exists():
                _died_mark.write_text(str(os.getpid()))
                _die("a kept failure written, not yet taken off the list")
            return outcome

        def _record_without_flush(rt: Any, failure: Any) -> None:
            """failures.record without its flush after a write: kept failures are then written only by
            the flush at the end of a task, where this fault is injected. Otherwise the first task to
            record a failure after the outage could drain them all first, and the fault never happen."""
            if failures._write(rt, failure) is failures.Written.DATABASE_AWAY:
                failures._keep(rt, failure)

        workers.tasks.flush_deferred = _flush_marked
        failures._write_kept = _write_kept_then_die
        failures.record = _record_without_flush
