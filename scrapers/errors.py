"""The exceptions the scrapers raise.

CrawlError                      root: carries the portal slug and URL it concerns
├── TransientFetchError         worth retrying: timeouts, connection errors, 5xx, 429
└── PermanentFetchError         recorded, never retried
    ├── HTTPStatusFailure       4xx other than 429 (404, 410, 403 …)
    ├── BlockedURL              off the portal's hosts, or a refused address
    ├── RobotsDisallowed        robots.txt says no
    ├── TooLarge                body over the configured size limit
    └── UndecodableBody         no encoding gives text without mojibake

RegistryError                   portals.yaml unreadable or invalid (names file, entry, field)
"""

from __future__ import annotations


class CrawlError(Exception):
    """A fetch or discovery failure for one URL of one portal."""

    def __init__(self, message: str, *, url: str = "", portal: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.portal = portal
        self.status = status

    def __str__(self) -> str:
        where = f" [{self.portal}]" if self.portal else ""
        return f"{self.args[0]}{where}: {self.url}" if self.url else f"{self.args[0]}{where}"


class TransientFetchError(CrawlError):
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


class PermanentFetchError(CrawlError):
    """Retrying will not help: record and move on."""


class HTTPStatusFailure(PermanentFetchError):
    """A 4xx answer other than 429."""


class BlockedURL(PermanentFetchError):
    """The URL leaves the portal's allowed hosts or resolves to a refused address."""


class TooLarge(PermanentFetchError):
    """The body exceeds the size limit; it was cut off unread."""


class UndecodableBody(PermanentFetchError):
    """No candidate encoding decodes the body cleanly."""


class RegistryError(Exception):
    """The portal registry cannot be loaded; the message names file, entry and field."""


class RobotsDisallowed(PermanentFetchError):
    """robots.txt of the host disallows the URL for our User-Agent: skipped, never fetched."""
