"""Is an address in one of a list of networks (pure function over the `ipaddress` module)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable


def address_in(networks: Iterable[str], address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for text in networks:
        try:
            if ip in ipaddress.ip_network(text):
                return True
        except (ValueError, TypeError):
            continue
    return False
