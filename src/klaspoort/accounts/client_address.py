"""The client's IP address: the socket peer, unless trusted proxies are configured.

With `KLASPOORT_TRUSTED_PROXIES` (settings.TRUSTED_PROXIES: addresses or networks) and a request
arriving from one of them, the address is the right-most X-Forwarded-For entry that is not a
trusted proxy. Forwarded headers are never trusted by default.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Sequence[Network]) -> bool:
    return any(address in network for network in networks)


def resolve_client_ip(remote_addr: str, forwarded_for: str, trusted_proxies: Sequence[str]) -> str:
    """Pure core of `client_ip`."""
    networks = _networks(tuple(trusted_proxies))
    peer = _parse(remote_addr)
    if peer is None:
        return remote_addr
    if not networks or not _trusted(peer, networks):
        return str(peer)
    for entry in reversed([item for item in forwarded_for.split(",") if item.strip()]):
        address = _parse(entry)
        if address is None:
            break  # garbage in the chain: do not look further left
        if not _trusted(address, networks):
            return str(address)
        peer = address
    return str(peer)


def client_ip(request: HttpRequest) -> str:
    return resolve_client_ip(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        getattr(settings, "TRUSTED_PROXIES", ()),
    )
