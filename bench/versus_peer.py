"""govreports against the pipeline a user would build instead, on the same synthetic portal.

The peer is `../shared/tools/peer_pipeline.py` (Scrapy, 16 concurrent requests + trafilatura inline
or in a 2-process pool + a regex for metrics + one PostgreSQL transaction a report; it does no
robots.txt, keeps no versions, raw pages or fetch log). govreports is `bench/pipeline.py`'s run:
real `celery worker` processes on Redis and PostgreSQL, the first crawl timed from its send to the
last version committed, then a full recrawl of the unchanged portal.

Runs alternate (peer, govreports, peer, …) so that a slow minute of the machine hurts both alike;
the table prints medians, the spread, and govreports' ratio to the peer's best variant.

    python bench/versus_peer.py                       # N = 1,000 five times each, N = 5,000 once each
    python bench/versus_peer.py --runs 3 --reports 1000
    python bench/versus_peer.py --reports 5000 --runs-large 3
    pip install -e '.[peer]'                          # Scrapy and trafilatura, for the peer

Targets: govreports ≥ 1.5 x the peer's best variant at both N; worker RSS ≤ 250 MB; full recrawl of
5,000 unchanged ≤ 10 s with 0 new versions.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import pipeline

ROOT = Path(__file__).resolve().parents[1]
PEER = Path(os.environ.get("GOVREPORTS_PEER_PIPELINE", ROOT.parent / "shared" / "tools" / "peer_pipeline.py"))
VARIANTS = ("inline", "pool")
RUN_LINE = re.compile(r"peer pipeline: N=([\d,]+), extraction (\w+)")
RATE_LINE = re.compile(r"^\s+([\d.]+) s, ([\d.]+) reports/s")
RATIO_TARGET = 1.5


@dataclass
class Samples:
    """Reports/second of every run, by (N, who)."""

    rates: dict[tuple[int, str], list[float]] = field(default_factory=dict)
    worker_mib: dict[int, list[float]] = field(default_factory=dict)
    full_recrawl: dict[int, list[tuple[float, int]]] = field(default_factory=dict)

    def add(self, n: int, who: str, rate: float) -> None:
        self.rates.setdefault((n, who), []).append(rate)


def run_peer(n: int, console: Console) -> dict[str, float]:
    """One run of each peer variant at N; reports/s by variant (a failed variant is left out)."""
    argv = [sys.executable, str(PEER), "--reports", str(n), "--variants", *VARIANTS, "--project", str(ROOT)]
    run = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=3600)
    rates: dict[str, float] = {}
    variant = None
    for line in run.stdout.splitlines():
        if started := RUN_LINE.search(line):
            variant = started.group(2)
        elif (done := RATE_LINE.match(line)) and variant:
            rates[variant] = float(done.group(2))
    if run.returncode != 0 or not rates:
        console.print(f"[red]the peer failed (exit {run.returncode}):[/] {run.stderr.strip()[-800:]}")
    return rates


def run_govreports(n: int, workers: int, concurrency: int) -> pipeline.Result:
    with tempfile.TemporaryDirectory() as tmp:
        return pipeline.run(n, workers, Path(tmp), concurrency, stages=False)


def median(values: list[float]) -> str:
    return f"{statistics.median(values):,.1f}" if values else "-"


def spread(values: list[float]) -> str:
    return f"{min(values):,.0f}–{max(values):,.0f}" if len(values) > 1 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=5, help="alternated runs each at N = 1,000 and below")
    parser.add_argument("--runs-large", type=int, default=1, help="alternated runs each above N = 1,000")
    parser.add_argument("--workers", type=int, default=2, help="govreports `celery worker` processes")
    parser.add_argument("--concurrency", type=int, default=1, help="pool processes of each worker")
    args = parser.parse_args()
    console = Console(width=max(140, Console().width))  # the table's columns unwrapped, in a log too
    if not PEER.exists():
        raise SystemExit(f"no peer pipeline at {PEER}: set GOVREPORTS_PEER_PIPELINE to its path")
    try:
        import scrapy  # noqa: F401
        import trafilatura  # noqa: F401
    except ImportError as exc:
        missing = f"the peer needs Scrapy and trafilatura ({exc.name} is missing): pip install -e '.[peer]'"
        raise SystemExit(missing) from None
    samples = Samples()
    for n in args.reports:
        runs = args.runs if n <= 1000 else args.runs_large
        for i in range(runs):
            console.print(f"N = {n:,}, run {i + 1} of {runs}: peer …")
            for variant, rate in run_peer(n, console).items():
                samples.add(n, f"peer, {variant}", rate)
            console.print(f"N = {n:,}, run {i + 1} of {runs}: govreports …")
            result = run_govreports(n, args.workers, args.concurrency)
            samples.add(n, "govreports", result.per_second)
            samples.worker_mib.setdefault(n, []).append(result.peak_worker_mib)
            full = result.recrawls[1]
            samples.full_recrawl.setdefault(n, []).append((full["seconds"], full["versions"]))
            console.print(
                "  " + ", ".join(f"{who} {rates[-1]:.1f}/s" for (m, who), rates in samples.rates.items() if m == n)
            )
    console.print(table(samples, args.reports, args.workers, args.concurrency))


def table(samples: Samples, sizes: list[int], workers: int, concurrency: int) -> Table:
    out = Table(
        title=f"reports/second, medians of alternated runs (govreports: {workers} workers × {concurrency} process)"
    )
    for column in ("N", "runs", "peer, inline", "peer, pool", "govreports", "ratio to peer's best", "target"):
        out.add_column(column, justify="right")
    for n in sizes:
        peers = [samples.rates.get((n, f"peer, {v}"), []) for v in VARIANTS]
        ours = samples.rates.get((n, "govreports"), [])
        best = max((statistics.median(p) for p in peers if p), default=0.0)
        ratio = statistics.median(ours) / best if ours and best else 0.0
        verdict = "ok" if ratio >= RATIO_TARGET else "missed"
        out.add_row(
            f"{n:,}",
            str(len(ours)),
            *(f"{median(p)} {spread(p)}".strip() for p in peers),
            f"{median(ours)} {spread(ours)}".strip(),
            f"{ratio:.2f}×",
            f"≥ {RATIO_TARGET}× {verdict}",
        )
    for n in sizes:
        mib = samples.worker_mib.get(n, [])
        recrawls = samples.full_recrawl.get(n, [])
        if mib:
            out.add_row(f"{n:,}", "", "", "", f"peak worker RSS {max(mib):.0f} MiB", "", "≤ 250 MiB")
        if recrawls:
            seconds = statistics.median(s for s, _ in recrawls)
            worst = max(s for s, _ in recrawls)
            new = max(v for _, v in recrawls)
            shown = f"full recrawl {seconds:.1f} s (worst {worst:.1f}), {new} new"
            out.add_row(f"{n:,}", "", "", "", shown, "", "≤ 10 s (5,000), 0")
    return out


if __name__ == "__main__":
    main()
