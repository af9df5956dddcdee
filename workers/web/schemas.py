"""The read API's JSON shapes: pydantic models built from the query layer's records.

A metric has the same fields here as a row of `govreports export` (`MetricRecord.as_row`), so a
script can move between the CLI and the API without renaming anything. Values are JSON numbers
(99.94, 1234500000), never strings.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from pipelines.store import browse
from pipelines.store.diff import LineDiff, MetricDelta, json_number


class Problem(BaseModel):
    """RFC 9457 problem details: what went wrong and what to do."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str


class Portal(BaseModel):
    slug: str
    name: str
    region: str
    agency: str
    last_crawl_at: datetime | None
    last_crawl_outcome: str | None = Field(description="What the last crawl did, as `govreports crawl` said it")
    reports: int
    versions: int
    failures_24h: int

    @classmethod
    def of(cls, p: browse.PortalHealth) -> Portal:
        return cls(**p.__dict__)


class ReportItem(BaseModel):
    id: int
    portal: str
    region: str
    url: str
    title: str
    published: date | None
    period: str | None = Field(description="What the report is about: 2022, 2024-Q1, 2025-04 or 2021–2025")
    versions: int
    last_seen_at: datetime

    @classmethod
    def of(cls, r: browse.ReportItem) -> ReportItem:
        return cls(**r.__dict__)


class ReportPage(BaseModel):
    items: list[ReportItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class Version(BaseModel):
    version: int
    fetched_at: datetime
    created_at: datetime
    origin: str = Field(description="fetch: read from the portal (an upstream edit after v1); reprocess: our reader")
    period: str | None
    chars: int
    metrics: int
    metric_changes: int | None = Field(description="Indicators added, removed or changed against the version before")
    warnings: list[str]
    reader_version: str | None
    extractor_version: str

    @classmethod
    def of(cls, v: browse.VersionItem) -> Version:
        return cls(**{**v.__dict__, "warnings": list(v.warnings)})


class ReportDetail(ReportItem):
    agency: str
    history: list[Version]

    @classmethod
    def of_detail(cls, d: browse.ReportDetail) -> ReportDetail:
        return cls(**d.report.__dict__, agency=d.agency, history=[Version.of(v) for v in d.versions])


class PlacedMetric(BaseModel):
    seq: int
    name: str
    value: int | float
    unit: str
    qualifier: str
    target: bool
    confidence: float | None
    evidence: str
    start: int = Field(description="Where the evidence starts in clean_text (characters)")
    end: int

    @classmethod
    def of(cls, m: browse.PlacedMetric) -> PlacedMetric:
        return cls(**{**m.__dict__, "value": json_number(m.value)})


class VersionContent(BaseModel):
    report: ReportItem
    version: int
    fetched_at: datetime
    origin: str
    clean_text: str
    metrics: list[PlacedMetric]

    @classmethod
    def of(cls, c: browse.VersionContent) -> VersionContent:
        return cls(
            report=ReportItem.of(c.report),
            version=c.version,
            fetched_at=c.fetched_at,
            origin=c.origin,
            clean_text=c.clean_text,
            metrics=[PlacedMetric.of(m) for m in c.metrics],
        )


class Metric(BaseModel):
    """A metric in its context: the same fields as a row of `govreports export`, plus ids for links."""

    id: int
    report_id: int
    seq: int
    portal: str
    region: str
    agency: str
    url: str
    title: str
    published: date | None
    period: str | None
    version: int
    name: str
    value: int | float
    unit: str
    qualifier: str
    target: bool
    confidence: float | None
    evidence: str

    @classmethod
    def of(cls, hit: browse.MetricHit) -> Metric:
        return cls(id=hit.id, report_id=hit.report_id, seq=hit.seq, **hit.record.as_row())


class MetricPage(BaseModel):
    items: list[Metric]
    next_cursor: str | None


class LineChange(BaseModel):
    op: str = Field(description="removed, added or changed")
    old_no: int | None
    new_no: int | None
    old: str | None
    new: str | None
    old_changes: list[tuple[int, int]] = Field(description="[start, end) ranges that differ in the old line")
    new_changes: list[tuple[int, int]]

    @classmethod
    def of(cls, line: LineDiff) -> LineChange:
        return cls(**line.as_json())


class Diff(BaseModel):
    report_id: int
    from_version: int
    to_version: int
    lines: list[LineChange]
    metrics: dict[str, list[dict[str, object]]] = Field(description="added, removed and changed indicators")
    unchanged_metrics: int

    @classmethod
    def of(cls, report_id: int, old: int, new: int, lines: tuple[LineDiff, ...], delta: MetricDelta) -> Diff:
        return cls(
            report_id=report_id,
            from_version=old,
            to_version=new,
            lines=[LineChange.of(line) for line in lines],
            metrics=delta.as_json(),
            unchanged_metrics=delta.unchanged,
        )


class SeriesPoint(BaseModel):
    period: str
    region: str
    metric: Metric


class Series(BaseModel):
    indicator: str
    canonical: str = Field(description="The key names were lined up by (place, level and verbs removed)")
    points: list[SeriesPoint]
    truncated: bool = Field(description="True when more candidate metrics matched than one request reads")


class Health(BaseModel):
    status: str
    database: str
    schema_revision: str | None
