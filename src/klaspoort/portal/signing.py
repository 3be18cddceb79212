"""Signing licence requests with the platform's OpenID Connect signing key (ES256), so publishers
verify them with the one JWKS at /oidc/jwks/ (and key rotation covers them too). The only module of
the portal that touches key material.
"""

from __future__ import annotations

from typing import Any

from joserfc import jwt

from klaspoort.federation.oidc.config import issuer
from klaspoort.federation.oidc.keys import signing_key

ALGORITHM = "ES256"


def platform_issuer() -> str:
    return issuer()


def sign_jwt(claims: dict[str, Any], *, typ: str) -> str:
    key = signing_key(ALGORITHM)
    return jwt.encode({"alg": ALGORITHM, "kid": key.kid, "typ": typ}, claims, key)
