from __future__ import annotations

import pytest
from django.test import RequestFactory

from klaspoort.accounts.client_address import client_ip, resolve_client_ip


def test_socket_address_by_default_even_with_forwarded_header() -> None:
    assert resolve_client_ip("10.0.0.5", "203.0.113.9", []) == "10.0.0.5"


def test_trusted_proxy_gives_right_most_untrusted_forwarded_entry() -> None:
    assert resolve_client_ip("10.0.0.1", "198.51.100.7, 203.0.113.9", ["10.0.0.1"]) == "203.0.113.9"


def test_forged_left_entries_are_ignored() -> None:
    # the client sent "1.2.3.4" itself; the proxy appended the real peer 203.0.113.9
    assert resolve_client_ip("10.0.0.1", "1.2.3.4, 203.0.113.9", ["10.0.0.0/8"]) == "203.0.113.9"


def test_chains_of_trusted_proxies_are_skipped() -> None:
    assert resolve_client_ip("10.0.0.1", "203.0.113.9, 10.0.0.2, 10.0.0.3", ["10.0.0.0/8"]) == "203.0.113.9"


def test_untrusted_peer_is_not_believed() -> None:
    assert resolve_client_ip("192.0.2.50", "203.0.113.9", ["10.0.0.0/8"]) == "192.0.2.50"


def test_all_trusted_gives_left_most() -> None:
    assert resolve_client_ip("10.0.0.1", "10.0.0.7", ["10.0.0.0/8"]) == "10.0.0.7"


def test_garbage_in_chain_stops_the_walk() -> None:
    assert resolve_client_ip("10.0.0.1", "203.0.113.9, not-an-ip", ["10.0.0.0/8"]) == "10.0.0.1"


def test_ipv6() -> None:
    assert resolve_client_ip("::1", "2001:db8::5", ["::1"]) == "2001:db8::5"


@pytest.mark.parametrize(("proxies", "expected"), [((), "127.0.0.1"), (("127.0.0.1",), "203.0.113.9")])
def test_client_ip_reads_settings(settings, proxies, expected) -> None:
    settings.TRUSTED_PROXIES = list(proxies)
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == expected
