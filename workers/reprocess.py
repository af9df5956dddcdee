"""Re-extraction: stored pages read again by the running reader and extractor (`govreports reprocess`).

Every time cleaning or extraction improves, the versions already stored keep what the old code
made of them; this brings them up to date without asking the portals again. One version is read
in one transaction, cleaned and extracted outside any, and written in a second one
(pipelines/store/reprocessing.py says what a re-read changes and how it stays apart from an
upstream edit). A version done is marked with the running versions, so a run stopped half-way
resumes where it stopped, and a second run finds nothing to do.

The tasks (workers/tasks.py: `reprocess` plans, `reprocess_versions` works a batch) run on the
`process` queue; without a broker `run_in_process` runs the batches here with a progress bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rich.console import Console

from pipelines.article import READER_VERSION
from pipelines.batches import batched
from pipelines.metrics import EXTRACTOR_VERSION, extract_metrics
from pipelines.period import period_of
from pipelines.store.reprocessing import (
    NewText,
    Outcome,
    Reread,
    Running,
    StoredPage,
    load_stored_page,
    stale_version_ids,
    write_reprocessed,
)
from pipelines.store.versioning import content_hash
from scrapers.errors import PermanentError, RegistryError
from scrapers.registry import Registry, Selectors, load_registry
from workers.outcomes import ReprocessBatchAnswer
from workers.progress import progress_bar
from workers.runtime import Runtime
from workers.steps import read_page


class TextKept(PermanentError):
    """The page read again gave no usable text: the version keeps its stored text (metrics are
    re-extracted from it), and this is recorded in fetch_events as a failure to look at."""


def running() -> Running:
    """The reader and extractor of this deploy."""
    return Running(READER_VERSION, EXTRACTOR_VERSION)


@dataclass(frozen=True)
class VersionDone:
    """What reprocessing one version did; `kept_text` says why a re-read text was not used."""

    outcome: Outcome
    version: int | None = None
    kept_text: TextKept | None = None
    report_id: int | None = None
    url: str | None = None


def stale_versions(rt: Runtime, *, portal: str | None = None, every: bool = False) -> list[int]:
    """Ids of the versions older code made: current versions (and with `every`, all of them)."""
    with rt.sessions() as session:
        return stale_version_ids(session, running(), portal=portal, every=every)


def reprocess_version(rt: Runtime, version_id: int) -> VersionDone:
    """Read one stored version again and store the result; a version already up to date is skipped."""
    now = running()
    with rt.sessions() as session:
        page = load_stored_page(session, version_id)
    if page is None or not page.stale(now):
        return VersionDone("skipped")
    # Only a current version's page is read again, with its portal's selectors as a fetch reads it.
    selectors = portal_selectors(rt, page.portal) if page.current else None
    result, kept = reread(page, selectors)
    with rt.transaction() as session:
        outcome, number = write_reprocessed(session, page, result, now)
    return VersionDone(outcome, number, kept if outcome != "skipped" else None, page.report_id, page.url)


def portal_selectors(rt: Runtime, slug: str) -> Selectors:
    """The selectors a fetch of `slug` reads its pages with; RegistryError when no registry entry is left.

    A demo portal is left out of the runtime's registry unless the demo server runs (its seeds name
    no address then), yet its stored pages are read with its selectors all the same.
    """
    try:
        return rt.registry.get(slug).selectors
    except RegistryError:
        return _registry_file(rt.settings.registry_path).get(slug).selectors


@cache
def _registry_file(path: Path | None) -> Registry:
    return load_registry(path)


def reread(page: StoredPage, selectors: Selectors | None) -> tuple[Reread, TextKept | None]:
    """Clean (current versions) and extract again, outside any transaction.

    The version's own metrics are always of its stored text, so their offsets point into the text
    stored beside them. The text is compared as a fetch compares it (content_hash): the same text
    re-wrapped is no new version.
    """
    if selectors is None:
        return Reread(extract_metrics(page.clean_text, title=page.title), period_of(page.title, page.clean_text)), None
    article = read_page(page.raw_html, page.url, selectors)
    # As workers.steps.process extracts: with the title the page shows (which may be empty).
    stored = Reread(
        extract_metrics(page.clean_text, title=article.title),
        period_of(article.title or page.title, page.clean_text),
        reader_ran=True,
    )
    if page.attachment_text is None:
        return stored, TextKept("its attachment texts cannot be told apart from the body: the stored text is kept")
    if not article.body.strip() and not page.attachment_text.strip():
        return stored, TextKept("the page read again has no body: the stored text is kept")
    body = article.body + page.attachment_text
    if content_hash(body) == page.content_sha256:
        return stored, None
    title = article.title or page.title
    new = NewText(
        title=title,
        clean_text=body,
        metrics=extract_metrics(body, title=article.title),
        period=period_of(title, body),
        warnings=article.warnings,
        published=article.published,
    )
    return Reread(stored.metrics, stored.period, reader_ran=True, new_text=new), None


@dataclass
class ReprocessSummary:
    """What a run did: versions found stale, and of those re-extracted (a new metric set), given a new
    version (the text read again changed), unchanged (the same metrics), skipped (done meanwhile by
    another run) and failed (recorded in fetch_events; left stale, or with their stored text kept)."""

    stale: int = 0
    re_extracted: int = 0
    new_version: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0

    def add(self, answer: ReprocessBatchAnswer) -> None:
        """Count in what one reprocess_versions batch answered."""
        self.re_extracted += answer.re_extracted
        self.new_version += answer.new_version
        self.unchanged += answer.unchanged
        self.skipped += answer.skipped
        self.failed += answer.failed

    def line(self) -> str:
        """'28 stale versions: 3 re-extracted, 1 new version, 24 unchanged, 0 failed'."""
        versions = "new version" if self.new_version == 1 else "new versions"
        parts = [
            f"{self.re_extracted} re-extracted",
            f"{self.new_version} {versions}",
            f"{self.unchanged} unchanged",
            f"{self.failed} failed",
        ]
        if self.skipped:
            parts.append(f"{self.skipped} done meanwhile by another run")
        return f"{self.stale} stale versions: " + ", ".join(parts)


def run_in_process(
    rt: Runtime, console: Console, *, portal: str | None = None, every: bool = False
) -> ReprocessSummary:
    """Reprocess every stale version here, batch after batch through the real task, with a progress bar."""
    from workers import tasks

    ids = stale_versions(rt, portal=portal, every=every)
    summary = ReprocessSummary(stale=len(ids))
    if not ids:
        return summary
    size = rt.settings.reprocess_batch_size
    with progress_bar(console) as progress:
        bar = progress.add_task("reprocess", total=len(ids))
        for batch in batched(ids, size):
            done = tasks.reprocess_versions.apply(args=(batch,))
            if done.successful():
                summary.add(ReprocessBatchAnswer.from_json(done.result))
            else:  # a crash: recorded in fetch_events, and every version of the batch left stale
                summary.add(ReprocessBatchAnswer(len(batch), failed=len(batch)))
            progress.advance(bar, len(batch))
    return summary


def enqueue(*, portal: str | None = None, every: bool = False) -> str:
    """Send the planning task to the broker (the workers find the stale versions); its task id."""
    from workers import tasks

    return str(tasks.reprocess.delay(portal=portal, every=every).id)
