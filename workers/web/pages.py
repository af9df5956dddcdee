"""The analyst's page: server-rendered HTML over the same routes' data, no JavaScript.

Jinja2 escapes every value (autoescape on for every template), `href` draws a link only for an
http(s) URL, and the page's CSP has no script source: a portal title carrying `<script>`,
`onerror=` or a `javascript:` link shows as text.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from pipelines.store import browse
from pipelines.store.diff import MetricFact, diff_metrics, diff_text
from pipelines.store.queries import MetricFilter, plain
from workers.web import api, chart, schemas
from workers.web.app import COOKIE, HERE, Web, allowed, page_limit, read_session, web

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(read_session)]
WebDep = Annotated[Web, Depends(web)]
Allowed = Depends(allowed)
# A filter form sends its empty Year box as `year=`: that means no year, not a bad one.
FormYear = Annotated[
    int | None, BeforeValidator(lambda v: None if isinstance(v, str) and not v.strip() else v), Query()
]


def href(url: str | None) -> str | None:
    """`url` when it is an http(s) address; None for anything else (javascript:, data:, relative tricks)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def number(value: Any) -> str:
    from decimal import Decimal

    return plain(Decimal(str(value))) if value is not None else ""


templates = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), auto_reload=False
)
templates.filters["href"] = href
templates.filters["number"] = number


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**context), status_code=status)


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    return render("error.html", status=status, title=title, detail=detail)


@dataclass(frozen=True)
class Segment:
    """A run of a version's text, marked when it is a metric's evidence."""

    text: str
    metric: browse.PlacedMetric | None = None


def segments(text: str, metrics: list[browse.PlacedMetric]) -> list[Segment]:
    """`text` cut at the metrics' evidence spans (the first of overlapping spans wins)."""
    out: list[Segment] = []
    at = 0
    for m in sorted(metrics, key=lambda m: (m.start, m.seq)):
        if m.start < at or m.end > len(text) or m.start >= m.end:
            continue
        if m.start > at:
            out.append(Segment(text[at : m.start]))
        out.append(Segment(text[m.start : m.end], m))
        at = m.end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def marked(line: str | None, ranges: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """A diff line as (text, changed) runs from its [start, end) ranges."""
    if line is None:
        return []
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in ranges:
        if start > at:
            out.append((line[at:start], False))
        out.append((line[start:end], True))
        at = end
    if at < len(line):
        out.append((line[at:], False))
    return out


templates.globals["marked"] = marked


# --- sign in -----------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never //host or a scheme)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_form(w: WebDep, next: str | None = None) -> Response:
    return render("login.html", next=_safe_next(next), configured=w.settings.api_token is not None, failed=False)


@router.post("/login")
async def login(request: Request, w: WebDep) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (form.get("token") or [""])[0]
    target = _safe_next((form.get("next") or ["/"])[0])
    secret = w.settings.api_token
    if secret is None or not hmac.compare_digest(token.encode(), secret.get_secret_value().encode()):
        return render("login.html", status=401, next=target, configured=secret is not None, failed=True)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        w.cookie_value() or "",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=14 * 24 * 3600,
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/favicon.ico")
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/docs")
def docs() -> Response:
    """Swagger UI from vendored files (no CDN): the OpenAPI of /api."""
    return render("docs.html")


# --- pages -------------------------------------------------------------------------------------


@router.get("/", dependencies=[Allowed])
def portals_page(session: SessionDep) -> Response:
    return render("portals.html", portals=browse.portal_health(session), nav="portals")


@router.get("/reports", dependencies=[Allowed])
def reports_page(
    session: SessionDep,
    w: WebDep,
    portal: str | None = None,
    region: str | None = None,
    year: FormYear = None,
    q: str | None = None,
    cursor: str | None = None,
) -> Response:
    filters = browse.ReportFilter(portal=portal or None, region=region or None, year=year, title_contains=q or None)
    page = browse.report_page(session, filters, limit=page_limit(50, w), cursor=cursor or None)
    query = {"portal": portal or "", "region": region or "", "year": year or "", "q": q or ""}
    return render("reports.html", page=page, query=query, nav="reports")


@router.get("/reports/{report_id}", dependencies=[Allowed])
def report_page(
    session: SessionDep,
    report_id: int,
    from_version: Annotated[int | None, Query(alias="from")] = None,
    to_version: Annotated[int | None, Query(alias="to")] = None,
) -> Response:
    detail = api.report_or_404(session, report_id)
    comparison = None
    if len(detail.versions) > 1:
        old, new = api.versions_to_compare(detail, from_version, to_version)
        a, b = api.content_or_404(session, report_id, old), api.content_or_404(session, report_id, new)
        comparison = {
            "old": old,
            "new": new,
            "lines": [schemas.LineChange.of(line) for line in diff_text(a.clean_text, b.clean_text)],
            "metrics": diff_metrics([MetricFact.of(m) for m in a.metrics], [MetricFact.of(m) for m in b.metrics]),
        }
    return render("report.html", detail=detail, comparison=comparison, nav="reports")


@router.get("/reports/{report_id}/versions/{version}", dependencies=[Allowed])
def version_page(session: SessionDep, report_id: int, version: int) -> Response:
    content = api.content_or_404(session, report_id, version)
    return render(
        "version.html", content=content, segments=segments(content.clean_text, content.metrics), nav="reports"
    )


@router.get("/metrics", dependencies=[Allowed])
def metrics_page(
    session: SessionDep,
    w: WebDep,
    name: str | None = None,
    region: str | None = None,
    portal: str | None = None,
    year: FormYear = None,
    cursor: str | None = None,
) -> Response:
    filters = MetricFilter(name_contains=name or None, region=region or None, portal=portal or None, year=year)
    searched = any((name, region, portal, year))
    page = browse.metric_page(session, filters, limit=page_limit(100, w), cursor=cursor or None) if searched else None
    query = {"name": name or "", "region": region or "", "portal": portal or "", "year": year or ""}
    return render("metrics.html", page=page, query=query, nav="metrics")


@router.get("/series", dependencies=[Allowed])
def series_page(
    session: SessionDep, indicator: str = "", region: str | None = None, portal: str | None = None
) -> Response:
    result = None
    drawn = None
    if indicator.strip():
        filters = MetricFilter(indicator=indicator, region=region or None, portal=portal or None)
        result = api.series_of(session, indicator.strip(), filters)
        drawn = chart.layout(result.points)
    query = {"indicator": indicator, "region": region or "", "portal": portal or ""}
    return render("series.html", result=result, chart=drawn, query=query, nav="series")
