"""First crawl vs recrawl of a large demo portal: requests, bytes, seconds, versions.

    python bench/crawl.py                 # 2,000 reports
    python bench/crawl.py --reports 500

The recrawl of an unchanged portal should cost one list page: ≤ 1% of the first crawl's bytes.
Runs in-process on SQLite with no politeness delay for the local host.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from pipelines.store import migrate
from pipelines.store.models import FetchEvent, ReportVersion
from seeds.demo import build_demo_site, serve
from workers import runtime, tasks
from workers.app import configure
from workers.config import Settings


def bench_registry(path: Path, list_pages: int) -> Path:
    entry = {
        "slug": "bench-portal",
        "name": "bench",
        "seeds": ["{demo}/hy/zwgk/ghjh/index.html"],
        "max_list_pages": list_pages,
        "rate_limit_per_second": 100000,
        "private_networks": ["127.0.0.0/8"],
        "needs_network": False,
    }
    path.write_text(yaml.safe_dump({"portals": [entry]}, allow_unicode=True), encoding="utf-8")
    return path


def crawl(rt: runtime.Runtime, site_requests: list[str], since_id: int) -> dict[str, float]:
    site_requests.clear()
    started = time.perf_counter()
    tasks.crawl_portal.apply(args=("bench-portal",))
    seconds = time.perf_counter() - started
    with rt.sessions() as session:
        events = session.scalars(select(FetchEvent).where(FetchEvent.id > since_id)).all()
        versions = session.scalar(select(func.count(ReportVersion.id))) or 0
    return {
        "requests": len(site_requests),
        "bytes": sum(e.size_bytes for e in events),
        "seconds": seconds,
        "versions": versions,
        "last_event": max((e.id for e in events), default=since_id),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2000)
    args = parser.parse_args()
    site = build_demo_site(extra_reports=args.reports)
    hy = site.portals["hy"]
    with tempfile.TemporaryDirectory() as tmp, serve(site) as server:
        registry = bench_registry(Path(tmp) / "portals.yaml", hy.page_count + 1)
        settings = Settings(
            data_dir=Path(tmp),
            broker_url=None,
            demo_base_url=server.base_url,
            registry_path=registry,
            requests_per_second=100000.0,
        )
        migrate.upgrade(settings.effective_database_url)
        configure(settings)
        rt = runtime.build_runtime(settings)
        runtime.install(rt)
        first = crawl(rt, site.requests, 0)
        again = crawl(rt, site.requests, int(first["last_event"]))
        runtime.install(None)
    table = Table(title=f"crawl of a {len(hy.articles)}-report demo portal ({hy.page_count} list pages)")
    for column in ("run", "requests", "bytes", "seconds", "versions stored"):
        table.add_column(column, justify="right")
    table.add_row(
        "first crawl",
        f"{first['requests']:.0f}",
        f"{first['bytes']:,.0f}",
        f"{first['seconds']:.1f}",
        f"{first['versions']:.0f}",
    )
    table.add_row(
        "recrawl (unchanged)",
        f"{again['requests']:.0f}",
        f"{again['bytes']:,.0f}",
        f"{again['seconds']:.2f}",
        f"+{again['versions'] - first['versions']:.0f}",
    )
    share = again["bytes"] / first["bytes"] if first["bytes"] else 0.0
    table.add_row("recrawl / first", f"{again['requests'] / first['requests']:.2%}", f"{share:.3%}", "", "")
    Console().print(table)


if __name__ == "__main__":
    main()
