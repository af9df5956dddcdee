"""The project's exception tree: one root, split by what a task does about a failure.

Every exception scrapers, pipelines and workers define is a `GovreportsError`, and exactly one of
`TransientError` (retry it: the same call may succeed later) or `PermanentError` (record it and move
on: the same call fails the same way). The tasks (workers/tasks.py) decide by the branch; the CLI
prints any of them as one line (workers/cli.py `main`). tests/test_error_tree.py holds every class
defined in the project to this.

GovreportsError                     root: everything the project raises on purpose
├── TransientError                  retry with backoff: timeouts, 5xx, connection errors,
│   │                               database or broker unavailable
│   ├── TransientFetchError         (also a CrawlError) timeouts, connection errors, 5xx, 429
│   ├── ListPagesFailed             workers.tasks: a list page failed transiently; found so far kept
│   └── PublishFailed               workers.tasks: the next step could not be queued (broker)
├── PermanentError                  record and move on: 404, parse errors, bad input, bad configuration
│   ├── PermanentFetchError         (also a CrawlError) recorded, never retried
│   │   ├── HTTPStatusFailure       4xx other than 429 (404, 410, 403 …)
│   │   ├── BlockedURL              off the portal's hosts, or a refused address
│   │   ├── RobotsDisallowed        robots.txt says no
│   │   ├── TooLarge                body over the configured size limit
│   │   └── UndecodableBody         no encoding gives text without mojibake
│   ├── RegistryError               portals.yaml unreadable or invalid (names file, entry, field)
│   ├── AttachmentUnreadable        pipelines.attachments: a PDF/DOCX/XLSX that cannot be read
│   ├── ParquetUnavailable          pipelines.parquet_export: pyarrow is not installed
│   ├── QueryTooSlow                pipelines.store.limits: past the statement deadline (narrow it)
│   ├── BadCursor                   pipelines.store.browse: a cursor the API did not write (ValueError)
│   ├── TextKept                    workers.reprocess: a re-read gave no usable text
│   ├── CliError                    workers.cli: bad input to a command, with what to do
│   └── NotAllowed                  workers.web.app: no token, or no way to sign in
└── CrawlError                      a category, never raised itself: one URL of one portal
                                    failed (carries the portal slug, URL and status);
                                    TransientFetchError and PermanentFetchError refine it

Outside the tree, and transient all the same for the tasks: SQLAlchemy's OperationalError and
InterfaceError (the database is down) and Celery's SoftTimeLimitExceeded (workers/tasks.py TRANSIENT).
Any other exception in a task is a crash: recorded, and raised so that Celery marks the task failed.

Why here: scrapers and pipelines import nothing of each other today, and both must reach the root.
This module imports nothing but the standard library and `scrapers/__init__.py` is a docstring, so
`from scrapers.errors import PermanentError` in pipelines costs no HTTP library and closes no cycle;
it is the one thing of scrapers that pipelines may import (tests/test_error_tree.py checks it). A
third top-level package for a dozen lines would be one more thing to install and list everywhere.
"""

from __future__ import annotations


class GovreportsError(Exception):
    """Root of every exception the project raises on purpose; catch a branch, not this, to decide."""


class TransientError(GovreportsError):
    """The same call may succeed later: retry with backoff (timeouts, 5xx, connection errors,
    database or broker unavailable)."""


class PermanentError(GovreportsError):
    """The same call fails the same way: record it and move on (404, parse errors, bad input,
    bad configuration)."""


class CrawlError(GovreportsError):
    """A fetch or discovery failure for one URL of one portal."""

    def __init__(self, message: str, *, url: str = "", portal: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.portal = portal
        self.status = status

    def __str__(self) -> str:
        where = f" [{self.portal}]" if self.portal else ""
        return f"{self.args[0]}{where}: {self.url}" if self.url else f"{self.args[0]}{where}"


class TransientFetchError(CrawlError, TransientError):
    """The portal may answer next time: retry with backoff (no sooner than `retry_after`)."""

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        portal: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url, portal=portal, status=status)
        self.retry_after = retry_after


class PermanentFetchError(CrawlError, PermanentError):
    """Retrying will not help: record and move on."""


class HTTPStatusFailure(PermanentFetchError):
    """A 4xx answer other than 429."""


class BlockedURL(PermanentFetchError):
    """The URL leaves the portal's allowed hosts or resolves to a refused address."""


class TooLarge(PermanentFetchError):
    """The body exceeds the size limit; it was cut off unread."""


class UndecodableBody(PermanentFetchError):
    """No candidate encoding decodes the body cleanly."""


class RegistryError(PermanentError):
    """The portal registry cannot be loaded; the message names file, entry and field."""


class RobotsDisallowed(PermanentFetchError):
    """robots.txt of the host disallows the URL for our User-Agent: skipped, never fetched."""
