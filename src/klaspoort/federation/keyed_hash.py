"""Keyed hashes of high-entropy secrets (client secrets, codes, tokens): HMAC-SHA256.

These values are random and long, so a fast keyed hash is the right tool; the password hasher
would only cost time. The key is derived per purpose from `settings.FEDERATION_SECRET`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings


def _key(purpose: str) -> bytes:
    return hmac.new(settings.FEDERATION_SECRET.encode(), purpose.encode(), hashlib.sha256).digest()


def keyed_digest(value: str, purpose: str) -> str:
    """64 hex characters; the same value and purpose always give the same digest."""
    return hmac.new(_key(purpose), value.encode(), hashlib.sha256).hexdigest()


def digest_matches(value: str, digest: str, purpose: str) -> bool:
    if not digest:
        return False
    return hmac.compare_digest(keyed_digest(value, purpose), digest)


def new_secret(nbytes: int = 32) -> str:
    """A fresh random secret, URL-safe (43 characters for 32 bytes)."""
    return secrets.token_urlsafe(nbytes)
