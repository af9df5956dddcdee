"""The `govreports` command line: thin over the library, one clear line per error."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import OperationalError

from pipelines.article import Article, extract_article
from pipelines.clean import clean_text
from pipelines.metrics import extract_metrics
from pipelines.series import canonical, series
from pipelines.store import migrate
from pipelines.store.queries import MetricFilter, MetricRecord, metric_records, plain, report_summaries, versions_of
from scrapers.discover import article_links
from scrapers.errors import CrawlError, RegistryError
from scrapers.registry import load_registry
from workers import runtime
from workers.config import Settings
from workers.logging import configure_logging

app = typer.Typer(
    help="govreports: Chinese government portals to clean, versioned, queryable data.\n\n"
    "Start with `govreports demo`. Settings come from GOVREPORTS_* environment variables "
    "(GOVREPORTS_DATABASE_URL, GOVREPORTS_BROKER_URL …).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
portals_app = typer.Typer(help="The portal registry (seeds/portals.yaml).", no_args_is_help=True)
db_app = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(portals_app, name="portals")
app.add_typer(db_app, name="db")

# Report titles, names and URLs come from the portals: never let them be read as rich markup.
out = Console(markup=False, highlight=False)
err = Console(stderr=True, highlight=False)


class CliError(Exception):
    """An error for the user: one line naming the input and what to do."""


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each step")] = False,
    json_logs: Annotated[bool, typer.Option("--json-logs", help="Logs as JSON lines on stderr")] = False,
) -> None:
    configure_logging(verbose=verbose, json_lines=json_logs or Settings().log_json)


@contextmanager
def _runtime(settings: Settings | None = None) -> Iterator[runtime.Runtime]:
    from workers.app import configure

    settings = settings or Settings()
    migrate.upgrade(settings.effective_database_url)
    configure(settings)
    rt = runtime.build_runtime(settings)
    runtime.install(rt)
    try:
        yield rt
    finally:
        runtime.install(None)


def _read_article(path: Path) -> Article:
    """A .txt or .html report read as an Article (a text page has a body only)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}; check the path") from exc
    from scrapers.encoding import decode_body

    text, _ = decode_body(raw)
    if path.suffix.lower() in {".html", ".htm", ".shtml", ".xhtml"}:
        return extract_article(text)
    return Article("", None, None, clean_text(text))


def _read_document(path: Path) -> str:
    """Text of a .txt or .html report, cleaned of site furniture."""
    return _read_article(path).body


@app.command()
def demo(
    data_dir: Annotated[Path | None, typer.Option(help="Where the SQLite database goes")] = None,
    extra_reports: Annotated[int, typer.Option(help="Synthetic bulletins beside the 3 real reports")] = 25,
    port: Annotated[
        int,
        typer.Option(help="Port of the demo portal; report URLs include it, so keep it stable between runs"),
    ] = 8391,
) -> None:
    """Serve the bundled demo portal on 127.0.0.1, crawl it, ingest, and print a summary.

    Runs in-process on SQLite: no broker, no server to install. Run it twice: the second
    run stores 0 new versions.

    Example: govreports demo
    """
    from seeds.demo import build_demo_site, serve
    from workers.ingest import run_in_process

    base = Settings()
    updates: dict[str, Any] = {"broker_url": None, "requests_per_second": 50.0}
    if data_dir:
        updates["data_dir"] = data_dir
    try:
        server = serve(build_demo_site(extra_reports=extra_reports), port=port)
    except OSError as exc:
        raise CliError(
            f"cannot serve the demo portal on 127.0.0.1:{port} ({exc.strerror}); pick another --port"
        ) from exc
    with server:
        settings = base.model_copy(update={**updates, "demo_base_url": server.base_url})
        out.print(f"demo portal: {server.base_url}")
        out.print(f"database:    {settings.effective_database_url}", soft_wrap=True)
        with _runtime(settings) as rt:
            slugs = [p.slug for p in rt.registry if p.is_demo or not p.needs_network]
            since = run_in_process(rt, slugs, out)
            _print_summary(rt, slugs, since)


def _print_summary(rt: runtime.Runtime, slugs: list[str], since: Any) -> None:
    from workers.ingest import summarise

    rows = summarise(rt, slugs, since)
    table = Table(title="ingested")
    for column in ("portal", "reports", "new versions", "with warnings", "metrics (current)", "failures"):
        table.add_column(column, justify="left" if column == "portal" else "right")
    for r in rows:
        table.add_row(r.portal, str(r.reports), str(r.new_versions), str(r.warned), str(r.metrics), str(r.failures))
    out.print(table)
    created = sum(r.new_versions for r in rows)
    out.print(f"{created} new versions stored" + ("; nothing changed upstream" if created == 0 else ""))
    warned = sum(r.warned for r in rows)
    if warned:
        out.print(f"{warned} stored with cleaning warnings: check with govreports reports")


@app.command()
def crawl(
    portals: Annotated[list[str] | None, typer.Argument(help="Portal slugs; default: every enabled portal")] = None,
    full: Annotated[
        bool,
        typer.Option(
            help="Walk every list page, not just up to known links, and ask every listed report again "
            "(conditionally: an unchanged one costs a 304)"
        ),
    ] = False,
) -> None:
    """Crawl portals: in-process without a broker, else queued for the workers.

    Example: govreports crawl gd-yangjiang-zsj
    """
    from workers.ingest import enqueue, run_in_process

    with _runtime() as rt:
        slugs = portals or [p.slug for p in rt.registry if p.enabled]
        for slug in slugs:
            rt.registry.get(slug)
        if not rt.settings.eager:
            for slug, task_id in zip(slugs, enqueue(slugs, full=full), strict=True):
                out.print(f"queued crawl of {slug}: task {task_id}")
            return
        since = run_in_process(rt, slugs, out, full=full)
        _print_summary(rt, slugs, since)


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A report as .txt or .html")],
    format: Annotated[str, typer.Option("--format", help="jsonl (for scripts and the scorer) or table")] = "table",
) -> None:
    """Print every metric of one report file.

    Example: govreports extract report.txt --format jsonl
    """
    if format not in ("jsonl", "table"):
        raise CliError(f"--format {format!r}: use jsonl or table")
    article = _read_article(file)
    metrics = extract_metrics(article.body, title=article.title)
    if format == "jsonl":
        for metric in metrics:
            sys.stdout.write(json.dumps(metric.as_json(), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(metrics)} metrics in {file.name}")
    for column in ("name", "value", "unit", "qualifier", "target", "conf.", "evidence"):
        table.add_column(column, overflow="fold")
    for m in metrics:
        target = "yes" if m.target else ""
        table.add_row(m.name, str(m.value), m.unit, m.qualifier, target, f"{m.confidence:.2f}", m.evidence[:80])
    out.print(table)


@app.command()
def clean(
    file: Annotated[Path, typer.Argument(help="A report page as .html or .txt")],
    format: Annotated[
        str, typer.Option("--format", help="text: metadata lines, then the body; json: one object")
    ] = "text",
) -> None:
    """Print a report page as govreports reads it: title, date and source, then the body.

    The body is the report once, without menus, breadcrumbs, 信息公开 tables, toolbars or footers.
    `--format json` prints {"title", "published" (YYYY-MM-DD), "source", "text", "warnings"}.
    A .txt page has no metadata: only its body is cleaned.

    Example: govreports clean page.html --format json
    """
    if format not in ("text", "json"):
        raise CliError(f"--format {format!r}: use text or json")
    article = _read_article(file)
    if format == "json":
        payload = {
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "source": article.source,
            "text": article.body,
            "warnings": list(article.warnings),
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    header = [
        f"title: {article.title}" if article.title else "",
        f"published: {article.published.isoformat()}" if article.published else "",
        f"source: {article.source}" if article.source else "",
        *(f"warning: {w}" for w in article.warnings),
    ]
    head = "\n".join(line for line in header if line)
    sys.stdout.write((head + "\n\n" if head else "") + article.body + "\n")


@app.command()
def links(
    file: Annotated[Path, typer.Argument(help="A saved list page (.html)")],
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="The address the page was saved from: links resolve against it"),
    ] = None,
) -> None:
    """Print the article links the crawler would follow on one list page: absolute, one a line,
    in page order, without navigation, pagination, sidebar or footer links.

    Only links on the page's own host count, as for a portal whose registry entry has no
    `selectors` (the same detection: scrapers/discover.py).

    Example: govreports links list.html --base-url https://www.example.gov.cn/zwgk/tzgg/
    """
    html = _read_list_page(file)
    if not base_url:
        raise CliError(f"links of {file} need --base-url: the address the page was saved from")
    if not re.match(r"https?://[^/\s]+", base_url):
        raise CliError(f"--base-url {base_url!r} is not an http(s) URL; give the address the page was saved from")
    found = article_links(html, base_url)
    for link in found:
        sys.stdout.write(link.url + "\n")
    if not found:
        err.print(f"no article links found in {escape(str(file))}")


def _read_list_page(path: Path) -> str:
    """The text of a saved list page; a missing, empty, undecodable or non-HTML file is a CliError
    naming it, never an empty answer that looks like a page without articles."""
    from scrapers.encoding import decode_body
    from scrapers.errors import UndecodableBody

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}; check the path") from exc
    if not raw.strip():
        raise CliError(f"{path} is empty; save the list page's HTML into it (e.g. curl -o {path.name} URL)")
    try:
        text, _ = decode_body(raw)
    except UndecodableBody as exc:
        raise CliError(f"{path} is not text in any known encoding; give the list page's saved HTML") from exc
    if not re.search(r"<(?:!doctype|html|head|body|a|div|ul|table|li|p)\b", text, re.IGNORECASE):
        raise CliError(f"{path} is not HTML (no tags found); give the list page as saved by a browser or curl")
    return text


def _warnings_text(warnings: tuple[str, ...]) -> str:
    """A version's cleaning warnings in one cell: the first, and how many more."""
    if not warnings:
        return ""
    return warnings[0] + (f" (+{len(warnings) - 1} more)" if len(warnings) > 1 else "")


@app.command()
def reports(portal: Annotated[str | None, typer.Option(help="Only this portal's reports")] = None) -> None:
    """List stored reports with their version and metric counts, and the current version's cleaning warnings.

    Example: govreports reports --portal demo-heyuan
    """
    with _runtime() as rt, rt.sessions() as session:
        rows = report_summaries(session, portal)
    table = Table(title=f"{len(rows)} reports")
    for column in ("portal", "published", "title", "versions", "metrics", "warnings", "url"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r.portal,
            str(r.published_at or ""),
            r.title[:40],
            str(r.versions),
            str(r.metrics),
            _warnings_text(r.warnings),
            r.url,
        )
    out.print(table)
    warned = sum(1 for r in rows if r.warnings)
    if warned:
        out.print(f"{warned} with cleaning warnings: the body may be site furniture, not the report")


@app.command()
def versions(
    url: Annotated[str, typer.Argument(help="The report's URL, as `govreports reports` shows it")],
) -> None:
    """Show the version history of one report.

    Example: govreports versions http://127.0.0.1:8000/yj/zwgk/gzbg/content/post_1001.html
    """
    with _runtime() as rt, rt.sessions() as session:
        rows = versions_of(session, url)
        if not rows:
            raise CliError(f"no stored report at {url}; list them with `govreports reports`")
        table = Table(title=url)
        for column in ("version", "fetched", "sha256", "chars", "metrics", "extractor"):
            table.add_column(column)
        for v in rows:
            table.add_row(
                str(v.version),
                f"{v.fetched_at:%Y-%m-%d %H:%M}",
                v.content_sha256[:12],
                str(len(v.clean_text)),
                str(len(v.metrics)),
                v.extractor_version,
            )
    out.print(table)


def _metric_records(filters: MetricFilter) -> list[MetricRecord]:
    if filters.min_confidence is not None and not 0 <= filters.min_confidence <= 1:
        raise CliError(f"--min-confidence {filters.min_confidence}: give a number from 0 to 1, e.g. 0.6")
    with _runtime() as rt, rt.sessions() as session:
        return metric_records(session, filters)


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CliError(f"--since {value!r}: give a date as YYYY-MM-DD, e.g. 2024-01-01") from exc


def _kind(target: bool, result: bool) -> bool | None:
    if target and result:
        raise CliError("--target and --result exclude each other: give one, or neither for both")
    return True if target else False if result else None


PortalOption = Annotated[str | None, typer.Option(help="Only this portal (its slug)")]
RegionOption = Annotated[str | None, typer.Option(help="The portal's region contains this, e.g. 河源")]
YearOption = Annotated[int | None, typer.Option(help="The report's period covers this year, e.g. 2023")]
ReportOption = Annotated[str | None, typer.Option("--report", help="Only the report at this URL")]
SinceOption = Annotated[str | None, typer.Option(help="Published on or after this date (YYYY-MM-DD)")]
TargetOption = Annotated[bool, typer.Option("--target", help="Only targets (goals, plans, what a policy sets)")]
ResultOption = Annotated[bool, typer.Option("--result", help="Only results (what was done)")]
ConfidenceOption = Annotated[
    float | None, typer.Option(help="Only records at least this likely right (0..1; the extractor's estimate)")
]


@app.command()
def metrics(
    portal: PortalOption = None,
    name: Annotated[str | None, typer.Option(help="Indicator name contains this")] = None,
    unit: Annotated[str | None, typer.Option(help="Exactly this unit, e.g. % or 个")] = None,
    region: RegionOption = None,
    year: YearOption = None,
    report: ReportOption = None,
    since: SinceOption = None,
    target: TargetOption = False,
    result: ResultOption = False,
    min_confidence: ConfidenceOption = None,
) -> None:
    """Query metrics of the current versions, each with its report, period and place.

    Example: govreports metrics --name 办结率 --unit % --region 河源 --year 2022
    """
    filters = MetricFilter(
        portal, name, unit, region, year, report, _since(since), _kind(target, result), min_confidence
    )
    records = _metric_records(filters)
    table = Table(title=f"{len(records)} metrics")
    for column in ("region", "period", "title", "name", "value", "unit", "qualifier", "target", "conf.", "evidence"):
        table.add_column(column, overflow="fold")
    for m in records:
        table.add_row(
            m.region,
            m.period or "",
            m.title[:24],
            m.name,
            plain(m.value),
            m.unit,
            m.qualifier,
            "yes" if m.target else "",
            "" if m.confidence is None else f"{m.confidence:.2f}",
            m.evidence[:50],
        )
    out.print(table)


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help="csv or jsonl")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; default stdout")] = None,
    portal: PortalOption = None,
    region: RegionOption = None,
    year: YearOption = None,
    report: ReportOption = None,
    since: SinceOption = None,
    target: TargetOption = False,
    result: ResultOption = False,
    min_confidence: ConfidenceOption = None,
) -> None:
    """Export the metrics of current versions, one row each with its report, period, place and confidence.

    Values are numbers (99.94, 1234500000), dates ISO; ready for a spreadsheet or pandas.

    Example: govreports export --format csv -o metrics.csv --year 2023 --min-confidence 0.6
    """
    if format not in ("csv", "jsonl"):
        raise CliError(f"--format {format!r}: use csv or jsonl")
    filters = MetricFilter(
        portal, None, None, region, year, report, _since(since), _kind(target, result), min_confidence
    )
    rows = [m.as_row() for m in _metric_records(filters)]
    stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if format == "jsonl":
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]) if rows else list(_EXPORT_COLUMNS))
            writer.writeheader()
            writer.writerows(rows)
    finally:
        if output:
            stream.close()
    if output:
        err.print(f"wrote {len(rows)} metrics to {escape(str(output))}")


_EXPORT_COLUMNS = tuple(MetricRecord.__dataclass_fields__)


@app.command("series")
def series_command(
    indicator: Annotated[str, typer.Argument(help="The indicator, e.g. 网上可办率 (places and levels are ignored)")],
    region: RegionOption = None,
    portal: PortalOption = None,
    format: Annotated[str, typer.Option("--format", help="table, csv or jsonl (long format)")] = "table",
    min_confidence: ConfidenceOption = None,
) -> None:
    """One indicator over periods and places: one row per period and place, with its report and evidence.

    Names are lined up by a canonical key (全市政务服务事项网上可办率 and 网上可办率 are one indicator);
    each row keeps the name as the report wrote it.

    Example: govreports series 全流程网办率 --region 河源 --format csv
    """
    if format not in ("table", "csv", "jsonl"):
        raise CliError(f"--format {format!r}: use table, csv or jsonl")
    records = _metric_records(MetricFilter(portal=portal, region=region, min_confidence=min_confidence))
    points = series(records, indicator)
    rows = [{"canonical": canonical(p.record.name), **p.record.as_row()} for p in points]
    if format == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["period", "region"])
        writer.writeheader()
        writer.writerows(rows)
        return
    table = Table(title=f"{indicator}: {len(points)} periods and places")
    for column in ("period", "region", "value", "unit", "name", "report", "evidence"):
        table.add_column(column, overflow="fold")
    for point in points:
        m = point.record
        table.add_row(point.period, point.region, plain(m.value), m.unit, m.name, m.title[:30], m.evidence[:50])
    out.print(table)


@portals_app.command("list")
def portals_list(registry: Annotated[Path | None, typer.Option(help="Registry file")] = None) -> None:
    """List the portals of the registry.

    Example: govreports portals list
    """
    reg = load_registry(registry or Settings().registry_path)
    table = Table(title=f"{len(reg.portals)} portals")
    for column in ("slug", "name", "every (min)", "network", "seeds"):
        table.add_column(column, overflow="fold")
    for p in reg:
        table.add_row(
            p.slug,
            p.name,
            str(p.crawl_interval_minutes),
            "yes" if p.needs_network else "local",
            " ".join(p.seeds),
        )
    out.print(table)


@portals_app.command("validate")
def portals_validate(registry: Annotated[Path | None, typer.Argument(help="Registry file")] = None) -> None:
    """Check a registry file; errors name the file, the entry and the field.

    Example: govreports portals validate seeds/portals.yaml
    """
    reg = load_registry(registry or Settings().registry_path)
    out.print(f"ok: {len(reg.portals)} portals")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema.

    Example: GOVREPORTS_DATABASE_URL=postgresql+psycopg://localhost/govreports govreports db upgrade
    """
    url = Settings().effective_database_url
    migrate.upgrade(url)
    out.print(f"database at head: {url}")


@app.command()
def status(
    timeout: Annotated[float, typer.Option(help="Seconds to wait for workers to answer a ping")] = 1.0,
    failures: Annotated[int, typer.Option(help="How many of the last 24 h's failures to list")] = 10,
    warned: Annotated[
        int, typer.Option(help="How many of the latest reports stored with cleaning warnings to list")
    ] = 5,
) -> None:
    """Queue lengths, workers online, the last crawl of each portal, failures of the last 24 h,
    and the reports whose current version was stored with cleaning warnings.

    Without a broker it says so and shows the database part. Exits 1 when a configured broker or
    the database does not answer.

    Example: GOVREPORTS_BROKER_URL=redis://127.0.0.1:6379/0 govreports status
    """
    from workers.status import gather

    state = gather(Settings(), timeout=timeout, warned=max(0, warned))
    if state.broker_problem:
        out.print(f"broker: {state.broker_problem}")
    else:
        waiting = ", ".join(f"{name} {n}" for name, n in state.queues.items())
        out.print(f"queues: {waiting}; delivered, not yet acknowledged: {state.unacknowledged}")
        out.print(f"workers online: {len(state.workers)}" + (f" ({', '.join(state.workers)})" if state.workers else ""))
    if state.database_problem:
        out.print(state.database_problem)
        raise typer.Exit(1)
    per_portal = state.failures_by_portal
    table = Table(title=f"{len(state.portals)} portals: last crawl")
    for column in ("portal", "last crawl (UTC)", "outcome", "failures 24 h"):
        table.add_column(column, overflow="fold")
    for p in state.portals:
        when = f"{p.last_crawl_at:%Y-%m-%d %H:%M}" if p.last_crawl_at else "never"
        table.add_row(p.slug, when, p.outcome or "", str(per_portal.get(p.slug, 0)))
    out.print(table)
    out.print(f"failures in the last 24 h: {len(state.failures)}")
    if state.failures and failures > 0:
        recent = Table(title=f"the last {min(failures, len(state.failures))}")
        for column in ("at (UTC)", "portal", "kind", "url", "error"):
            recent.add_column(column, overflow="fold")
        for f in state.failures[-failures:]:
            recent.add_row(f"{f.at:%Y-%m-%d %H:%M:%S}", f.portal, f.kind, f.url, f.error[:120])
        out.print(recent)
    out.print(f"reports whose current version has cleaning warnings: {state.warned}")
    if state.latest_warned:
        doubtful = Table(title=f"the latest {len(state.latest_warned)} stored with cleaning warnings")
        for column in ("stored (UTC)", "portal", "url", "version", "warnings"):
            doubtful.add_column(column, overflow="fold")
        for w in state.latest_warned:
            doubtful.add_row(f"{w.created_at:%Y-%m-%d %H:%M}", w.portal, w.url, str(w.version), "; ".join(w.warnings))
        out.print(doubtful)
    if state.broker_down:
        raise typer.Exit(1)


@app.command()
def flower(
    port: Annotated[int, typer.Option(help="Port to listen on")] = 5555,
    address: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
) -> None:
    """Start Flower on the broker, behind basic auth. Refuses to start without credentials.

    Example: GOVREPORTS_FLOWER_USER=ops GOVREPORTS_FLOWER_PASSWORD=… govreports flower --address 0.0.0.0
    """
    settings = Settings()
    if not settings.broker_url:
        raise CliError("Flower watches a broker: set GOVREPORTS_BROKER_URL (e.g. redis://127.0.0.1:6379/0)")
    password = settings.flower_password.get_secret_value() if settings.flower_password else ""
    if not settings.flower_user or not password:
        raise CliError("Flower needs GOVREPORTS_FLOWER_USER and GOVREPORTS_FLOWER_PASSWORD; it never runs open")
    env = {**os.environ, "FLOWER_BASIC_AUTH": f"{settings.flower_user}:{password}"}
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.app",
        "flower",
        f"--port={port}",
        f"--address={address}",
        "--persistent=False",
    ]
    os.execve(sys.executable, argv, env)


def main() -> None:
    try:
        app()
    except (CliError, RegistryError, CrawlError) as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(2)
    except OperationalError as exc:
        err.print(f"[red]error:[/] database unavailable: {escape(str(exc.orig))}; check GOVREPORTS_DATABASE_URL")
        sys.exit(3)
