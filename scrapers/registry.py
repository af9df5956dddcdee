"""The portal registry: seeds/portals.yaml loaded into validated `Portal` models.

A registry error names the file, the entry and the field, so an operator can fix the YAML
without reading code.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from cssselect import GenericTranslator, SelectorError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scrapers.errors import RegistryError

DEMO_PLACEHOLDER = "{demo}"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


class Selectors(BaseModel):
    """CSS selectors for one portal's pages; any left out falls back to automatic detection."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    list_item: str | None = Field(None, description="Links to articles on a list page, e.g. 'ul.list li a'")
    next_page: str | None = Field(None, description="The link to the next list page")
    title: str | None = Field(None, description="The article title element")
    date: str | None = Field(None, description="The element holding the publish date")
    body: str | None = Field(None, description="The article body element")

    @field_validator("list_item", "next_page", "title", "date", "body")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        """A selector that does not compile would be ignored silently by the reader: refuse it here."""
        if value is not None:
            try:
                GenericTranslator().css_to_xpath(value)
            except SelectorError as exc:
                raise ValueError(f"not a valid CSS selector ({value!r}: {exc})") from exc
        return value


class Portal(BaseModel):
    """One government portal to crawl."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(description="Stable identifier: lower-case letters, digits and '-'")
    name: str = Field(min_length=1, description="The portal's own name")
    region: str = Field("", description="Province / city / district")
    agency: str = Field("", description="The agency publishing the reports")
    seeds: tuple[str, ...] = Field(min_length=1, description="List-page URLs where reports appear")
    allowed_hosts: tuple[str, ...] = Field((), description="Hosts that may be fetched; default: the seeds' hosts")
    selectors: Selectors = Field(default_factory=Selectors)
    crawl_interval_minutes: int = Field(1440, ge=5, description="How often beat schedules a crawl")
    max_list_pages: int = Field(10, ge=1, le=1000, description="Pagination bound per seed")
    rate_limit_per_second: float | None = Field(None, gt=0, description="Override of the global per-host rate")
    private_networks: tuple[str, ...] = Field(
        (),
        description="CIDR blocks this portal may resolve into despite being non-public, e.g. 127.0.0.0/8 "
        "for a portal on this machine; everything else private, loopback, link-local or reserved is refused",
    )
    needs_network: bool = Field(True, description="False for portals served on this machine (the demo)")
    enabled: bool = True

    @field_validator("slug")
    @classmethod
    def _slug_shape(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("use 2-63 lower-case letters, digits or '-', starting with a letter or digit")
        return value

    @field_validator("seeds")
    @classmethod
    def _seeds_are_http(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if not url.startswith(("http://", "https://", DEMO_PLACEHOLDER)):
                raise ValueError(f"seed {url!r} is not an http(s) URL")
        return value

    @field_validator("private_networks")
    @classmethod
    def _networks_parse(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for block in value:
            try:
                ipaddress.ip_network(block, strict=False)
            except ValueError as exc:
                raise ValueError(f"{block!r} is not a CIDR block") from exc
        return value

    @model_validator(mode="after")
    def _default_hosts(self) -> Portal:
        if not self.allowed_hosts:
            hosts = tuple(dict.fromkeys(urlsplit(u).hostname or "" for u in self.seeds if "://" in u))
            object.__setattr__(self, "allowed_hosts", hosts)
        return self

    @property
    def is_demo(self) -> bool:
        return any(s.startswith(DEMO_PLACEHOLDER) for s in self.seeds)

    def bind_demo(self, base_url: str) -> Portal:
        """This portal with `{demo}` replaced by the running demo server's base URL."""
        base = base_url.rstrip("/")
        host = urlsplit(base).hostname or "127.0.0.1"
        seeds = tuple(s.replace(DEMO_PLACEHOLDER, base) for s in self.seeds)
        return self.model_copy(update={"seeds": seeds, "allowed_hosts": (host,)})


class Registry(BaseModel):
    """All portals, unique by slug."""

    model_config = ConfigDict(frozen=True)

    portals: tuple[Portal, ...]

    def __iter__(self) -> Iterator[Portal]:  # type: ignore[override]
        return iter(self.portals)

    def get(self, slug: str) -> Portal:
        for portal in self.portals:
            if portal.slug == slug:
                return portal
        known = ", ".join(p.slug for p in self.portals)
        raise RegistryError(f"no portal {slug!r} in the registry (known: {known})")

    def bind_demo(self, base_url: str | None) -> Registry:
        """Demo portals pointed at `base_url`; without one, demo portals are left out."""
        portals = []
        for portal in self.portals:
            if portal.is_demo:
                if base_url:
                    portals.append(portal.bind_demo(base_url))
            else:
                portals.append(portal)
        return Registry(portals=tuple(portals))


def default_registry_path() -> Path:
    return Path(__file__).resolve().parent.parent / "seeds" / "portals.yaml"


def load_registry(path: Path | None = None) -> Registry:
    """Load and validate a registry file; errors name file, entry and field."""
    path = path or default_registry_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read the registry ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("portals"), list):
        raise RegistryError(f"{path}: expected a mapping with a 'portals:' list")
    portals: list[Portal] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["portals"]):
        label = entry.get("slug", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
        try:
            portal = Portal.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(entry)"
            raise RegistryError(f"{path}: portal {label}: field {field}: {first['msg']}") from exc
        if portal.slug in seen:
            raise RegistryError(f"{path}: portal {label}: field slug: duplicate slug {portal.slug!r}")
        seen.add(portal.slug)
        portals.append(portal)
    return Registry(portals=tuple(portals))
