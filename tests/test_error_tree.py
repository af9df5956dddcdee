"""One exception tree: every exception the project defines is a GovreportsError, either transient
(retried) or permanent (recorded, not retried), and the tasks decide by that branch.

The tree is drawn in scrapers/errors.py. Classes are found by importing every module of the
project's packages, so an exception added anywhere later is held to the same rule.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from pipelines.store.models import FetchEvent, Report
from scrapers.errors import CrawlError, GovreportsError, PermanentError, TransientError
from seeds.demo import DemoServer
from tests.conftest import RuntimeFactory
from workers import outcomes, steps, tasks

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scrapers", "pipelines", "workers", "seeds")
BRANCHES = (TransientError, PermanentError)
# A category both branches refine (a fetch failure may be either): never raised itself.
SPANNING = {GovreportsError, CrawlError}


def project_modules() -> Iterator[str]:
    for package in PACKAGES:
        yield package
        path = importlib.import_module(package).__path__
        for info in pkgutil.walk_packages(path, package + "."):
            # Alembic's env and revisions run only inside Alembic; __main__ runs the CLI.
            if ".migrations" not in info.name and not info.name.endswith("__main__"):
                yield info.name


def project_exceptions() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in project_modules():
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == name:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(found.values())


def test_every_exception_the_project_defines_is_a_govreports_error_of_exactly_one_branch() -> None:
    classes = project_exceptions()
    assert len(classes) >= 18, [c.__name__ for c in classes]  # the walk found the modules
    strays = [c.__qualname__ for c in classes if not issubclass(c, GovreportsError)]
    assert strays == [], f"not under GovreportsError: {strays}"
    undecided = [
        c.__qualname__
        for c in classes
        if c not in SPANNING and c not in BRANCHES and sum(issubclass(c, b) for b in BRANCHES) != 1
    ]
    assert undecided == [], f"not in exactly one of TransientError, PermanentError: {undecided}"


def test_a_spanning_category_is_never_raised_itself() -> None:
    names = {c.__name__ for c in SPANNING}
    raised = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                    func = node.exc.func
                    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                    if name in names:
                        raised.append(f"{path.relative_to(ROOT)}:{node.lineno} raises {name}")
    assert raised == []


def imports_of(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_pipelines_import_nothing_of_scrapers_but_the_error_tree_and_it_imports_nothing_of_ours() -> None:
    crossing = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "pipelines").rglob("*.py")
        for module in imports_of(path)
        if module.split(".")[0] in ("scrapers", "workers") and module != "scrapers.errors"
    }
    assert crossing == set()
    ours = {m for m in imports_of(ROOT / "scrapers" / "errors.py") if m.split(".")[0] in (*PACKAGES, "tests")}
    assert ours == set()


# --- the tasks decide by the branch ------------------------------------------------------------


class PortalHiccup(TransientError):
    """Neither a fetch error nor a database error: only its branch says it is worth retrying."""


class BadPage(PermanentError):
    """Neither a fetch error nor a registry error: only its branch says to record it and move on."""


@pytest.fixture
def fetched_event(sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory) -> Iterator[int]:
    rt = make_runtime(sqlite_url, demo_server.base_url, max_retries=2)
    tasks.crawl_portal.apply(args=("demo-yangjiang",), kwargs={"follow": False})
    with rt.sessions() as session:
        report = session.scalars(select(Report)).first()
    assert report is not None
    event_id = steps.fetch(rt, report, rt.registry.get("demo-yangjiang"))
    assert event_id is not None
    yield event_id


def outcomes_recorded(url: str) -> list[str]:
    from workers import runtime

    with runtime.current().sessions() as session:
        return list(session.scalars(select(FetchEvent.outcome).where(FetchEvent.url == url).order_by(FetchEvent.id)))


def test_a_transient_error_is_retried_until_the_retries_are_used_up(
    fetched_event: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def hiccup(rt: object, event_id: int) -> steps.ProcessOutcome:
        calls.append(event_id)
        raise PortalHiccup("the portal hiccupped")

    monkeypatch.setattr(steps, "process", hiccup)
    result = tasks.process_report.apply(args=(fetched_event,))
    assert result.successful(), result.traceback
    answer = outcomes.ProcessAnswer.from_json(result.result)
    assert answer.stopped == outcomes.Stopped(outcomes.Stop.GAVE_UP, "the portal hiccupped", retries=2)
    assert len(calls) == 3  # the first run and max_retries=2 retries
    assert outcomes_recorded(f"fetch_event:{fetched_event}") == ["retrying", "retrying", "failed"]


def test_a_permanent_error_is_recorded_once_and_not_retried(
    fetched_event: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def bad_page(rt: object, event_id: int) -> steps.ProcessOutcome:
        calls.append(event_id)
        raise BadPage("the page is not a report")

    monkeypatch.setattr(steps, "process", bad_page)
    result = tasks.process_report.apply(args=(fetched_event,))
    assert result.successful(), result.traceback  # recorded and answered, not a crash
    answer = outcomes.ProcessAnswer.from_json(result.result)
    assert answer.stopped == outcomes.Stopped(outcomes.Stop.FAILED, "the page is not a report")
    assert len(calls) == 1
    assert outcomes_recorded(f"fetch_event:{fetched_event}") == ["failed"]


def test_an_error_outside_the_tree_is_a_crash_recorded_and_raised(
    fetched_event: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(rt: object, event_id: int) -> steps.ProcessOutcome:
        raise KeyError("a bug")

    monkeypatch.setattr(steps, "process", broken)
    result = tasks.process_report.apply(args=(fetched_event,))
    assert result.failed() and isinstance(result.result, KeyError)
    assert outcomes_recorded(f"fetch_event:{fetched_event}") == ["failed"]


def test_the_cli_answers_any_govreports_error_in_one_line_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from workers import cli

    def refuse() -> None:
        raise BadPage("the input is bad: give another")

    monkeypatch.setattr(cli, "app", refuse)
    monkeypatch.setattr(sys, "argv", ["govreports"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == "error: the input is bad: give another"
