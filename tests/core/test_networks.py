from __future__ import annotations

from klaspoort.core.networks import address_in


def test_address_in_ranges_v4_v6_and_mapped() -> None:
    networks = ["203.0.113.0/24", "2001:db8::/48"]
    assert address_in(networks, "203.0.113.200")
    assert address_in(networks, "::ffff:203.0.113.9")
    assert address_in(networks, "2001:db8:0:1::5")
    assert not address_in(networks, "203.0.114.1")
    assert not address_in(networks, "2001:db9::1")
    assert not address_in(networks, "")
    assert not address_in(networks, "garbage")
    assert not address_in(["broken"], "203.0.113.1")
