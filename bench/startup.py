"""How fast `govreports extract` and `clean` answer on a small file: whole process, wall clock.

A person runs these on one file at a time, from a shell or a script over many files: the process
start is most of what they wait for. Each command runs `--runs` times (after one warm-up, so the OS
page cache is warm as it is on a second call); the table prints the median and the fastest run,
beside the bare interpreter (`python -c pass`: the floor no import order can go under), and the
modules each command loads that it never uses (SQLAlchemy, Alembic, Celery, httpx, and Typer and Rich,
which `workers.entry` skips for the plain file commands): none is the aim.

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.3
HEAVY = ("sqlalchemy", "alembic", "celery", "httpx", "redis", "pydantic_settings", "structlog", "typer", "rich")
TEXT = "2023年，全区政务服务事项网上可办率达99.8%，办结率99.5%，全年办理事项12.3万件。\n"
PAGE = (
    "<html><head><title>2023年工作总结</title></head><body><div class='nav'><a href='/'>首页</a></div>"
    "<div class='article'><h1>2023年工作总结</h1><p>发布时间：2024-01-05</p>"
    f"<p>{TEXT}</p><p>{TEXT}</p></div></body></html>"
)


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def heavy_modules(command: list[str]) -> list[str]:
    """The heavy modules loaded by running `command` through workers.cli in one interpreter."""
    probe = (
        "import sys; from workers.entry import main; sys.argv = ['govreports', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
    last = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    return [m for m in last.split(",") if m]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text, page = Path(tmp, "report.txt"), Path(tmp, "page.html")
        text.write_text(TEXT, encoding="utf-8")
        page.write_text(PAGE, encoding="utf-8")
        cli = [sys.executable, "-m", "workers"]
        cases = {
            "python -c pass (floor)": ([sys.executable, "-c", "pass"], None),
            "govreports extract FILE": (
                [*cli, "extract", str(text), "--format", "jsonl"],
                ["extract", str(text), "--format", "jsonl"],
            ),
            "govreports clean PAGE": ([*cli, "clean", str(page)], ["clean", str(page)]),
            "govreports --help": ([*cli, "--help"], None),
        }
        print(f"{'command':<28} {'median s':>9} {'fastest s':>10}  {'target':>7}  heavy modules loaded")
        for label, (argv, probe) in cases.items():
            wall(argv)  # warm-up
            times = [wall(argv) for _ in range(args.runs)]
            median = statistics.median(times)
            target = "" if probe is None else ("ok" if median <= TARGET_SECONDS else "over")
            loaded = "" if probe is None else (", ".join(heavy_modules(probe)) or "none")
            print(f"{label:<28} {median:>9.3f} {min(times):>10.3f}  {target:>7}  {loaded}")


if __name__ == "__main__":
    main()
