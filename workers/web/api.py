"""The JSON routes under /api: every one reads, none writes; each answers a problem when it cannot."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session

from pipelines.indicator import canonical
from pipelines.series import series
from pipelines.store import browse
from pipelines.store.diff import MetricFact, diff_metrics, diff_text
from pipelines.store.queries import MetricFilter
from workers.web import schemas
from workers.web.app import Web, allowed, page_limit, read_session, web

router = APIRouter(prefix="/api", dependencies=[Depends(allowed)], responses={401: {"model": schemas.Problem}})

SessionDep = Annotated[Session, Depends(read_session)]
WebDep = Annotated[Web, Depends(web)]
Limit = Annotated[int, Query(ge=1, description="Rows a page (at most GOVREPORTS_API_MAX_PAGE_SIZE)")]
Cursor = Annotated[str | None, Query(description="next_cursor of the page before")]
SERIES_CANDIDATES = 20_000  # metrics one series request reads at most; more sets `truncated`


@router.get("/portals", tags=["portals"])
def portals(session: SessionDep) -> list[schemas.Portal]:
    """Every portal with its last crawl, what it did, what is stored and the failures of the last 24 hours."""
    return [schemas.Portal.of(p) for p in browse.portal_health(session)]


@router.get("/reports", tags=["reports"])
def reports(
    session: SessionDep,
    w: WebDep,
    portal: str | None = None,
    region: Annotated[str | None, Query(description="The portal's region contains this (广州, 河源)")] = None,
    year: Annotated[int | None, Query(description="The report's period covers this year")] = None,
    q: Annotated[str | None, Query(description="Text in the title")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> schemas.ReportPage:
    """Reports, newest published first, a page at a time."""
    filters = browse.ReportFilter(portal=portal, region=region, year=year, title_contains=q)
    page = browse.report_page(session, filters, limit=page_limit(limit, w), cursor=cursor)
    return schemas.ReportPage(items=[schemas.ReportItem.of(r) for r in page.items], next_cursor=page.next_cursor)


def report_or_404(session: Session, report_id: int) -> browse.ReportDetail:
    detail = browse.report_detail(session, report_id)
    if detail is None:
        raise HTTPException(404, f"no report {report_id}: list them at /api/reports")
    return detail


@router.get("/reports/{report_id}", tags=["reports"], responses={404: {"model": schemas.Problem}})
def report(session: SessionDep, report_id: int) -> schemas.ReportDetail:
    """One report with every stored version, oldest first, and how many indicators each changed."""
    return schemas.ReportDetail.of_detail(report_or_404(session, report_id))


def content_or_404(session: Session, report_id: int, version: int) -> browse.VersionContent:
    content = browse.version_content(session, report_id, version)
    if content is None:
        raise HTTPException(404, f"report {report_id} has no version {version}: see /api/reports/{report_id}")
    return content


@router.get("/reports/{report_id}/versions/{version}", tags=["reports"], responses={404: {"model": schemas.Problem}})
def version(session: SessionDep, report_id: int, version: int) -> schemas.VersionContent:
    """A version's cleaned text and its metrics, each with where its evidence sits in the text."""
    return schemas.VersionContent.of(content_or_404(session, report_id, version))


def versions_to_compare(detail: browse.ReportDetail, old: int | None, new: int | None) -> tuple[int, int]:
    """`old` and `new`, defaulting to the last two versions; 404 names what exists."""
    numbers = [v.version for v in detail.versions]
    if not numbers:
        raise HTTPException(404, f"report {detail.report.id} has no stored version yet")
    new = numbers[-1] if new is None else new
    old = (numbers[-2] if len(numbers) > 1 else numbers[-1]) if old is None else old
    for n in (old, new):
        if n not in numbers:
            raise HTTPException(404, f"report {detail.report.id} has versions {numbers}, not {n}")
    return old, new


@router.get("/reports/{report_id}/diff", tags=["reports"], responses={404: {"model": schemas.Problem}})
def diff(
    session: SessionDep,
    report_id: int,
    from_version: Annotated[int | None, Query(alias="from", description="Default: the version before `to`")] = None,
    to_version: Annotated[int | None, Query(alias="to", description="Default: the latest version")] = None,
) -> schemas.Diff:
    """What changed between two versions: lines (with in-line ranges) and indicators (matched by name and evidence)."""
    old, new = versions_to_compare(report_or_404(session, report_id), from_version, to_version)
    a, b = content_or_404(session, report_id, old), content_or_404(session, report_id, new)
    delta = diff_metrics([MetricFact.of(m) for m in a.metrics], [MetricFact.of(m) for m in b.metrics])
    return schemas.Diff.of(report_id, old, new, diff_text(a.clean_text, b.clean_text), delta)


def metric_filter(
    portal: str | None = None,
    region: Annotated[str | None, Query(description="The portal's region contains this")] = None,
    year: Annotated[int | None, Query(description="The report's period covers this year")] = None,
    name: Annotated[str | None, Query(description="Text in the metric's name")] = None,
    indicator: Annotated[str | None, Query(description="Names lined up by canonical key, as in series")] = None,
    unit: str | None = None,
    report_url: str | None = None,
    since: Annotated[date | None, Query(description="Published on or after (YYYY-MM-DD)")] = None,
    kind: Annotated[Literal["target", "result"] | None, Query(description="Targets or results only")] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    extractor_version: Annotated[str | None, Query(description="The set an older extractor made")] = None,
) -> MetricFilter:
    """The filters of `govreports metrics`, from query parameters."""
    return MetricFilter(
        portal=portal,
        region=region,
        year=year,
        name_contains=name,
        indicator=indicator,
        unit=unit,
        report_url=report_url,
        since=since,
        target=None if kind is None else kind == "target",
        min_confidence=min_confidence,
        extractor_version=extractor_version,
    )


FilterDep = Annotated[MetricFilter, Depends(metric_filter)]


@router.get("/metrics", tags=["metrics"])
def metrics(
    session: SessionDep, w: WebDep, filters: FilterDep, limit: Limit = 100, cursor: Cursor = None
) -> schemas.MetricPage:
    """Metrics in their context (report, period, place), the filters of `govreports metrics`, a page at a time."""
    page = browse.metric_page(session, filters, limit=page_limit(limit, w), cursor=cursor)
    return schemas.MetricPage(items=[schemas.Metric.of(h) for h in page.items], next_cursor=page.next_cursor)


def series_of(session: Session, indicator: str, filters: MetricFilter) -> schemas.Series:
    """One point per period and place for `indicator` (as `govreports series`), from indexed candidates."""
    hits = browse.metric_hits(session, filters, limit=SERIES_CANDIDATES + 1)
    truncated = len(hits) > SERIES_CANDIDATES
    by_record = {id(h.record): h for h in hits[:SERIES_CANDIDATES]}
    points = series((h.record for h in by_record.values()), indicator)
    return schemas.Series(
        indicator=indicator,
        canonical=canonical(indicator),
        points=[
            schemas.SeriesPoint(period=p.period, region=p.region, metric=schemas.Metric.of(by_record[id(p.record)]))
            for p in points
        ],
        truncated=truncated,
    )


@router.get("/series", tags=["metrics"])
def series_route(
    session: SessionDep,
    indicator: Annotated[str, Query(min_length=1, description="e.g. 网上可办率 (places and levels are ignored)")],
    region: str | None = None,
    portal: str | None = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
) -> schemas.Series:
    """One indicator over periods and places, each point with its report and evidence."""
    filters = MetricFilter(indicator=indicator, region=region, portal=portal, min_confidence=min_confidence)
    return series_of(session, indicator, filters)
