"""The fetcher: one polite, safe GET through a shared httpx.Client.

Order of the checks (kept in this order on purpose, like Scrapy's downloader middlewares):
address guard → robots.txt → rate limit → in-flight cap → conditional GET (connecting only to
addresses the guard vets again at connect time) → streamed body with a size cap → redirects
re-checked by the guard → decode.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from scrapers.connect import GuardedTransport, connect_policy
from scrapers.encoding import decode_body
from scrapers.errors import (
    BlockedURL,
    CrawlError,
    HTTPStatusFailure,
    RobotsDisallowed,
    TooLarge,
    TransientFetchError,
    UndecodableBody,
)
from scrapers.guard import check_url
from scrapers.limits import DEFAULT_MAX_BODY_BYTES
from scrapers.ratelimit import HostRateLimiter, RateLimiter
from scrapers.registry import Portal
from scrapers.robots import RobotsCache


@dataclass(frozen=True)
class FetchPolicy:
    """The limits every fetch obeys; built from the settings at the entry point."""

    user_agent: str = "govreports/0.1 (+https://github.com/govreports/govreports)"
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_redirects: int = 5
    requests_per_second: float = 1.0
    max_connections_per_host: int = 2
    respect_robots: bool = True
    max_retry_after: float = 300.0


# What Google reads of a robots.txt; the rest of a larger one is ignored by crawlers, refused here.
ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True)
class FetchResult:
    """One answered GET. `body` is empty and `not_modified` true for a 304."""

    url: str
    status: int
    body: bytes
    text: str
    encoding: str | None
    etag: str | None
    last_modified: str | None
    elapsed_ms: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def make_client(policy: FetchPolicy) -> httpx.Client:
    """The one client a process uses (connection pool shared by every fetch)."""
    timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": policy.user_agent},
        trust_env=False,
        transport=GuardedTransport(),
    )


class Fetcher:
    """Fetches pages of one portal at a time, within its hosts and the policy."""

    def __init__(self, client: httpx.Client, policy: FetchPolicy, limiter: RateLimiter | None = None) -> None:
        self.client = client
        self.policy = policy
        self.limiter = limiter or HostRateLimiter()
        self.robots = RobotsCache(policy.user_agent)

    def _fetch_robots(self, url: str, portal: Portal, rate: float) -> tuple[int | None, str]:
        """robots.txt, asked like any page: within the host's rate and in-flight cap, and size-capped."""
        try:
            status, _headers, body = self._stream(url, {}, portal, rate=rate, limit=ROBOTS_MAX_BYTES)
        except CrawlError:
            return None, ""
        return status, body.decode("utf-8", "replace") if status == 200 else ""

    def get(
        self,
        url: str,
        portal: Portal,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        decode: bool = True,
    ) -> FetchResult:
        """GET `url` for `portal`; raises a TransientFetchError or PermanentFetchError on failure.

        `decode=False` for binary files (attachments): `text` stays empty.
        """
        started = time.monotonic()
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            rate = self._admit(current, portal)
            status, response_headers, body = self._stream(current, headers, portal, rate=rate)
            if status in (301, 302, 303, 307, 308) and "location" in response_headers:
                current = urljoin(current, response_headers["location"])
                continue
            return self._result(current, status, response_headers, body, portal, started, decode)
        raise BlockedURL(f"more than {self.policy.max_redirects} redirects", url=url, portal=portal.slug)

    def _admit(self, url: str, portal: Portal) -> float:
        """Refuse a URL the guard or robots.txt forbid; the host's rate for it (robots' Crawl-delay applied)."""
        check_url(url, allowed_hosts=portal.allowed_hosts, private_networks=portal.private_networks, portal=portal.slug)
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rate = portal.rate_limit_per_second or self.policy.requests_per_second
        if self.policy.respect_robots:
            rules = self.robots.rules(origin, lambda robots_url: self._fetch_robots(robots_url, portal, rate))
            if not rules.allowed(url):
                raise RobotsDisallowed("robots.txt disallows this URL", url=url, portal=portal.slug)
            if rules.crawl_delay:
                rate = min(rate, 1.0 / rules.crawl_delay)
        return rate

    def _stream(
        self, url: str, headers: dict[str, str], portal: Portal, *, rate: float, limit: int | None = None
    ) -> tuple[int, httpx.Headers, bytes]:
        """The status, headers and body of one GET, sent in its turn of the host's rate while holding
        one of the host's in-flight slots.

        The in-flight slot is taken first and the rate turn second: a request that took its rate turn
        and then queued for a slot would go out late, right beside the next request's own turn, and
        bunch the host's requests closer than its rate (bench/load.py saw 35 ms gaps at 5/s).
        """
        host = urlsplit(url).hostname or ""
        with ExitStack() as held:
            try:
                held.enter_context(self.limiter.turn(host, self.policy.max_connections_per_host, rate))
            except TransientFetchError as exc:  # the host is paused, or no slot came: name the URL handed back
                raise TransientFetchError(
                    str(exc.args[0]), url=url, portal=portal.slug, retry_after=exc.retry_after
                ) from exc
            held.enter_context(connect_policy(portal.private_networks, portal.slug))
            try:
                return self._stream_unbounded(url, headers, portal, limit or self.policy.max_body_bytes)
            except BlockedURL as exc:  # refused at connect: name the URL, not only the host
                raise BlockedURL(f"{exc.args[0]} when connecting", url=url, portal=portal.slug) from exc

    def _stream_unbounded(
        self, url: str, headers: dict[str, str], portal: Portal, limit: int
    ) -> tuple[int, httpx.Headers, bytes]:
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                declared = int(response.headers.get("content-length") or 0)
                if declared > limit:
                    raise TooLarge(
                        f"declared {declared} bytes > limit {limit}",
                        url=url,
                        portal=portal.slug,
                        status=response.status_code,
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(
                            f"body over the limit of {limit} bytes",
                            url=url,
                            portal=portal.slug,
                            status=response.status_code,
                        )
                    chunks.append(chunk)
                return response.status_code, response.headers, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise TransientFetchError(f"timed out ({type(exc).__name__})", url=url, portal=portal.slug) from exc
        except httpx.TransportError as exc:
            raise TransientFetchError(f"connection failed ({type(exc).__name__})", url=url, portal=portal.slug) from exc
        except httpx.DecodingError as exc:
            raise TransientFetchError(f"content decoding failed: {exc}", url=url, portal=portal.slug) from exc

    def _result(
        self,
        url: str,
        status: int,
        headers: httpx.Headers,
        body: bytes,
        portal: Portal,
        started: float,
        decode: bool = True,
    ) -> FetchResult:
        elapsed = int((time.monotonic() - started) * 1000)
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(headers.get("retry-after"))
            if retry_after is not None:
                retry_after = min(retry_after, self.policy.max_retry_after)
                self.limiter.pause(urlsplit(url).hostname or "", retry_after)
            raise TransientFetchError(
                f"HTTP {status}", url=url, portal=portal.slug, status=status, retry_after=retry_after
            )
        if status >= 400:
            raise HTTPStatusFailure(f"HTTP {status}", url=url, portal=portal.slug, status=status)
        try:
            text, encoding = (
                ("", None) if status == 304 or not decode else decode_body(body, headers.get("content-type"))
            )
        except UndecodableBody as exc:
            raise UndecodableBody(str(exc.args[0]), url=url, portal=portal.slug, status=status) from exc
        return FetchResult(
            url=url,
            status=status,
            body=body,
            text=text,
            encoding=encoding,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            elapsed_ms=elapsed,
        )
