"""LAS vendors' credentials: a client id and a secret, the secret kept only as a keyed hash.

A vendor authenticates every connector request with HTTP Basic (`client_id:secret`, the OAuth 2
`client_secret_basic` method), compared in constant time; an unknown client id costs the same
comparison. The platform signs its own pull requests to the vendor with a pull key derived from
the current secret's hash (so it changes when the secret is rotated; `pull_signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from klaspoort.core import clock
from klaspoort.federation.keyed_hash import digest_matches, keyed_digest
from klaspoort.laslink.models import LasVendor

PURPOSE = "laslink.client_secret"
_UNKNOWN = keyed_digest("unknown-client", PURPOSE)


def secret_hash(secret: str) -> str:
    return keyed_digest(secret, PURPOSE)


def authenticate(client_id: str, secret: str) -> LasVendor | None:
    vendor = LasVendor.objects.filter(client_id=client_id, active=True).first()
    if vendor is None:
        digest_matches(secret, _UNKNOWN, PURPOSE)  # the same work as for a known client
        return None
    return vendor if secret_matches(vendor, secret) else None


def secret_matches(vendor: LasVendor, secret: str) -> bool:
    """The vendor's secret, or its previous one during the rotation's grace period."""
    if digest_matches(secret, vendor.secret_hash, PURPOSE):
        return True
    grace = vendor.previous_valid_until
    in_grace = bool(vendor.previous_secret_hash) and grace is not None and grace > clock.now()
    return in_grace and digest_matches(secret, vendor.previous_secret_hash, PURPOSE)


def pull_key(vendor: LasVendor) -> str:
    """The key the vendor checks the platform's pull requests with (shown with the secret)."""
    return keyed_digest(vendor.secret_hash, "laslink.pull_key")


def pull_signature(vendor: LasVendor, path: str, timestamp: int | None = None) -> str:
    """`X-Klaspoort-Signature` of a pull request: t=<unix time>,v1=HMAC-SHA256(pull key, "t.path")."""
    moment = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(pull_key(vendor).encode(), f"{moment}.{path}".encode(), hashlib.sha256).hexdigest()
    return f"t={moment},v1={mac}"
