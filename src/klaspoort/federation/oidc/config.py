"""Lifetimes and addresses of the OpenID Connect provider."""

from __future__ import annotations

from django.conf import settings

CODE_LIFETIME = 60  # seconds; single use
ACCESS_TOKEN_LIFETIME = 600
ID_TOKEN_LIFETIME = 600
REFRESH_TOKEN_LIFETIME = 8 * 3600  # a school day
LOGOUT_TOKEN_LIFETIME = 120
# Keys are cached per worker this long, so a new key must be published longer than this before
# it signs (and relying parties cache JWKS too): see keys.do_rotate_keys.
KEY_CACHE_SECONDS = 60
DEFAULT_PUBLISH_AHEAD = 3600
# An old key stays published this long after it stopped signing (> every token signed with it).
DEFAULT_KEY_RETENTION = 24 * 3600
BACKCHANNEL_TIMEOUT = 2.0  # seconds per partner
SCOPES_SUPPORTED = ("openid", "profile", "eck_id", "offline_access")
SIGNING_ALGS = ("ES256", "RS256")


def issuer() -> str:
    """The issuer identifier: KLASPOORT_BASE_URL, without a trailing slash."""
    return str(settings.BASE_URL).rstrip("/")


def endpoint(path: str) -> str:
    return issuer() + path
