"""Connections go only to addresses the guard vetted at the moment of connecting.

The URL check (scrapers/guard.py) resolves the host before a request; httpx would resolve it
again when it connects, and a DNS answer that changed in between (DNS rebinding: public for the
check, 169.254.169.254 for the connection) would slip through. `GuardedBackend` is the network
backend of our httpx client: it resolves the host itself, refuses the connection if any address is
refused, and connects to the vetted address. TLS still names the host (SNI, certificate checks),
since httpcore passes the origin's host name to the handshake, not the address.

The private networks a portal allows are set for the request by `connect_policy`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from scrapers.guard import permitted_addresses


@dataclass(frozen=True)
class ConnectPolicy:
    private_networks: tuple[str, ...] = ()
    portal: str = ""


_policy: contextvars.ContextVar[ConnectPolicy] = contextvars.ContextVar("govreports_connect_policy")


@contextmanager
def connect_policy(private_networks: tuple[str, ...], portal: str) -> Iterator[None]:
    """Connections opened in this block may reach `private_networks` (and only public addresses otherwise)."""
    token = _policy.set(ConnectPolicy(private_networks, portal))
    try:
        yield
    finally:
        _policy.reset(token)


class GuardedBackend(httpcore.SyncBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        policy = _policy.get(ConnectPolicy())  # outside a fetch: public addresses only
        addresses = permitted_addresses(host, port, policy.private_networks, portal=policy.portal)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # permitted_addresses returns at least one address or raises
        raise failure


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport with the guarded network backend under its connection pool."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        pool = self._pool
        # httpx has no public way to pass a network backend; the pool builds every connection
        # with this attribute (httpcore ≥ 1.0). Fail loudly if that ever changes.
        if not hasattr(pool, "_network_backend"):
            raise RuntimeError("httpcore's connection pool has no _network_backend: update scrapers/connect.py")
        pool._network_backend = GuardedBackend()
