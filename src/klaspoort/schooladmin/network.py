"""Addresses and ranges (pure functions over the `ipaddress` module) and the shortcut rule."""

from __future__ import annotations

import ipaddress

from django.utils.translation import gettext as _

from klaspoort.core.networks import address_in
from klaspoort.schooladmin.models import SchoolNetwork

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class NetworkError(ValueError):
    """An address or range a user typed is not valid; the message says why (Dutch)."""


def parse_range(text: str) -> IPNetwork:
    """`203.0.113.7`, `203.0.113.0/24` or `2001:db8::/48` -> network. Host bits are not allowed."""
    value = text.strip()
    if not value:
        raise NetworkError(_("Vul een IP-adres of reeks in, bijvoorbeeld 203.0.113.7 of 203.0.113.0/24."))
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise NetworkError(
                _(
                    "'%(value)s' is geen geldig IP-adres of reeks. Voorbeelden: 203.0.113.7, "
                    "203.0.113.0/24, 2001:db8::/48."
                )
                % {"value": value}
            ) from exc
        raise NetworkError(
            _(
                "'%(value)s' is geen nette reeks: na de / mogen alleen de netwerkbits gevuld zijn (bedoel"
                " je %(network)s?)."
            )
            % {"value": value, "network": ipaddress.ip_network(value, strict=False)}
        ) from exc
    if network.is_multicast or network.is_unspecified or network.is_link_local:
        raise NetworkError(
            _(
                "'%(value)s' is geen adres waarmee een school op internet zit. Registreer het publieke "
                "adres van de school."
            )
            % {"value": value}
        )
    if network.num_addresses > 2 ** (network.max_prefixlen - (16 if network.version == 4 else 32)):
        raise NetworkError(_("'%(value)s' is een te grote reeks voor één school.") % {"value": value})
    return network


def single_address_network(address: str) -> str:
    """The /32 or /128 network of one address, as stored in `effective_networks`."""
    return str(ipaddress.ip_network(ipaddress.ip_address(address)))


def shortcut_allowed(network: SchoolNetwork | None, address: str) -> bool:
    """May the pupil shortcut be used from `address`? Only restricted schools check."""
    if network is None or not network.restrict_pupil_shortcut:
        return True
    return address_in(network.effective_networks, address)
