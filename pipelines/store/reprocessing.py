"""Re-extraction over the store: which versions are stale, what one holds, and writing what a newer
reader and extractor made of it.

Functions take a Session and never commit. The worker (workers/reprocess.py) reads a version in
one transaction, cleans and extracts outside any, and writes in a second one; the write checks
again, under the report's row lock, that the version still needs it, so two runs of one batch, or
a run beside a fetch of the same report, leave what one run leaves.

What a re-read can change, and how it is kept apart from an upstream edit:
- the same cleaned text: the version keeps its number; its metric set is replaced and the old set
  stays in the table, marked superseded and labelled with the extractor that made it;
- another cleaned text (the current version only): a new version with origin 'reprocess'. History
  versions are never re-cleaned: a page read again would become the latest version and hide the
  report's real latest text, so `--all` re-extracts their stored text only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.orm import Session, selectinload

from pipelines.metrics import Metric
from pipelines.period import Period
from pipelines.store.models import MetricRow, PortalRow, Report, ReportVersion, utcnow
from pipelines.store.versioning import PAGE_KIND, AttachmentRecord, insert_metrics, raw_html_of, store_version

Outcome = Literal["re_extracted", "new_version", "unchanged", "skipped"]


def _release(label: str) -> tuple[int, ...] | None:
    parts = label.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def is_older(stored: str | None, running: str) -> bool:
    """Whether `stored` is a release before `running`, compared as numbers ("1.9.0" before "1.10.0").

    NULL (not recorded) and a label that is no release ("test") are older: the version is read
    again once. A newer release (a rolled-back deploy) is not: it is never re-read by an older one.
    """
    if stored is None:
        return True
    mine, theirs = _release(stored), _release(running)
    if mine is None or theirs is None:
        return stored != running
    return mine < theirs


@dataclass(frozen=True)
class Running:
    """The reader and extractor of this process: a version made by older ones is stale."""

    reader_version: str
    extractor_version: str


def stale_version_ids(
    session: Session, running: Running, *, portal: str | None = None, every: bool = False
) -> list[int]:
    """Ids of the versions to reprocess, oldest first: each report's current version whose reader or
    extractor is older than `running`, and with `every` also the history versions whose extractor is.

    Versions are compared in Python on the few distinct labels stored, since "1.10.0" sorts before
    "1.9.0" as text.
    """
    extractors = [
        v
        for v in session.scalars(select(ReportVersion.extractor_version).distinct())
        if is_older(v, running.extractor_version)
    ]
    readers = [
        v
        for v in session.scalars(select(ReportVersion.reader_version).distinct())
        if v is not None and is_older(v, running.reader_version)
    ]
    stale_extractor = ReportVersion.extractor_version.in_(extractors)
    stale_reader = or_(ReportVersion.reader_version.is_(None), ReportVersion.reader_version.in_(readers))
    condition: ColumnElement[bool] = and_(
        ReportVersion.version == Report.current_version, or_(stale_extractor, stale_reader)
    )
    if every:
        condition = or_(condition, stale_extractor)
    query = (
        select(ReportVersion.id)
        .join(Report, ReportVersion.report_id == Report.id)
        .where(condition)
        .order_by(ReportVersion.id)
    )
    if portal:
        query = query.join(PortalRow, Report.portal_id == PortalRow.id).where(PortalRow.slug == portal)
    return list(session.scalars(query))


MetricKey = tuple[object, ...]


def metric_key(metric: Metric | MetricRow) -> MetricKey:
    """What a stored metric and an extracted one are compared by: every field a reader sees, in order."""
    return (
        metric.name,
        metric.value,
        metric.unit,
        metric.qualifier,
        metric.target,
        metric.evidence,
        metric.start,
        metric.end,
        metric.confidence,
    )


@dataclass(frozen=True)
class StoredPage:
    """One stored version as re-extraction reads it (read in one transaction, used outside it).

    `attachment_text` is the end of `clean_text` that the fetched attachments' texts make (the
    reader never sees it again: the attachments' bodies are not kept), "" when there is none, and
    None when it cannot be told apart from the body.
    """

    version_id: int
    report_id: int
    url: str
    portal: str
    version: int
    current: bool
    title: str
    clean_text: str
    content_sha256: str
    raw_html: str
    fetched_at: datetime
    extractor_version: str
    reader_version: str | None
    attachments: tuple[AttachmentRecord, ...]
    attachment_text: str | None
    metrics: tuple[MetricKey, ...]

    def stale(self, running: Running) -> bool:
        return is_older(self.extractor_version, running.extractor_version) or (
            self.current and is_older(self.reader_version, running.reader_version)
        )


def attachment_text(clean_text: str, attachments: Sequence[AttachmentRecord]) -> str | None:
    """The end of `clean_text` that further pages and attachment texts make ("\\ntext" each page,
    then "\\n附件：name\\ntext" each attachment, as workers/steps.py appends them); "" without any,
    None when the text does not end so."""
    joined = [a for a in attachments if a.text_chars > 0]
    if not joined:
        return ""
    length = sum(1 + len(_heading(a)) + a.text_chars for a in joined)
    tail = clean_text[-length:] if length <= len(clean_text) else ""  # all of it: a page that only embeds a file
    return tail if tail.startswith("\n" + _heading(joined[0])) else None


def _heading(attachment: AttachmentRecord) -> str:
    """What stands before an attachment's text in the clean text: its name; nothing before a page's."""
    return "" if attachment.kind == PAGE_KIND else f"附件：{attachment.name}\n"


def load_stored_page(session: Session, version_id: int) -> StoredPage | None:
    """The version `version_id` with its page, attachments and current metric set; None if gone."""
    found = session.execute(
        select(ReportVersion, Report, PortalRow.slug)
        .join(Report, ReportVersion.report_id == Report.id)
        .join(PortalRow, Report.portal_id == PortalRow.id)
        .where(ReportVersion.id == version_id)
        .options(selectinload(ReportVersion.metrics), selectinload(ReportVersion.attachments))
    ).one_or_none()
    if found is None:
        return None
    version, report, slug = found
    attachments = tuple(
        AttachmentRecord(a.name, a.url, a.kind, a.size_bytes, a.text_chars, a.error) for a in version.attachments
    )
    return StoredPage(
        version_id=version.id,
        report_id=report.id,
        url=report.url,
        portal=slug,
        version=version.version,
        current=version.version == report.current_version,
        title=version.title or report.title,
        clean_text=version.clean_text,
        content_sha256=version.content_sha256,
        raw_html=raw_html_of(version),
        fetched_at=version.fetched_at,
        extractor_version=version.extractor_version,
        reader_version=version.reader_version,
        attachments=attachments,
        attachment_text=attachment_text(version.clean_text, attachments),
        metrics=tuple(metric_key(m) for m in version.metrics),
    )


@dataclass(frozen=True)
class NewText:
    """The page read again gave another cleaned text: what its new version holds."""

    title: str
    clean_text: str
    metrics: Sequence[Metric]
    period: Period | None
    warnings: Sequence[str]
    published: date | None


@dataclass(frozen=True)
class Reread:
    """What the running reader and extractor made of a stored page (computed outside any transaction).

    `metrics` and `period` are of the version's stored text; `reader_ran` is True when the page was
    read again (current versions), `new_text` set when that gave another text.
    """

    metrics: Sequence[Metric]
    period: Period | None
    reader_ran: bool = False
    new_text: NewText | None = None


def write_reprocessed(session: Session, page: StoredPage, reread: Reread, running: Running) -> tuple[Outcome, int]:
    """Store what re-extraction made of `page`: (what was done, the version now holding the result).

    Under the report's row lock the version is checked again: one that no longer needs it (another
    run did it) is 'skipped'. A changed metric set supersedes the stored one, which stays queryable
    by its extractor_version. A new text becomes a new version with origin 'reprocess', unless a
    fetch made a newer version meanwhile (the page read is then history, and keeps its text).
    """
    report = session.scalars(select(Report).where(Report.id == page.report_id).with_for_update()).one_or_none()
    row = session.get(ReportVersion, page.version_id)
    if report is None or row is None:
        return "skipped", page.version
    still_current = page.current and row.version == report.current_version
    reread_text = reread.reader_ran and still_current
    stale_reader = reread_text and is_older(row.reader_version, running.reader_version)
    if not (is_older(row.extractor_version, running.extractor_version) or stale_reader):
        return "skipped", page.version
    outcome: Outcome = "unchanged"
    if tuple(metric_key(m) for m in reread.metrics) != page.metrics:
        _replace_metrics(session, row.id, reread.metrics, running.extractor_version)
        outcome = "re_extracted"
    row.extractor_version = running.extractor_version
    row.period = reread.period.label if reread.period else None
    row.period_from = reread.period.year_from if reread.period else None
    row.period_to = reread.period.year_to if reread.period else None
    if not reread_text:
        return outcome, page.version
    new = reread.new_text
    if new is not None:
        seen = report.last_seen_at  # a re-read is no sighting on the portal
        stored = store_version(
            session,
            report,
            title=new.title,
            clean_text=new.clean_text,
            raw_html=page.raw_html,
            metrics=new.metrics,
            fetched_at=page.fetched_at,
            extractor_version=running.extractor_version,
            reader_version=running.reader_version,
            attachments=page.attachments,
            cleaning_warnings=new.warnings,
            period=new.period,
            origin="reprocess",
        )
        report.last_seen_at = seen
        if stored.created:
            if new.published:
                report.published_at = new.published
            return "new_version", stored.version
    # The same text (or, rarely, the text of an earlier version, which is not made current again):
    # this reader has read the page, and it is not read again.
    row.reader_version = running.reader_version
    return outcome, page.version


def _replace_metrics(session: Session, version_id: int, metrics: Sequence[Metric], extractor_version: str) -> None:
    """Make `metrics` the version's current set; the set it replaces stays, marked superseded.

    A set the same extractor made is not an older extractor's: it is replaced, not kept (one set per
    extractor and version, the unique key).
    """
    session.execute(
        delete(MetricRow).where(MetricRow.version_id == version_id, MetricRow.extractor_version == extractor_version)
    )
    session.execute(
        update(MetricRow)
        .where(MetricRow.version_id == version_id, MetricRow.superseded_at.is_(None))
        .values(superseded_at=utcnow())
    )
    insert_metrics(session, version_id, metrics, extractor_version)
