"""What the tasks answer: typed on both sides, plain JSON between.

A Celery result may travel through a result backend, so it must stay JSON: each task returns its
answer's `as_json()`, and whoever reads an answer (workers/ingest.py, workers/reprocess.py, the tests)
reads it back with `from_json()`. No other code reads an answer's keys. The keys are the ones the
tasks answered with before these types (a few answers gained the id they concern).

    crawl_portal        CrawlAnswer           what the list pages gave (Listing), or why none
    fetch_report        FetchAnswer           also each report of a fetch_reports batch
    fetch_reports       FetchBatchAnswer      the batch's FetchAnswers, counted
    process_report      ProcessAnswer
    resend_stuck        ResendAnswer
    reprocess           ReprocessPlanAnswer
    reprocess_versions  ReprocessBatchAnswer

A task body that does not get to its answer is `Stopped` (workers/tasks.py `_guarded`): skipped,
failed (a PermanentError, recorded), gave up (a TransientError after its last retry, recorded),
handed off (a transient failure in a batch, sent on alone) or crashed (any other exception).

Imports nothing but the standard library: the CLI reads answers without loading Celery.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

JSON = dict[str, Any]


class Stop(StrEnum):
    """How a task body ended without its own answer."""

    SKIPPED = "skipped"  # nothing failed: robots.txt says no, a crawl of the portal runs, no such report
    FAILED = "failed"  # a PermanentError: recorded in fetch_events, not retried
    GAVE_UP = "gave_up"  # a TransientError (or the database down) after the last retry: recorded
    HANDED_OFF = "handed_off"  # transient, one report of a batch: sent on alone as fetch_report
    CRASHED = "crashed"  # an exception outside the tree: recorded (and raised, unless in a batch)


# The answer's key for each way of stopping (GAVE_UP adds "gave_up_after": the retries used).
_STOP_KEY = {
    Stop.SKIPPED: "skipped",
    Stop.FAILED: "error",
    Stop.GAVE_UP: "error",
    Stop.HANDED_OFF: "handed_off",
    Stop.CRASHED: "crashed",
}


@dataclass(frozen=True)
class Stopped:
    """Why a task (or one report of a batch) has no answer of its own."""

    how: Stop
    reason: str
    retries: int = 0  # GAVE_UP: the retries used before giving up

    @property
    def failed(self) -> bool:
        """A failure (in fetch_events), not a skip or a hand-off."""
        return self.how in (Stop.FAILED, Stop.GAVE_UP, Stop.CRASHED)

    def as_json(self) -> JSON:
        answer: JSON = {_STOP_KEY[self.how]: self.reason}
        if self.how is Stop.GAVE_UP:
            answer["gave_up_after"] = self.retries
        return answer

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Stopped | None:
        if "gave_up_after" in data:
            return cls(Stop.GAVE_UP, str(data["error"]), int(data["gave_up_after"]))
        if "error" in data:
            return cls(Stop.FAILED, str(data["error"]))
        for how in (Stop.CRASHED, Stop.HANDED_OFF, Stop.SKIPPED):
            reason = data.get(_STOP_KEY[how])
            if isinstance(reason, str):  # a reprocess batch's "skipped" is a count, not a reason
                return cls(how, reason)
        return None


def _stopped_json(stopped: Stopped | None) -> JSON:
    return stopped.as_json() if stopped is not None else {}


# --- crawl_portal ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstError:
    """The first failure of a portal's crawl: the URL asked and what went wrong."""

    url: str
    error: str

    def __str__(self) -> str:
        return f"{self.url}: {self.error}" if self.url else self.error


@dataclass(frozen=True)
class Listing:
    """What one walk of a portal's list pages found (workers/steps.py `CrawlOutcome`, as it travels)."""

    report_ids: tuple[int, ...] = ()  # due reports: queued (or, with follow=False, left to the caller)
    new: int = 0  # listed reports first seen now
    errors: int = 0  # list pages that failed
    pages: int = 0  # list pages that answered
    listed: int = 0  # report links on them
    not_due: int = 0  # listed, not asked: last fetched inside the revisit window
    next_revisit: datetime | None = None  # when the first of those falls due
    reached: bool = True  # False: no list page answered
    first_error: FirstError | None = None

    def as_json(self) -> JSON:
        first = self.first_error
        return {
            "report_ids": list(self.report_ids),
            "new": self.new,
            "errors": self.errors,
            "pages": self.pages,
            "listed": self.listed,
            "not_due": self.not_due,
            "next_revisit": self.next_revisit.isoformat() if self.next_revisit else None,
            "reached": self.reached,
            "first_error": {"url": first.url, "error": first.error} if first is not None else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Listing:
        first = data.get("first_error")
        revisit = data.get("next_revisit")
        return cls(
            report_ids=tuple(int(i) for i in data["report_ids"]),
            new=int(data["new"]),
            errors=int(data["errors"]),
            pages=int(data["pages"]),
            listed=int(data["listed"]),
            not_due=int(data["not_due"]),
            next_revisit=datetime.fromisoformat(revisit) if revisit else None,
            reached=bool(data["reached"]),
            first_error=FirstError(str(first["url"]), str(first["error"])) if first else None,
        )


@dataclass(frozen=True)
class CrawlAnswer:
    """crawl_portal's answer: the listing, or why there is none (a registry error, a crawl of the
    portal already running, a permanent failure), or both (list pages failed after some answered)."""

    portal: str
    listing: Listing | None = None
    stopped: Stopped | None = None

    @property
    def reached(self) -> bool:
        """False when no list page answered (or the crawl failed before any was asked)."""
        if self.listing is not None:
            return self.listing.reached
        return self.stopped is None or not self.stopped.failed

    @property
    def first_error(self) -> FirstError | None:
        """The first list page's failure, else why the crawl failed without one."""
        if self.listing is not None and self.listing.first_error is not None:
            return self.listing.first_error
        if self.stopped is not None and self.stopped.failed:
            return FirstError("", self.stopped.reason)
        return None

    def as_json(self) -> JSON:
        listing = self.listing.as_json() if self.listing is not None else {}
        return {"portal": self.portal, **listing, **_stopped_json(self.stopped)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CrawlAnswer:
        listing = Listing.from_json(data) if "report_ids" in data else None
        return cls(str(data["portal"]), listing, Stopped.from_json(data))


# --- fetch_report, fetch_reports ---------------------------------------------------------------

Tally = Literal["fetched", "not_modified", "handed_off", "recorded"]


@dataclass(frozen=True)
class FetchAnswer:
    """One report's fetch: a fetch event whose processing is queued, a 304, or how it stopped."""

    report: int
    fetch_event: int | None = None
    not_modified: bool = False
    stopped: Stopped | None = None

    @property
    def tally(self) -> Tally:
        """How a batch counts it: a skip (robots.txt, no such report), a failure or a crash is
        `recorded` (each in fetch_events but the missing report, which has nowhere to be recorded)."""
        if self.fetch_event is not None:
            return "fetched"
        if self.not_modified:
            return "not_modified"
        if self.stopped is not None and self.stopped.how is Stop.HANDED_OFF:
            return "handed_off"
        return "recorded"

    def as_json(self) -> JSON:
        answer: JSON = {"report": self.report}
        if self.fetch_event is not None:
            answer["fetch_event"] = self.fetch_event
        if self.not_modified:
            answer["not_modified"] = True
        return {**answer, **_stopped_json(self.stopped)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FetchAnswer:
        event = data.get("fetch_event")
        return cls(
            int(data["report"]),
            int(event) if event is not None else None,
            bool(data.get("not_modified", False)),
            Stopped.from_json(data),
        )


@dataclass(frozen=True)
class FetchBatchAnswer:
    """fetch_reports' answer: its reports, counted by how each ended (a batch split at the time
    limit counts those it got to), or, when the database is down past the retries, why none was."""

    reports: int
    fetched: int = 0
    not_modified: int = 0
    handed_off: int = 0
    recorded: int = 0
    stopped: Stopped | None = None

    @classmethod
    def of(cls, reports: int, answers: Iterable[FetchAnswer]) -> FetchBatchAnswer:
        tallies = [answer.tally for answer in answers]
        return cls(
            reports,
            fetched=tallies.count("fetched"),
            not_modified=tallies.count("not_modified"),
            handed_off=tallies.count("handed_off"),
            recorded=tallies.count("recorded"),
        )

    def as_json(self) -> JSON:
        return {
            "reports": self.reports,
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "handed_off": self.handed_off,
            "recorded": self.recorded,
            **_stopped_json(self.stopped),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FetchBatchAnswer:
        return cls(
            int(data["reports"]),
            int(data["fetched"]),
            int(data["not_modified"]),
            int(data["handed_off"]),
            int(data["recorded"]),
            Stopped.from_json(data),
        )


# --- process_report, resend_stuck --------------------------------------------------------------


@dataclass(frozen=True)
class ProcessAnswer:
    """process_report's answer: the version stored (`created`), or none and why (`reason`)."""

    fetch_event: int
    version: int | None = None
    created: bool = False
    metrics: int = 0
    reason: str = ""
    stopped: Stopped | None = None

    def as_json(self) -> JSON:
        if self.stopped is not None:
            return {"fetch_event": self.fetch_event, **self.stopped.as_json()}
        return {
            "fetch_event": self.fetch_event,
            "version": self.version,
            "created": self.created,
            "metrics": self.metrics,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProcessAnswer:
        version = data.get("version")
        return cls(
            int(data["fetch_event"]),
            int(version) if version is not None else None,
            bool(data.get("created", False)),
            int(data.get("metrics", 0)),
            str(data.get("reason", "")),
            Stopped.from_json(data),
        )


@dataclass(frozen=True)
class ProcessBatchAnswer:
    """process_pages' answer: its pages counted by how each ended (`failed`: the page's own error,
    recorded, its body kept), or, when the database is down past the retries, why none was."""

    pages: int
    created: int = 0
    unchanged: int = 0
    skipped: int = 0  # already processed, or no body found
    failed: int = 0
    metrics: int = 0
    stopped: Stopped | None = None

    @classmethod
    def of(cls, pages: int, answers: Iterable[ProcessAnswer]) -> ProcessBatchAnswer:
        done = list(answers)
        return cls(
            pages,
            created=sum(1 for a in done if a.created),
            unchanged=sum(1 for a in done if a.stopped is None and a.version is not None and not a.created),
            skipped=sum(1 for a in done if a.stopped is None and a.version is None),
            failed=sum(1 for a in done if a.stopped is not None),
            metrics=sum(a.metrics for a in done),
        )

    def as_json(self) -> JSON:
        return {
            "pages": self.pages,
            "created": self.created,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "metrics": self.metrics,
            **_stopped_json(self.stopped),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProcessBatchAnswer:
        return cls(
            int(data["pages"]),
            int(data.get("created", 0)),
            int(data.get("unchanged", 0)),
            int(data.get("skipped", 0)),
            int(data.get("failed", 0)),
            int(data.get("metrics", 0)),
            Stopped.from_json(data),
        )


@dataclass(frozen=True)
class ResendAnswer:
    """resend_stuck's answer: fetched pages queued again for processing, and listed reports whose
    fetch never ran queued again for fetching."""

    resent: int = 0
    refetched: int = 0
    stopped: Stopped | None = None

    def as_json(self) -> JSON:
        return {"resent": self.resent, "refetched": self.refetched, **_stopped_json(self.stopped)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResendAnswer:
        return cls(int(data.get("resent", 0)), int(data.get("refetched", 0)), Stopped.from_json(data))


# --- reprocess, reprocess_versions -------------------------------------------------------------


@dataclass(frozen=True)
class ReprocessPlanAnswer:
    """reprocess' answer: stale versions found and the batches they were sent in."""

    versions: int = 0
    batches: int = 0
    stopped: Stopped | None = None

    def as_json(self) -> JSON:
        return {"versions": self.versions, "batches": self.batches, **_stopped_json(self.stopped)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReprocessPlanAnswer:
        return cls(int(data.get("versions", 0)), int(data.get("batches", 0)), Stopped.from_json(data))


Redone = Literal["re_extracted", "new_version", "unchanged", "skipped", "failed"]


@dataclass(frozen=True)
class ReprocessBatchAnswer:
    """reprocess_versions' answer: its versions, counted by what re-reading each did (workers/reprocess.py
    `ReprocessSummary` says what each count means); `stopped` when the database stayed down."""

    versions: int
    re_extracted: int = 0
    new_version: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    stopped: Stopped | None = None

    @classmethod
    def of(cls, versions: int, done: Iterable[Redone], stopped: Stopped | None = None) -> ReprocessBatchAnswer:
        counted = list(done)
        return cls(
            versions,
            re_extracted=counted.count("re_extracted"),
            new_version=counted.count("new_version"),
            unchanged=counted.count("unchanged"),
            skipped=counted.count("skipped"),
            failed=counted.count("failed"),
            stopped=stopped,
        )

    def as_json(self) -> JSON:
        return {
            "versions": self.versions,
            "re_extracted": self.re_extracted,
            "new_version": self.new_version,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            **_stopped_json(self.stopped),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReprocessBatchAnswer:
        return cls(
            int(data["versions"]),
            int(data["re_extracted"]),
            int(data["new_version"]),
            int(data["unchanged"]),
            int(data["skipped"]),
            int(data["failed"]),
            Stopped.from_json(data),
        )
