"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

The file is read as data (pyyaml) for its healthchecks, dependency conditions and variables; then
each project service's `command` runs on this machine with the service's `environment`, the
image's `ENV` and the `.env` made from `.env.example`, with the hosts `redis` and `postgres` mapped
to the local servers (Redis databases 12/13, PostgreSQL database govreports_test_compose). Each must
come up: migrate exits 0, the workers and beat pass their own healthchecks, Flower answers HTTP.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import yaml

from tests.conftest import POSTGRES_URL
from tests.runtime_processes import (
    Process,
    free_port,
    postgres_db,
    redis_db,
    scalar,
    wait_until,
    with_scripts_on_path,
)
from workers.config import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
PROJECT = ("migrate", "worker-crawl", "worker-process", "beat", "flower", "api")
LONG_RUNNING = ("redis", "postgres", "worker-crawl", "worker-process", "beat", "flower", "api")
REDIS_DBS = {"0": 12, "1": 13}  # the compose file's Redis databases → the runtime tests' own
_VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def image_env() -> dict[str, str]:
    """The Dockerfile's ENV assignments (KEY=VALUE form)."""
    values: dict[str, str] = {}
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("ENV "):
            for item in shlex.split(line[4:]):
                name, _, value = item.partition("=")
                values[name] = value
    return values


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR:?error} and $$ escapes."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if name in variables and (variables[name] or not (op or "").startswith(":")):
            return variables[name]
        if op and op.endswith("?"):
            raise AssertionError(f"${{{name}}} is required: {arg}")
        return arg or ""

    return _VARIABLE.sub(one, value).replace("$$", "$")


def to_this_machine(name: str, value: str, data_dir: Path) -> str:
    """Point a compose value at the local servers and directories."""
    if value.startswith("/data"):
        return str(data_dir) + value[len("/data") :]
    if not re.match(r"^[a-z+]+://", value):
        return value
    parts = urlsplit(value)
    if parts.hostname == "redis":
        db = REDIS_DBS[parts.path.lstrip("/") or "0"]
        return urlunsplit(("redis", "127.0.0.1:6379", f"/{db}", "", ""))
    if parts.hostname == "postgres":
        base = POSTGRES_URL.rsplit("/", 1)[0]
        return f"{base}/govreports_test_compose"
    return value


def service_env(service: str, data_dir: Path, secrets: dict[str, str]) -> dict[str, str]:
    spec = SERVICES[service]
    dotenv = {**env_example(), **secrets}
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVREPORTS_")}
    env.update(image_env())
    if spec.get("env_file"):
        env.update(dotenv)
    for name, value in (spec.get("environment") or {}).items():
        env[name] = interpolate(str(value), dotenv)
    env = {name: to_this_machine(name, value, data_dir) for name, value in env.items()}
    env["HOSTNAME"] = socket.gethostname()  # what the container's $HOSTNAME and Celery's %h agree on
    return with_scripts_on_path(env)  # the image's PATH has them; here they sit beside this Python


def service_argv(service: str, data_dir: Path, port_map: dict[str, str]) -> list[str]:
    argv = [to_this_machine("", str(arg), data_dir) for arg in SERVICES[service]["command"]]
    return [port_map.get(arg, arg) for arg in argv]


def run_healthcheck(service: str, env: dict[str, str], port_map: dict[str, str]) -> bool:
    test = SERVICES[service]["healthcheck"]["test"]
    kind, rest = test[0], [port_map.get(a, a) for a in test[1:]]
    if kind == "CMD-SHELL":
        command = rest[0].replace("$$", "$")
        for old, new in port_map.items():
            command = command.replace(old, new)
        argv = ["sh", "-c", command]
    else:
        argv = rest
    run = subprocess.run(argv, env=env, capture_output=True, timeout=60)
    return run.returncode == 0


# -- the file as data -----------------------------------------------------------------------------


def test_every_long_running_service_has_a_healthcheck() -> None:
    for service in LONG_RUNNING:
        assert SERVICES[service].get("healthcheck", {}).get("test"), service


def test_every_dependency_waits_on_a_condition_healthy_or_completed() -> None:
    for service in PROJECT:
        depends = SERVICES[service]["depends_on"]
        assert isinstance(depends, dict), f"{service}: depends_on as a list starts it before its dependencies are ready"
        for needed, spec in depends.items():
            expected = "service_completed_successfully" if needed == "migrate" else "service_healthy"
            assert spec.get("condition") == expected, (service, needed)
            if expected == "service_healthy":
                assert SERVICES[needed].get("healthcheck"), needed


def test_services_using_the_database_start_after_the_migration() -> None:
    for service in PROJECT:
        if service != "migrate":
            assert "migrate" in SERVICES[service]["depends_on"], service
    assert SERVICES["migrate"]["restart"] == "no"


def test_the_image_runs_as_a_non_root_user() -> None:
    users = [
        line.split(None, 1)[1].strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith("USER ")
    ]
    assert users, "the Dockerfile sets no USER: the services would run as root"
    assert users[-1] not in ("root", "0", "0:0")
    for service in PROJECT:
        assert SERVICES[service].get("user") in (None, users[-1]), service


def test_env_example_names_every_variable_the_compose_file_and_its_services_require() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    required = {m.group(1) for m in _VARIABLE.finditer(text)}
    # Flower refuses to start without these (workers/cli.py): the stack needs them from .env.
    required |= {"GOVREPORTS_FLOWER_USER", "GOVREPORTS_FLOWER_PASSWORD"}
    assert required <= set(env_example()), required - set(env_example())


def test_workers_get_a_stop_grace_period_covering_the_task_time_limit() -> None:
    limit = Settings.model_fields["task_time_limit"].default
    for service in ("worker-crawl", "worker-process"):
        grace = str(SERVICES[service].get("stop_grace_period", "10s"))
        seconds = sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in re.findall(r"(\d+)([hms])", grace))
        assert seconds >= limit, service


def test_flower_is_published_on_the_hosts_loopback_only() -> None:
    assert all(str(p).startswith("127.0.0.1:") for p in SERVICES["flower"]["ports"])


def test_what_the_dockerfile_copies_builds_into_packages_with_migrations_registry_and_demo(tmp_path: Path) -> None:
    """The image installs only what it COPYs (non-editable): every module and data file must be in it."""
    src = tmp_path / "src"
    src.mkdir()
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            *sources, _dest = line.split()[1:]
            for name in sources:
                path = ROOT / name
                if path.is_dir():
                    shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
                else:
                    shutil.copy(path, src / name)
    build = tmp_path / "lib"
    run = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "-d", str(build)],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for package in ("scrapers", "pipelines", "workers", "seeds"):
        for module in (ROOT / package).rglob("*.py"):
            if "__pycache__" not in module.parts:
                assert (build / module.relative_to(ROOT)).exists(), module
    for data in [
        "seeds/portals.yaml",
        "pipelines/store/migrations/script.py.mako",
        *(str(p.relative_to(ROOT)) for p in (ROOT / "seeds/demo/reports").glob("*.txt")),
    ]:
        assert (build / data).exists(), data


# -- each service's command, run on this machine --------------------------------------------------


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """migrate to completion, then worker-crawl, worker-process, beat and flower, as compose orders them."""
    for db in REDIS_DBS.values():
        redis_db(db)
    postgres_db("govreports_test_compose", migrated=False)
    tmp = tmp_path_factory.mktemp("compose")
    data_dir = tmp / "data"
    data_dir.mkdir()
    secrets = {
        "POSTGRES_PASSWORD": "compose-test",
        "GOVREPORTS_FLOWER_PASSWORD": "compose-test",
        "GOVREPORTS_API_TOKEN": "compose-test",
    }
    # Flower and the API stay on loopback here, on free ports
    port_map = {"5555": str(free_port()), "8000": str(free_port()), "0.0.0.0": "127.0.0.1"}
    envs = {s: service_env(s, data_dir, secrets) for s in PROJECT}
    migrate = subprocess.run(
        service_argv("migrate", data_dir, port_map), env=envs["migrate"], capture_output=True, text=True, timeout=120
    )
    started: dict[str, Process] = {}
    try:
        if migrate.returncode == 0:
            for service in PROJECT[1:]:
                started[service] = Process(
                    service_argv(service, data_dir, port_map), envs[service], tmp / f"{service}.log", cwd=tmp
                )
        yield {
            "migrate": migrate,
            "processes": started,
            "envs": envs,
            "port_map": port_map,
            "data_dir": data_dir,
        }
    finally:
        for process in started.values():
            process.stop()


def healthy(stack: dict[str, Any], service: str, seconds: float = 90) -> bool:
    process: Process = stack["processes"][service]

    def check() -> bool:
        assert process.running(), process.output()[-3000:]
        return run_healthcheck(service, stack["envs"][service], stack["port_map"])

    return wait_until(check, seconds, every=1.0)


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_migrate_brings_the_database_to_head_and_exits_0(stack: dict[str, Any]) -> None:
    migrate = stack["migrate"]
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    url = stack["envs"]["migrate"]["GOVREPORTS_DATABASE_URL"]
    assert scalar(url, "SELECT count(*) FROM alembic_version") == 1


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("service", ["worker-crawl", "worker-process"])
def test_each_worker_passes_its_own_healthcheck(stack: dict[str, Any], service: str) -> None:
    assert healthy(stack, service), stack["processes"][service].output()[-3000:]


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_beat_starts_writes_its_schedule_and_passes_its_healthcheck(stack: dict[str, Any]) -> None:
    beat: Process = stack["processes"]["beat"]
    assert wait_until(lambda: "beat: Starting" in beat.output(), 60), beat.output()[-3000:]
    assert wait_until(lambda: any(stack["data_dir"].glob("celerybeat-schedule*")), 30)
    assert healthy(stack, "beat"), beat.output()[-3000:]


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_flower_answers_http_behind_basic_auth_and_passes_its_healthcheck(stack: dict[str, Any]) -> None:
    flower: Process = stack["processes"]["flower"]
    env = stack["envs"]["flower"]
    port = stack["port_map"]["5555"]
    assert healthy(stack, "flower"), flower.output()[-3000:]
    with httpx.Client(timeout=10, trust_env=False) as client:
        assert client.get(f"http://127.0.0.1:{port}/").status_code == 401
        auth = (env["GOVREPORTS_FLOWER_USER"], env["GOVREPORTS_FLOWER_PASSWORD"])
        assert client.get(f"http://127.0.0.1:{port}/api/workers", auth=auth).status_code == 200


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_the_api_answers_health_asks_for_its_token_and_passes_its_healthcheck(stack: dict[str, Any]) -> None:
    api: Process = stack["processes"]["api"]
    port = stack["port_map"]["8000"]
    assert healthy(stack, "api"), api.output()[-3000:]
    with httpx.Client(timeout=10, trust_env=False) as client:
        assert client.get(f"http://127.0.0.1:{port}/health").json()["status"] == "ok"
        assert client.get(f"http://127.0.0.1:{port}/api/portals").status_code == 401
        token = {"Authorization": f"Bearer {stack['envs']['api']['GOVREPORTS_API_TOKEN']}"}
        assert client.get(f"http://127.0.0.1:{port}/api/portals", headers=token).status_code == 200


def test_the_api_is_published_on_the_hosts_loopback_only() -> None:
    assert all(str(p).startswith("127.0.0.1:") for p in SERVICES["api"]["ports"])


def test_the_readme_deploy_section_names_every_service_and_the_flower_port() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deploy = readme.split("## Deploy", 1)[1].split("\n## ", 1)[0]
    for service in SERVICES:
        assert service in deploy, service
    published = str(SERVICES["flower"]["ports"][0]).split(":")[-2]
    assert f"localhost:{published}" in deploy
