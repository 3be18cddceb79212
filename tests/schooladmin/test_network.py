from __future__ import annotations

import pytest

from klaspoort.schooladmin.models import SchoolNetwork
from klaspoort.schooladmin.network import NetworkError, parse_range, shortcut_allowed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("203.0.113.7", "203.0.113.7/32"),
        (" 203.0.113.0/24 ", "203.0.113.0/24"),
        ("2001:db8::/48", "2001:db8::/48"),
        ("2001:DB8::1", "2001:db8::1/128"),
        ("10.20.0.0/16", "10.20.0.0/16"),
    ],
)
def test_ranges_are_parsed_and_normalised(text: str, expected: str) -> None:
    assert str(parse_range(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Vul een IP-adres of reeks in"),
        ("school", "geen geldig IP-adres"),
        ("300.1.1.1", "geen geldig IP-adres"),
        ("203.0.113.7/24", "bedoel je 203.0.113.0/24?"),
        ("0.0.0.0/0", "te grote reeks"),
        ("10.0.0.0/8", "te grote reeks"),
        ("2001::/16", "te grote reeks"),
        ("224.0.0.1", "geen adres waarmee een school op internet zit"),
        ("fe80::1", "geen adres waarmee een school op internet zit"),
    ],
)
def test_bad_ranges_are_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(NetworkError, match=message.replace("?", r"\?")):
        parse_range(text)


def test_shortcut_rule() -> None:
    assert shortcut_allowed(None, "198.51.100.1")
    open_school = SchoolNetwork(restrict_pupil_shortcut=False, effective_networks=["203.0.113.0/24"])
    assert shortcut_allowed(open_school, "198.51.100.1")
    closed = SchoolNetwork(restrict_pupil_shortcut=True, effective_networks=["203.0.113.0/24"])
    assert shortcut_allowed(closed, "203.0.113.1")
    assert not shortcut_allowed(closed, "198.51.100.1")
    assert not shortcut_allowed(
        SchoolNetwork(restrict_pupil_shortcut=True, effective_networks=[]), "203.0.113.1"
    )
