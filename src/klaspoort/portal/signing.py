"""Signing licence requests: the only module of the portal that touches key material.

Interim: until the federation's OIDC signing keys exist, a development ES256 key is made once under
var/portal/ and published at /portal/jwks/. When `klaspoort.federation` publishes its JWKS this
module switches to its signing key, so publishers verify licence requests and ID tokens with one
JWKS.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from joserfc import jwt
from joserfc.jwk import ECKey

KEY_FILE = "licence-signing.pem"


def platform_issuer() -> str:
    return settings.BASE_URL.rstrip("/")


def sign_jwt(claims: dict[str, Any], *, typ: str) -> str:
    key = _signing_key(str(settings.VAR_DIR))
    header = {"alg": "ES256", "kid": key.kid, "typ": typ}
    return jwt.encode(header, claims, key)


def public_jwks() -> dict[str, Any]:
    key = _signing_key(str(settings.VAR_DIR))
    return {"keys": [key.as_dict(private=False, use="sig", alg="ES256")]}


@functools.lru_cache(maxsize=2)
def _signing_key(var_dir: str) -> ECKey:
    folder = Path(var_dir) / "portal"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    if not path.exists():
        pem = ECKey.generate_key("P-256", private=True).as_pem(private=True)
        temporary = folder / f".{KEY_FILE}.{os.getpid()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(temporary, path)  # atomic: the first writer wins, every process reads the same key
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    key = ECKey.import_key(path.read_bytes())
    key.ensure_kid()
    return key
