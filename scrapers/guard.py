"""The address guard: only the portal's own hosts, and no private addresses unless allowed.

Checked for the first URL and again for every redirect hop, so a public page cannot bounce
the crawler onto 169.254.169.254 or an intranet host; and checked once more when a connection is
opened, on the very addresses it connects to (scrapers/connect.py), so a DNS answer that changes
after the check (DNS rebinding) is refused too.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from scrapers.errors import BlockedURL, TransientFetchError


def host_allowed(host: str, allowed_hosts: tuple[str, ...]) -> bool:
    """True when `host` is an allowed host or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == h.lower() or host.endswith("." + h.lower()) for h in allowed_hosts)


def is_refused(address: str, private_networks: tuple[str, ...] = ()) -> bool:
    """True for an address we never connect to: not globally routable (loopback, private,
    link-local such as the 169.254.169.254 metadata service, reserved) or multicast, unless it
    lies in one of the portal's explicitly allowed `private_networks`."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in ipaddress.ip_network(block, strict=False) for block in private_networks):
        return False
    return not ip.is_global or ip.is_multicast


def check_url(
    url: str, *, allowed_hosts: tuple[str, ...], private_networks: tuple[str, ...] = (), portal: str = ""
) -> None:
    """Raise BlockedURL unless `url` is http(s), on an allowed host, resolving to permitted addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedURL("not an http(s) URL", url=url, portal=portal)
    if not host_allowed(parts.hostname, allowed_hosts):
        raise BlockedURL(f"host {parts.hostname} is not one of the portal's hosts", url=url, portal=portal)
    permitted_addresses(parts.hostname, parts.port or 443, private_networks, url=url, portal=portal)


def permitted_addresses(
    host: str, port: int, private_networks: tuple[str, ...] = (), *, url: str = "", portal: str = ""
) -> list[str]:
    """Every address `host` resolves to, when none is refused; else BlockedURL.

    A resolver that cannot answer now (EAI_AGAIN) is a TransientFetchError: DNS hiccups are
    retried, a name that does not exist is not.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        if exc.errno == socket.EAI_AGAIN:
            raise TransientFetchError(f"host {host} did not resolve now", url=url or host, portal=portal) from exc
        raise BlockedURL(f"host {host} does not resolve", url=url or host, portal=portal) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if is_refused(address, private_networks):
            raise BlockedURL(f"host {host} resolves to refused address {address}", url=url or host, portal=portal)
    return addresses
