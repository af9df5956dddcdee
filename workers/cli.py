"""The `govreports` command line: thin over the library, one clear line per error."""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from scrapers.errors import GovreportsError
from workers.file_commands import FILE_COMMANDS, CliError, configure_logs

# Each command imports what it needs when it runs: `extract` and `clean` never load SQLAlchemy, Alembic,
# Celery or the fetcher, so they start in a fraction of the time (bench/startup.py measures it).
if TYPE_CHECKING:
    from datetime import datetime

    from pipelines.store import diff as store_diff
    from pipelines.store.queries import MetricFilter, MetricRecord
    from workers import runtime
    from workers.config import Settings
    from workers.ingest import CrawlRun, PortalSummary

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


# Commands that never open the database: a PostgreSQL URL without its driver does not stop them.
_WITHOUT_DATABASE = frozenset({"extract", "clean", "links", "portals", "flower"})


@app.callback()
def _main(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each step")] = False,
    json_logs: Annotated[bool, typer.Option("--json-logs", help="Logs as JSON lines on stderr")] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Use the embedded SQLite database in this directory, for any command "
            "(over GOVREPORTS_DATA_DIR and GOVREPORTS_DATABASE_URL)",
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="The database for any command, as a SQLAlchemy URL: sqlite:///path/db.sqlite3 or "
            "postgresql+psycopg://user@host/db (over GOVREPORTS_DATABASE_URL)",
        ),
    ] = None,
) -> None:
    _use_database(ctx, data_dir, database_url)
    if ctx.invoked_subcommand in FILE_COMMANDS:
        # A file in, text out: the settings (pydantic-settings, the fetcher) are not loaded for that,
        # so these start fast.
        configure_logs(verbose=verbose, json_logs=json_logs)
        return
    from workers.logging import configure_logging

    configure_logging(verbose=verbose, json_lines=json_logs or _settings().log_json)
    # Said before any command opens the database, in one line; a command's --help (parsed only after
    # this callback) still shows.
    if ctx.invoked_subcommand not in _WITHOUT_DATABASE and "--help" not in sys.argv[1:]:
        from workers.config import missing_database_driver

        problem = missing_database_driver(_settings().effective_database_url)
        if problem:
            raise CliError(problem)


def _settings(**values: Any) -> Settings:
    """The settings from the environment (and `values`), imported when a command needs them."""
    from workers.config import Settings

    return Settings(**values)


def _use_database(ctx: typer.Context, data_dir: Path | None, database_url: str | None) -> None:
    """Make --data-dir / --database-url the database of the whole command, over the environment.

    They go into the environment (GOVREPORTS_DATA_DIR, GOVREPORTS_DATABASE_URL) while the command
    runs, because every part builds its own Settings: the commands, Celery's configuration, status.
    `--data-dir` alone means the SQLite database in it, even when GOVREPORTS_DATABASE_URL names
    another: the option is what the user asked for now. The environment is restored afterwards.
    """
    updates: dict[str, str] = {}
    if data_dir is not None:
        directory = data_dir.expanduser().resolve()
        updates["GOVREPORTS_DATA_DIR"] = str(directory)
        updates["GOVREPORTS_DATABASE_URL"] = _settings(data_dir=directory, database_url=None).effective_database_url
    if database_url:
        updates["GOVREPORTS_DATABASE_URL"] = database_url
    saved = {name: os.environ.get(name) for name in updates}
    os.environ.update(updates)

    def restore() -> None:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    ctx.call_on_close(restore)


@contextmanager
def _runtime(settings: Settings | None = None) -> Iterator[runtime.Runtime]:
    from pipelines.store import migrate
    from workers import runtime
    from workers.app import configure

    settings = settings or _settings()
    migrate.upgrade(settings.effective_database_url)
    configure(settings)
    rt = runtime.build_runtime(settings)
    runtime.install(rt)
    try:
        yield rt
    finally:
        runtime.install(None)


@app.command()
def demo(
    data_dir: Annotated[
        Path | None, typer.Option(help="Where the SQLite database goes (as the global --data-dir)")
    ] = None,
    extra_reports: Annotated[int, typer.Option(help="Synthetic bulletins beside the 3 real reports")] = 25,
    port: Annotated[
        int,
        typer.Option(help="Port of the demo portal; report URLs include it, so keep it stable between runs"),
    ] = 8391,
) -> None:
    """Serve the bundled demo portal on 127.0.0.1, crawl it, ingest, and print a summary.

    Runs in-process on SQLite: no broker, no server to install. Run it twice: the second
    run stores 0 new versions, and says the reports are not due for a revisit yet (and when).
    Exits 1 when a portal could not be reached at all.

    Example: govreports demo
    """
    from seeds.demo import build_demo_site, serve
    from workers.ingest import run_in_process

    base = _settings()
    updates: dict[str, Any] = {"broker_url": None, "requests_per_second": 50.0}
    if data_dir:
        updates["data_dir"], updates["database_url"] = data_dir, None  # the SQLite database in it
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
            rows = _print_summary(rt, run_in_process(rt, slugs, out))
    _exit_if_unreachable(rows)
    # The database the demo wrote, whichever way it was chosen (demo --data-dir, the global options, the
    # environment); said only when `serve` would not find it by default.
    from workers.config import _default_data_dir

    url = settings.effective_database_url
    default = _settings(data_dir=_default_data_dir(), database_url=None).effective_database_url
    where = "" if url == default else f" --database-url {url}"
    out.print(
        f"browse it: govreports{where} serve --token <any secret>, then open http://127.0.0.1:8000", soft_wrap=True
    )


def _print_summary(rt: runtime.Runtime, run: CrawlRun) -> list[PortalSummary]:
    """Print what a crawl did for each portal, and in one line for all; the rows, for the exit code.

    Reports not asked because their revisit is not due are said to be so, with the time they are
    due: "nothing changed upstream" is only said when every listed report was asked and answered
    unchanged.
    """
    from workers.ingest import summarise

    rows = summarise(rt, run)
    cells = [
        [r.portal, *(str(n) for n in (r.listed, r.new, r.fetched, r.not_modified, r.changed, r.not_due, r.failed))]
        for r in rows
    ]
    table = Table(title="crawled")
    for n, column in enumerate(("portal", "listed", "new", "fetched", "not modified", "changed", "not due", "failed")):
        # Slugs and counts are never cut on a narrow terminal: the headers wrap instead.
        widest = max((len(row[n]) for row in cells), default=0)
        table.add_column(column, justify="left" if n == 0 else "right", no_wrap=True, min_width=widest)
    for row in cells:
        table.add_row(*row)
    out.print(table)
    for r in rows:
        if r.not_due and r.next_revisit:
            out.print(f"{r.portal}: {r.not_due} not due yet (next revisit {_utc(r.next_revisit)})")
        if r.failed and r.first_error:
            out.print(f"{r.portal}: {r.failed} failed; first: {r.first_error}", soft_wrap=True)
    out.print(_crawl_line(rows), soft_wrap=True)
    warned = sum(r.warned for r in rows)
    if warned:
        out.print(f"{warned} stored with cleaning warnings: check with govreports reports")
    return rows


def _crawl_line(rows: list[PortalSummary]) -> str:
    """'3 new versions stored (1 changed upstream); 25 not modified; 5 not due yet (next revisit …)'."""
    created, changed = sum(r.new_versions for r in rows), sum(r.changed for r in rows)
    fetched, unchanged = sum(r.fetched for r in rows), sum(r.not_modified for r in rows)
    not_due, failed = sum(r.not_due for r in rows), sum(r.failed for r in rows)
    parts = [f"{created} new versions stored" + (f" ({changed} changed upstream)" if changed else "")]
    if unchanged:
        parts.append(f"{unchanged} not modified")
    if not_due:
        due = min((r.next_revisit for r in rows if r.next_revisit), default=None)
        parts.append(f"{not_due} not due yet" + (f" (next revisit {_utc(due)})" if due else ""))
    if failed:
        parts.append(f"{failed} failed")
    if fetched and unchanged == fetched and not not_due and not failed:
        parts.append("nothing changed upstream")
    if not sum(r.listed for r in rows) and not failed:
        parts.append("no reports listed")
    return "; ".join(parts)


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _exit_if_unreachable(rows: list[PortalSummary]) -> None:
    """Exit 1 when a portal could not be reached at all (no list page answered), naming it and the URL."""
    unreachable = [r for r in rows if r.unreachable]
    for r in unreachable:
        err.print(
            f"[red]error:[/] portal {escape(r.portal)} could not be reached: {escape(str(r.unreachable))}; "
            "check its seed URL in the registry, or the network",
            soft_wrap=True,
        )
    if unreachable:
        raise typer.Exit(1)


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

    In-process it prints, per portal, the reports listed, new, fetched, not modified, changed,
    not due yet (with the next revisit) and failed, and exits 1 when a portal could not be
    reached at all.

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
        rows = _print_summary(rt, run_in_process(rt, slugs, out, full=full))
    _exit_if_unreachable(rows)


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A report as .txt, .html, .pdf, .docx or .xlsx")],
    format: Annotated[str, typer.Option("--format", help="jsonl (for scripts and the scorer) or table")] = "table",
) -> None:
    """Print every metric of one report file.

    Example: govreports extract report.txt --format jsonl  (a .pdf, .docx or .xlsx report is read too)
    """
    from pipelines.metrics import extract_metrics
    from workers.file_commands import read_article, write_metrics_jsonl

    if format not in ("jsonl", "table"):
        raise CliError(f"--format {format!r}: use jsonl or table")
    if format == "jsonl":
        write_metrics_jsonl(file, sys.stdout)
        return
    article = read_article(file)
    metrics = extract_metrics(article.body, title=article.title)
    table = Table(title=f"{len(metrics)} metrics in {file.name}")
    for column in ("name", "value", "unit", "qualifier", "target", "conf.", "evidence"):
        table.add_column(column, overflow="fold")
    for m in metrics:
        target = "yes" if m.target else ""
        table.add_row(m.name, str(m.value), m.unit, m.qualifier, target, f"{m.confidence:.2f}", m.evidence[:80])
    out.print(table)


@app.command()
def clean(
    file: Annotated[Path, typer.Argument(help="A report page as .html or .txt, or a report as .pdf, .docx or .xlsx")],
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
    from workers.file_commands import write_cleaned

    write_cleaned(file, format, sys.stdout)


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
    from workers.file_commands import no_links_message, write_links

    if not write_links(file, base_url, sys.stdout):
        err.print(escape(no_links_message(file)))


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
    from pipelines.store.queries import report_summaries

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
    from pipelines.store import diff as store_diff
    from pipelines.store.queries import versions_of

    with _runtime() as rt, rt.sessions() as session:
        rows = versions_of(session, url)
        if not rows:
            raise CliError(f"no stored report at {url}; list them with `govreports reports`")
        table = Table(title=url)
        for column in ("version", "origin", "fetched", "sha256", "chars", "metrics", "extractor", "metric changes"):
            table.add_column(column)
        # Indicators added, removed or changed against the version before, as `govreports diff` counts them.
        changes = store_diff.metric_changes_per_version(
            {v.version: [store_diff.MetricFact.of(m) for m in v.metrics] for v in rows}
        )
        for v in rows:
            table.add_row(
                str(v.version),
                v.origin,  # fetch: the portal's page (an edit upstream); reprocess: our reader read it again
                f"{v.fetched_at:%Y-%m-%d %H:%M}",
                v.content_sha256[:12],
                str(len(v.clean_text)),
                str(len(v.metrics)),
                v.extractor_version,
                "" if changes[v.version] is None else str(changes[v.version]),
            )
    out.print(table)


@app.command()
def diff(
    url: Annotated[str, typer.Argument(help="The report's URL, as `govreports reports` shows it")],
    from_version: Annotated[
        int | None, typer.Option("--from", help="The older version; default: the one before --to")
    ] = None,
    to_version: Annotated[int | None, typer.Option("--to", help="The newer version; default: the latest")] = None,
    format: Annotated[
        str, typer.Option("--format", help="text (coloured lines, then a table of metric deltas), json or unified")
    ] = "text",
) -> None:
    """Show what changed between two versions of a report: its lines, and its indicators added, removed and changed.

    Indicators are matched by name and the sentence around them, not by position: a moved paragraph
    changes none, and an edited number is one change (old → new). `--format json` prints one object
    {"url", "from", "to", "lines", "metrics": {"added", "removed", "changed"}}; `unified` a plain
    unified diff of the cleaned texts.

    Example: govreports diff http://127.0.0.1:8391/yj/zwgk/gzbg/content/post_1001.html --from 1 --to 2
    """
    from pipelines.store import diff as store_diff
    from pipelines.store.queries import load_versions, version_numbers

    if format not in ("text", "json", "unified"):
        raise CliError(f"--format {format!r}: use text, json or unified")
    with _runtime() as rt, rt.sessions() as session:
        old_no, new_no = _diff_versions(url, version_numbers(session, url), from_version, to_version)
        loaded = load_versions(session, url, (old_no, new_no))
    old, new = loaded[old_no], loaded[new_no]
    if format == "unified":
        labels = (f"{url} v{old_no}", f"{url} v{new_no}")
        sys.stdout.write(store_diff.unified_diff(old.clean_text, new.clean_text, *labels))
        return
    lines = store_diff.diff_text(old.clean_text, new.clean_text)
    delta = store_diff.diff_metrics(old.metrics, new.metrics)
    if format == "json":
        payload = {"url": url, "from": old_no, "to": new_no, "lines": [line.as_json() for line in lines]}
        sys.stdout.write(json.dumps({**payload, "metrics": delta.as_json()}, ensure_ascii=False) + "\n")
        return
    out.print(f"{url}: version {old_no} ({old.fetched_at:%Y-%m-%d %H:%M}) → {new_no} ({new.fetched_at:%Y-%m-%d %H:%M})")
    if not lines:
        out.print("the cleaned texts are the same")
    for line in lines:
        for text in _diff_line_texts(line):
            out.print(text, soft_wrap=True)  # a paragraph is one line: let the terminal wrap it
    _print_metric_delta(delta)


def _diff_versions(url: str, stored: list[int] | None, older: int | None, newer: int | None) -> tuple[int, int]:
    """The (from, to) versions to compare: the latest and the one before unless given; a CliError
    naming the fix when the report, a version or a second version is missing."""
    if stored is None:
        raise CliError(f"no stored report at {url}; list them with `govreports reports`")
    if not stored:
        raise CliError(f"{url} is listed but no version is stored yet; crawl its portal with `govreports crawl`")
    for option, number in (("--from", older), ("--to", newer)):
        if number is not None and number not in stored:
            have = f"{stored[0]}–{stored[-1]}" if len(stored) > 1 else str(stored[0])
            raise CliError(
                f"{option} {number}: {url} has no version {number} (it has {have}); see `govreports versions {url}`"
            )
    if len(stored) == 1:
        raise CliError(
            f"only one version of {url} is stored; diff needs two: another is stored once the report "
            "changes upstream and its portal is crawled again"
        )
    newer = stored[-1] if newer is None else newer
    if older is None:
        before = [n for n in stored if n < newer]
        if not before:
            raise CliError(f"--to {newer} is the first version of {url}; give --from with the version to compare")
        older = before[-1]
    return older, newer


def _diff_line_texts(line: store_diff.LineDiff) -> list[Text]:
    """A removed line in red, an added one in green, a changed one as both with its changes highlighted."""
    texts = []
    if line.old is not None:
        texts.append(_diff_side("-", line.old_no, line.old, line.old_changes, "red"))
    if line.new is not None:
        texts.append(_diff_side("+", line.new_no, line.new, line.new_changes, "green"))
    return texts


def _diff_side(sign: str, number: int | None, line: str, changes: tuple[tuple[int, int], ...], style: str) -> Text:
    body = Text(line, style=style)
    for start, end in changes:
        body.stylize(f"bold reverse {style}", start, end)
    return Text.assemble((f"{sign}{number:>5} ", f"dim {style}"), body)


def _shown(metric: store_diff.MetricFact) -> str:
    """'99.8 %', 'over 98 % (target)': a value as a reader says it, never 99.8000000000."""
    from pipelines.store.queries import plain

    text = f"{plain(metric.value)} {metric.unit}".strip()
    text = text if metric.qualifier == "exact" else f"{metric.qualifier} {text}"
    return text + (" (target)" if metric.target else "")


def _print_metric_delta(delta: store_diff.MetricDelta) -> None:
    counts = f"{len(delta.added)} added, {len(delta.removed)} removed, {len(delta.changed)} changed"
    if not delta.count:
        out.print(f"metrics: none changed ({delta.unchanged} the same)")
        return
    table = Table(title=f"metrics: {counts}, {delta.unchanged} the same")
    table.add_column("change")
    table.add_column("indicator", overflow="fold")
    table.add_column("value", no_wrap=True)
    table.add_column("evidence", overflow="fold")
    for c in delta.changed:
        name = c.new.name if c.old.name == c.new.name else f"{c.old.name} → {c.new.name}"
        value = f"{_shown(c.old)} → {_shown(c.new)}"
        table.add_row("changed", name, value, c.new.evidence[:80], style="yellow")
    for m in delta.removed:
        table.add_row("removed", m.name, _shown(m), m.evidence[:80], style="red")
    for m in delta.added:
        table.add_row("added", m.name, _shown(m), m.evidence[:80], style="green")
    out.print(table)


def _metric_records(filters: MetricFilter) -> list[MetricRecord]:
    from pipelines.store.queries import metric_records

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


def _filters(
    portal: str | None,
    region: str | None,
    year: int | None,
    report: str | None,
    since: str | None,
    target: bool,
    result: bool,
    min_confidence: float | None,
    extractor_version: str | None,
) -> MetricFilter:
    """The context filters `metrics` and `export` share, from their options."""
    from pipelines.store.queries import MetricFilter

    return MetricFilter(
        portal=portal,
        region=region,
        year=year,
        report_url=report,
        since=_since(since),
        target=_kind(target, result),
        min_confidence=min_confidence,
        extractor_version=extractor_version,
    )


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
    float | None,
    typer.Option(
        help="Only records at least this likely right: 0..1, the extractor's probability that a record is right "
        "(0.9 drops the least sure tenth or so, where a third of the wrong records are)"
    ),
]
ExtractorOption = Annotated[
    str | None,
    typer.Option(help="The set this extractor made (e.g. 1.1.0), kept when `reprocess` replaced it; default: today's"),
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
    extractor_version: ExtractorOption = None,
) -> None:
    """Query metrics of the current versions, each with its report, period and place.

    Example: govreports metrics --name 办结率 --unit % --region 河源 --year 2022
    """
    from pipelines.store.queries import plain

    filters = _filters(portal, region, year, report, since, target, result, min_confidence, extractor_version)
    records = _metric_records(replace(filters, name_contains=name, unit=unit))
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
    format: Annotated[str, typer.Option("--format", help="csv, jsonl or parquet (needs --output)")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write; default stdout")] = None,
    portal: PortalOption = None,
    region: RegionOption = None,
    year: YearOption = None,
    report: ReportOption = None,
    since: SinceOption = None,
    target: TargetOption = False,
    result: ResultOption = False,
    min_confidence: ConfidenceOption = None,
    extractor_version: ExtractorOption = None,
) -> None:
    """Export the metrics of current versions, one row each with its report, period, place and confidence.

    Values are numbers (99.94, 1234500000), dates ISO; ready for a spreadsheet or pandas. Parquet
    (the `parquet` extra) keeps the types: value float64, published a date.

    Example: govreports export --format csv -o metrics.csv --year 2023 --min-confidence 0.9
    """
    from pipelines import parquet_export
    from pipelines.store.queries import MetricRecord

    if format not in ("csv", "jsonl", "parquet"):
        raise CliError(f"--format {format!r}: use csv, jsonl or parquet")
    parquet_file = _parquet_output(output) if format == "parquet" else None
    filters = _filters(portal, region, year, report, since, target, result, min_confidence, extractor_version)
    records = _metric_records(filters)
    if parquet_file is not None:
        parquet_export.write_metrics(parquet_file, records)
    else:
        rows = [m.as_row() for m in records]
        stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            _write_rows(stream, rows, format, tuple(MetricRecord.__dataclass_fields__))
        finally:
            if output:
                stream.close()
    if output:
        err.print(f"wrote {len(records)} metrics to {escape(str(output))}")


def _parquet_output(output: Path | None) -> Path:
    """The file a Parquet export goes to, checked before any query: binary data is never written to a
    terminal, and a missing pyarrow is one line naming the extra."""
    from pipelines import parquet_export

    if output is None:
        raise CliError("--format parquet writes a binary file: give --output FILE, e.g. -o metrics.parquet")
    try:
        parquet_export.require()
    except parquet_export.ParquetUnavailable as exc:
        raise CliError(str(exc)) from exc
    return output


def _write_rows(stream: TextIO, rows: list[dict[str, Any]], format: str, columns: tuple[str, ...]) -> None:
    """Rows in long format: one JSON object a line, or CSV with a header (`columns` when there are no rows)."""
    if format == "jsonl":
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(stream, fieldnames=list(rows[0]) if rows else list(columns))
    writer.writeheader()
    writer.writerows(rows)


@app.command("series")
def series_command(
    indicator: Annotated[str, typer.Argument(help="The indicator, e.g. 网上可办率 (places and levels are ignored)")],
    region: RegionOption = None,
    portal: PortalOption = None,
    format: Annotated[
        str, typer.Option("--format", help="table, csv, jsonl (long format) or parquet (needs --output)")
    ] = "table",
    min_confidence: ConfidenceOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File for csv, jsonl or parquet")] = None,
) -> None:
    """One indicator over periods and places: one row per period and place, with its report and evidence.

    Names are lined up by a canonical key (全市政务服务事项网上可办率 and 网上可办率 are one indicator);
    each row keeps the name as the report wrote it.

    Example: govreports series 全流程网办率 --region 河源 --format csv
    """
    from pipelines import parquet_export
    from pipelines.series import canonical, series
    from pipelines.store.queries import MetricFilter, plain

    if format not in ("table", "csv", "jsonl", "parquet"):
        raise CliError(f"--format {format!r}: use table, csv, jsonl or parquet")
    parquet_file = _parquet_output(output) if format == "parquet" else None
    records = _metric_records(
        MetricFilter(portal=portal, region=region, min_confidence=min_confidence, indicator=indicator)
    )
    points = series(records, indicator)
    keys = [canonical(p.record.name) for p in points]
    if parquet_file is not None:
        parquet_export.write_metrics(parquet_file, [p.record for p in points], leading={"canonical": keys})
        return
    if format in ("jsonl", "csv"):
        rows = [{"canonical": key, **p.record.as_row()} for key, p in zip(keys, points, strict=True)]
        stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            _write_rows(stream, rows, format, ("period", "region"))
        finally:
            if output:
                stream.close()
        return
    table = Table(title=f"{indicator}: {len(points)} periods and places")
    for column in ("period", "region", "value", "unit", "name", "report", "evidence"):
        table.add_column(column, overflow="fold")
    for point in points:
        m = point.record
        table.add_row(point.period, point.region, plain(m.value), m.unit, m.name, m.title[:30], m.evidence[:50])
    out.print(table)


@app.command()
def reprocess(
    portal: PortalOption = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every version, not only each report's current one (older versions get their metrics "
            "extracted again from their stored text)",
        ),
    ] = False,
) -> None:
    """Clean and extract stored pages again when a newer reader or extractor has been deployed.

    Each report's current version made by an older reader (pipelines/article.py READER_VERSION) or
    extractor (pipelines/metrics.py EXTRACTOR_VERSION) is read again from its stored page; no portal
    is asked. The same cleaned text keeps its version and gets the new metrics, the old set staying
    queryable (`govreports metrics --extractor-version OLD`); another cleaned text becomes a new
    version marked `reprocess` in `govreports versions`, never taken for an upstream edit. In-process
    without a broker (a progress bar, then what it did; exits 1 when a version failed), else queued
    for the workers on the process queue. Run it twice: the second run finds nothing to do.

    Example: govreports reprocess --portal demo-heyuan
    """
    from workers.reprocess import enqueue, portal_selectors, run_in_process, running

    with _runtime() as rt:
        if portal:
            portal_selectors(rt, portal)  # an unknown slug is an error naming the known ones
        if not rt.settings.eager:
            out.print(f"queued reprocess of {portal or 'every portal'}: task {enqueue(portal=portal, every=every)}")
            return
        now = running()
        summary = run_in_process(rt, out, portal=portal, every=every)
    if not summary.stale:
        which = "version" if every else "current version"
        made_by = f"reader {now.reader_version} and extractor {now.extractor_version}"
        out.print(f"nothing to reprocess: every {which} was made by {made_by}")
        return
    out.print(summary.line() + f" (reader {now.reader_version}, extractor {now.extractor_version})")
    if summary.failed:
        err.print(f"{summary.failed} failed: see `govreports status`")
        raise typer.Exit(1)


@portals_app.command("list")
def portals_list(registry: Annotated[Path | None, typer.Option(help="Registry file")] = None) -> None:
    """List the portals of the registry.

    Example: govreports portals list
    """
    from scrapers.registry import load_registry

    reg = load_registry(registry or _settings().registry_path)
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
    from scrapers.registry import load_registry

    reg = load_registry(registry or _settings().registry_path)
    out.print(f"ok: {len(reg.portals)} portals")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema.

    Example: GOVREPORTS_DATABASE_URL=postgresql+psycopg://localhost/govreports govreports db upgrade
    """
    from pipelines.store import migrate

    url = _settings().effective_database_url
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
    """Queue lengths, workers online, the last crawl of each portal, the reports still waiting to be
    fetched or processed, failures of the last 24 h, and the reports whose current version was
    stored with cleaning warnings.

    Without a broker it says so and shows the database part. Exits 1 when a configured broker or
    the database does not answer.

    Example: GOVREPORTS_BROKER_URL=redis://127.0.0.1:6379/0 govreports status
    """
    from workers.status import gather

    state = gather(_settings(), timeout=timeout, warned=max(0, warned))
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
    out.print(
        f"reports waiting: {state.unfetched} listed, not fetched yet; {state.unprocessed} fetched, not processed yet"
    )
    out.print(f"failures in the last 24 h: {len(state.failures)}")
    if state.failures_kept:
        out.print(
            f"failures seen while the database was away, waiting in Redis to be written: {state.failures_kept} "
            "(the next task or beat's sweep writes them)"
        )
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
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    host: Annotated[
        str, typer.Option(help="Address to bind (loopback by default; 0.0.0.0 inside a container)")
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(help="API token for this run (over GOVREPORTS_API_TOKEN); people sign in with it at /login"),
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="No token: only for data meant for everyone (GOVREPORTS_API_PUBLIC)")
    ] = False,
) -> None:
    """Serve the read API (/api, OpenAPI at /docs) and the analyst's page over the database.

    Read-only: nothing here writes. A token is asked for (GOVREPORTS_API_TOKEN or --token) unless
    --public; without either, it refuses to start.

    Example: govreports serve --token "$(openssl rand -hex 16)"   then open http://127.0.0.1:8000
    """
    import uvicorn

    from pipelines.store.migrate import current_revision, head_revision
    from workers.web.app import create_app

    updates: dict[str, Any] = {}
    if token:
        updates["api_token"] = token
    if public:
        updates["api_public"] = True
    settings = _settings(**updates)
    if settings.api_token is None and not settings.api_public:
        raise CliError("the API needs a token: pass --token or set GOVREPORTS_API_TOKEN (or --public for open data)")
    url = settings.effective_database_url
    if current_revision(url) != head_revision():
        raise CliError(f"the database at {url} is not at this govreports' schema: run `govreports db upgrade`")
    out.print(f"govreports page and API on http://{host}:{port} (API docs: /docs), database {url}", soft_wrap=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", proxy_headers=False)


@app.command()
def flower(
    port: Annotated[int, typer.Option(help="Port to listen on")] = 5555,
    address: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
) -> None:
    """Start Flower on the broker, behind basic auth. Refuses to start without credentials.

    Example: GOVREPORTS_FLOWER_USER=ops GOVREPORTS_FLOWER_PASSWORD=… govreports flower --address 0.0.0.0
    """
    settings = _settings()
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
    except GovreportsError as exc:  # CliError, RegistryError, a fetch error … (scrapers/errors.py)
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)  # one line, whatever the width
        sys.exit(2)
    except Exception as exc:
        # SQLAlchemy is imported only by the commands that open a database: if it is not loaded, this
        # cannot be its error.
        sa_exc = sys.modules.get("sqlalchemy.exc")
        if sa_exc is None or not isinstance(exc, sa_exc.OperationalError):
            raise
        err.print(f"[red]error:[/] database unavailable: {escape(str(exc.orig))}; check GOVREPORTS_DATABASE_URL")
        sys.exit(3)
