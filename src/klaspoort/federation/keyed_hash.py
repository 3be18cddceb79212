"""Keyed hashes of high-entropy secrets (client secrets, codes, tokens): HMAC-SHA256.

These values are random and long, so a fast keyed hash is the right tool; the password hasher
would only cost time. The key is derived per purpose from `settings.FEDERATION_SECRET`.
"""

from __future__ import annotations

import functools
import hmac
import secrets

from django.conf import settings


@functools.lru_cache(maxsize=64)
def _derived_key(secret: str, purpose: str) -> bytes:
    return hmac.digest(secret.encode(), purpose.encode(), "sha256")


def _key(purpose: str) -> bytes:
    """The key of `purpose`, derived once per process (and per FEDERATION_SECRET, which tests and a
    key change may replace)."""
    return _derived_key(settings.FEDERATION_SECRET, purpose)


def keyed_digest(value: str, purpose: str) -> str:
    """64 hex characters; the same value and purpose always give the same digest."""
    return hmac.digest(_key(purpose), value.encode(), "sha256").hex()


def digest_matches(value: str, digest: str, purpose: str) -> bool:
    if not digest:
        return False
    return hmac.compare_digest(keyed_digest(value, purpose), digest)


def new_secret(nbytes: int = 32) -> str:
    """A fresh random secret, URL-safe (43 characters for 32 bytes)."""
    return secrets.token_urlsafe(nbytes)
