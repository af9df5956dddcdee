"""Settings from the environment (GOVREPORTS_*), one typed object built at the entry points."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scrapers.limits import DEFAULT_MAX_BODY_BYTES

if TYPE_CHECKING:  # the fetcher (httpx, redis) is imported by the commands that fetch, not by every command
    from scrapers.fetcher import FetchPolicy


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "govreports"


class Settings(BaseSettings):
    """Everything configurable; each field is also GOVREPORTS_<NAME> in the environment or .env."""

    model_config = SettingsConfigDict(env_prefix="GOVREPORTS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Where the embedded SQLite database lives")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db; default SQLite in data_dir",
    )
    broker_url: str | None = Field(
        None, description="Celery broker, e.g. redis://127.0.0.1:6379/0; unset: tasks run in-process"
    )
    result_backend: str | None = Field(None, description="Celery result backend; unset: no results stored")
    redis_url: str | None = Field(
        None,
        description="Redis for cluster-wide rate limits and crawl locks; default: broker_url if it is Redis",
    )
    registry_path: Path | None = Field(None, description="The portal registry YAML; default: the bundled one")
    demo_base_url: str | None = Field(
        None, description="Base URL of a running demo portal, bound into the registry's {demo} entries"
    )
    user_agent: str = Field(
        "govreports/0.1 (+https://github.com/govreports/govreports)", description="Sent with every request"
    )
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to connect")
    read_timeout: float = Field(30.0, gt=0, description="Seconds to wait for data")
    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, gt=0, description="Larger pages are cut off and recorded")
    max_redirects: int = Field(5, ge=0, description="Redirect hops followed per fetch")
    requests_per_second: float = Field(1.0, gt=0, description="Per-host rate unless a portal overrides it")
    max_connections_per_host: int = Field(
        2, ge=1, description="Requests in flight to one host (from the whole cluster when Redis is configured)"
    )
    max_retry_after: float = Field(
        300.0, gt=0, description="Longest pause a host's Retry-After gets, in seconds; longer ones are cut to it"
    )
    respect_robots: bool = Field(True, description="Obey robots.txt (never turn off for real portals)")
    revisit_after_hours: float = Field(
        24.0,
        ge=0,
        description="A known report is fetched again (conditionally) once this long has passed; "
        "0 refetches every listed report on each crawl",
    )
    revisit_min_hours: float = Field(1.0, gt=0, description="Shortest revisit interval the adaptive schedule gives")
    revisit_max_hours: float = Field(
        24.0 * 30, gt=0, description="Longest revisit interval the adaptive schedule gives (a month)"
    )
    fetch_batch_size: int = Field(
        50,
        ge=1,
        description="Reports one fetch_reports task fetches in a row (fewer for slow portals, so a batch "
        "ends well within task_time_limit); one broker message a batch instead of one a report",
    )
    process_batch_size: int = Field(
        10,
        ge=1,
        description="Fetched pages one process_pages task cleans, extracts and stores together (one "
        "message, two transactions); a fetch batch sends its pages on in groups of this many",
    )
    max_attachments: int = Field(10, ge=0, description="Attachments (PDF/DOCX/XLSX) fetched per report page")
    max_continuation_pages: int = Field(
        30, ge=0, description="Further pages of one paginated article (…_1.html, …_2.html) fetched with its first"
    )
    max_retries: int = Field(
        8, ge=0, description="Retries of a task on transient faults (with the backoff: rides out ~4 min of outage)"
    )
    retry_backoff_max: int = Field(600, ge=1, description="Cap in seconds of the exponential retry backoff")
    task_time_limit: int = Field(300, gt=0, description="Hard time limit of one task, in seconds")
    visibility_timeout: int = Field(
        3600,
        ge=10,
        description="Seconds before Redis hands an unacknowledged task (its worker died) to another "
        "worker; keep it well above task_time_limit",
    )
    worker_concurrency: int = Field(2, ge=1, description="Processes per worker")
    reprocess_batch_size: int = Field(
        25, ge=1, description="Stored versions one reprocess_versions task cleans and extracts again in a row"
    )
    reprocess_on_start: bool = Field(
        False,
        description="When beat starts (after a deploy), queue `govreports reprocess`: the current versions "
        "an older reader or extractor made are read again (nothing to do when none is stale)",
    )
    flower_user: str | None = Field(None, description="Flower basic-auth user (Flower refuses to start without)")
    flower_password: SecretStr | None = Field(None, description="Flower basic-auth password")
    log_json: bool = Field(False, description="Structured JSON logs instead of console lines")
    api_token: SecretStr | None = Field(
        None,
        description="Bearer token the read API and page ask for (`Authorization: Bearer …`, or signed in once "
        "on the page); unset: they refuse every request unless api_public is true",
    )
    api_public: bool = Field(
        False, description="Serve the read API and page without a token (only for data meant for everyone)"
    )
    api_max_page_size: int = Field(500, ge=1, description="Most rows one API or page request returns")
    api_query_timeout: float = Field(
        5.0, gt=0, description="Seconds a request's queries may run before the database stops them"
    )
    api_cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed to call the API from a browser; empty: CORS off"
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_through_psycopg(cls, value: str | None) -> str | None:
        """`postgresql://` (and `postgres://`) mean psycopg 3, the driver of the `postgres` extra.

        SQLAlchemy would otherwise pick psycopg2 for `postgresql://` (and know no `postgres://`),
        which the extra does not install: the same database would need two drivers.
        """
        if value is None:
            return None
        for scheme in ("postgresql://", "postgres://"):
            if value.startswith(scheme):
                return "postgresql+psycopg://" + value[len(scheme) :]
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'govreports.sqlite3'}"

    @property
    def eager(self) -> bool:
        """No broker: tasks run in-process, synchronously (the embedded default)."""
        return not self.broker_url

    def fetch_policy(self) -> FetchPolicy:
        from scrapers.fetcher import FetchPolicy

        return FetchPolicy(
            user_agent=self.user_agent,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            max_body_bytes=self.max_body_bytes,
            max_redirects=self.max_redirects,
            requests_per_second=self.requests_per_second,
            max_connections_per_host=self.max_connections_per_host,
            max_retry_after=self.max_retry_after,
            respect_robots=self.respect_robots,
        )


POSTGRES_EXTRA = "pip install 'govreports[postgres]'"


def missing_database_driver(url: str) -> str | None:
    """Why `url` cannot be opened for want of a driver (one line naming the extra), or None.

    Checked before the engine is built: SQLAlchemy's own error is a traceback ending in
    "No module named 'psycopg'", which does not say which install fixes it.
    """
    if url.split("://", 1)[0] not in ("postgresql", "postgresql+psycopg", "postgres"):
        return None
    try:
        importlib.import_module("psycopg")
    except ImportError:
        return f"no PostgreSQL driver (psycopg): {POSTGRES_EXTRA}"  # one line on an 80-column terminal
    return None
