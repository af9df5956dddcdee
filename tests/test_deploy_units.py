"""deploy/*.service against docker-compose.yml: the two deployments run the same commands and restart alike.

The unit files are read with a small parser (systemd allows a key more than once, e.g. two
EnvironmentFile= lines, which configparser does not keep). Each unit's ExecStart, with the
template's specifiers and the per-queue environment substituted, must be its compose service's
command; the only differences allowed are listed in LOCAL_PATHS and asserted to hold in compose.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workers.app import celery_config, visibility_timeout
from workers.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SERVICES = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
QUEUES = ("crawl", "process")
# unit file → compose service (worker@ once per queue)
UNITS = {
    "govreports-migrate.service": "migrate",
    "govreports-beat.service": "beat",
    "govreports-api.service": "api",
}
LONG_RUNNING = ("govreports-worker@.service", "govreports-beat.service", "govreports-api.service")
NOT_SHIPPED = {"redis", "postgres", "flower"}  # the host's own services; Flower is run by hand
VENV_BIN = "/opt/govreports/venv/bin/"
# In the container the state volume is /data and the API binds 0.0.0.0 behind a port published on
# the host's loopback; on the host these are the state directory and the loopback itself.
LOCAL_PATHS = {"/data/": "/var/lib/govreports/", "0.0.0.0": "127.0.0.1"}
STOP_MARGIN = 30  # seconds past the hard time limit for a warm shutdown to finish


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        assert "=" in line and not line.endswith("\\"), f"{path.name}: cannot read {line!r}"
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def one(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> str:
    values = unit[section][key]
    assert len(values) == 1, f"{section}.{key} given {len(values)} times"
    return values[0]


def env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def seconds(value: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(s|min|m)?", value)
    assert match, f"cannot read a duration from {value!r}"
    return int(match[1]) * (60 if match[2] in ("min", "m") else 1)


def instantiate(exec_start: str, instance: str, env: dict[str, str]) -> list[str]:
    """The command systemd runs: %i the instance, %% a literal %, ${VAR} from the environment files."""
    specifiers = set(re.findall(r"%.", exec_start.replace("%%", "")))
    assert specifiers <= {"%i"}, f"systemd would expand {specifiers - {'%i'}} in {exec_start!r} (write %%)"
    text = exec_start.replace("%%", "\0").replace("%i", instance).replace("\0", "%")
    argv = []
    for word in shlex.split(text):
        for name in re.findall(r"\$\{(\w+)\}", word):
            assert name in env, f"${{{name}}} is not set by the unit's environment files"
            word = word.replace("${" + name + "}", env[name])
        argv.append(word)
    assert argv[0].startswith(VENV_BIN), argv[0]
    return [argv[0].removeprefix(VENV_BIN), *argv[1:]]


def compose_command(service: str) -> list[str]:
    words = [str(w) for w in SERVICES[service]["command"]]
    for container, host in LOCAL_PATHS.items():
        words = [w.replace(container, host) for w in words]
    return words


def test_every_project_service_of_compose_has_a_unit() -> None:
    covered = set(UNITS.values()) | {f"worker-{q}" for q in QUEUES} | NOT_SHIPPED
    assert set(SERVICES) == covered
    shipped = {p.name for p in DEPLOY.glob("*.service")}
    assert shipped == set(UNITS) | {"govreports-worker@.service"}


@pytest.mark.parametrize("queue", QUEUES)
def test_worker_unit_runs_the_compose_worker_command(queue: str) -> None:
    unit = parse_unit(DEPLOY / "govreports-worker@.service")
    env = env_file(DEPLOY / f"worker-{queue}.env")
    assert "/etc/govreports/worker-%i.env" in unit["Service"]["EnvironmentFile"]
    argv = instantiate(one(unit, "Service", "ExecStart"), queue, env)
    assert argv == compose_command(f"worker-{queue}")


@pytest.mark.parametrize(("name", "service"), sorted(UNITS.items()))
def test_unit_runs_the_compose_command(name: str, service: str) -> None:
    unit = parse_unit(DEPLOY / name)
    assert instantiate(one(unit, "Service", "ExecStart"), "", {}) == compose_command(service)


def test_the_api_listens_where_compose_publishes_it() -> None:
    """0.0.0.0 in the container is reachable only on the host's loopback: the unit binds that."""
    assert SERVICES["api"]["ports"] == ["127.0.0.1:8000:8000"]
    assert "0.0.0.0" in SERVICES["api"]["command"]


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_units_come_back_whatever_ended_them(name: str) -> None:
    """compose restarts every project service (unless-stopped); the units restart on any exit, forever."""
    unit = parse_unit(DEPLOY / name)
    assert one(unit, "Service", "Restart") == "always"
    assert 1 <= seconds(one(unit, "Service", "RestartSec")) <= 30
    assert one(unit, "Unit", "StartLimitIntervalSec") == "0"
    assert one(unit, "Service", "Type") == "simple"


def test_compose_restarts_its_long_running_services() -> None:
    for service in ("worker-crawl", "worker-process", "beat", "api"):
        assert SERVICES[service].get("restart", "unless-stopped") in ("unless-stopped", "always"), service


@pytest.mark.parametrize("queue", QUEUES)
def test_worker_stop_waits_for_the_running_tasks(queue: str) -> None:
    unit = parse_unit(DEPLOY / "govreports-worker@.service")
    hard_limit = Settings.model_fields["task_time_limit"].default
    stop = seconds(one(unit, "Service", "TimeoutStopSec"))
    assert stop >= hard_limit + STOP_MARGIN
    assert stop == seconds(SERVICES[f"worker-{queue}"]["stop_grace_period"])
    assert one(unit, "Service", "KillSignal") == "SIGTERM"
    # SIGTERM to the main process only, as `docker stop` does: the pool finishes its tasks.
    assert one(unit, "Service", "KillMode") == "mixed"


@pytest.mark.parametrize("name", [*LONG_RUNNING, "govreports-migrate.service"])
def test_units_run_as_the_service_user_with_the_shared_settings(name: str) -> None:
    unit = parse_unit(DEPLOY / name)
    assert one(unit, "Service", "User") not in ("root", "0")
    assert "/etc/govreports/govreports.env" in unit["Service"]["EnvironmentFile"]
    if name != "govreports-migrate.service":
        assert unit["Unit"]["Requires"] == ["govreports-migrate.service"]
        assert "govreports-migrate.service" in one(unit, "Unit", "After").split()


def test_the_settings_example_names_what_compose_sets() -> None:
    """Every variable compose gives its services is in the example settings file or set by the units."""
    example = env_file(DEPLOY / "govreports.env.example")
    in_units = {
        assignment.split("=", 1)[0]
        for assignment in shlex.split(" ".join(parse_unit(DEPLOY / "govreports-api.service")["Service"]["Environment"]))
    }
    compose_env = set(SERVICES["api"]["environment"])
    assert compose_env <= set(example) | in_units
    compose_example = env_file(ROOT / ".env.example")
    assert {k for k in compose_example if k.startswith("GOVREPORTS_") and "FLOWER" not in k} <= set(example)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """`systemd-analyze verify` on copies whose commands point at this interpreter's scripts."""
    bin_dir = str(Path(sys.executable).parent) + "/"
    for path in DEPLOY.glob("*.service"):
        text = path.read_text(encoding="utf-8").replace(VENV_BIN, bin_dir)
        name = path.name.replace("@.", "@crawl.")
        (tmp_path / name).write_text(text, encoding="utf-8")
    names = sorted(p.name for p in tmp_path.glob("*.service"))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_workers_reconnect_forever_and_hand_out_lost_tasks_soon() -> None:
    """What the units' Restart=always leaves to the worker itself (workers/app.py, issue 16)."""
    settings = Settings(broker_url="redis://127.0.0.1:6379/0")
    conf = celery_config(settings)
    assert conf["broker_connection_retry"] is True
    assert conf["broker_connection_max_retries"] is None  # 0 would give up at once (celery#8626)
    assert conf["worker_cancel_long_running_tasks_on_connection_loss"] is False
    transport = conf["broker_transport_options"]
    assert transport["socket_timeout"] > 0 and transport["socket_keepalive"] is True
    assert transport["unacked_restore_throttle"] == 1
    assert transport["unacked_restore_interval"] <= max(1, visibility_timeout(settings) // 3)


def test_a_restore_sweep_cut_by_a_broker_restart_stalls_the_hand_out_for_one_sweep_at_most() -> None:
    """kombu's sweep lock (300 s by default) outlives a Redis restart in the AOF; ours expires with the sweep."""
    settings = Settings(broker_url="redis://127.0.0.1:6379/0", visibility_timeout=30, task_time_limit=15)
    transport = celery_config(settings)["broker_transport_options"]
    assert transport["unacked_mutex_expire"] <= max(5, transport["unacked_restore_interval"])
