"""The govreports Celery app with fault hooks, for worker processes the fault tests start.

GOVREPORTS_TEST_STALL=prerun|postrun: the first process_report stalls (before it runs, or after
it committed but before the ack) and writes its pid to GOVREPORTS_TEST_STALL_MARK, so the test
can kill it there. GOVREPORTS_TEST_POISON=TEXT: pages containing TEXT crash the article parser.
GOVREPORTS_TEST_BROKEN_PUBLISH=K: every K-th task a process sends fails to publish with the
AttributeError kombu 5.7 raises on a channel a Redis reconnect closed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import task_postrun, task_prerun

import workers.tasks  # noqa: F401 - registers the tasks
from workers import steps
from workers.app import app

__all__ = ["app"]

_STALL = os.environ.get("GOVREPORTS_TEST_STALL", "")
_MARK = Path(os.environ.get("GOVREPORTS_TEST_STALL_MARK", "/nonexistent/mark"))
_POISON = os.environ.get("GOVREPORTS_TEST_POISON", "")
_BROKEN_PUBLISH = int(os.environ.get("GOVREPORTS_TEST_BROKEN_PUBLISH", "0"))


def _stall_once(stage: str, task: Any) -> None:
    if stage == _STALL and getattr(task, "name", "") == "govreports.process_report" and not _MARK.exists():
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
