from __future__ import annotations

import hashlib
import hmac

from klaspoort.federation.keyed_hash import digest_matches, keyed_digest


def test_digest_is_hmac_sha256_under_the_key_derived_for_the_purpose(settings) -> None:
    settings.FEDERATION_SECRET = "s" * 40
    key = hmac.new(b"s" * 40, b"oidc-code", hashlib.sha256).digest()
    expected = hmac.new(key, b"value", hashlib.sha256).hexdigest()
    # Stored digests (client secrets, codes, tokens) must keep matching: the scheme never changes.
    assert keyed_digest("value", "oidc-code") == expected
    assert digest_matches("value", expected, "oidc-code") is True
    assert digest_matches("value", expected, "oidc-access-token") is False
    assert digest_matches("other", expected, "oidc-code") is False
    assert digest_matches("value", "", "oidc-code") is False


def test_another_federation_secret_gives_another_digest(settings) -> None:
    settings.FEDERATION_SECRET = "a" * 40
    first = keyed_digest("value", "oidc-code")
    settings.FEDERATION_SECRET = "b" * 40
    second = keyed_digest("value", "oidc-code")
    settings.FEDERATION_SECRET = "a" * 40
    assert first != second
    assert keyed_digest("value", "oidc-code") == first
