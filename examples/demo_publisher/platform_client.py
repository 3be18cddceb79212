"""What the demo publisher knows about the platform: its issuer, discovery document and JWKS."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
from joserfc.jwk import KeySet

JWKS_REFRESH_SECONDS = 300


class Platform:
    def __init__(self, base_url: str, jwks_url: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.issuer = self.base_url
        self._jwks_url = jwks_url
        self._lock = threading.Lock()
        self._discovery: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._keys_at = 0.0

    def discovery(self) -> dict[str, Any]:
        """The OpenID Connect discovery document (fetched once)."""
        with self._lock:
            if self._discovery is None:
                response = httpx.get(f"{self.base_url}/.well-known/openid-configuration", timeout=5)
                response.raise_for_status()
                self._discovery = response.json()
            return self._discovery

    def jwks_url(self) -> str:
        if self._jwks_url:
            return self._jwks_url
        return str(self.discovery()["jwks_uri"])

    def keys(self, *, refresh: bool = False) -> KeySet:
        """The platform's public keys; fetched again after a while or when a kid is unknown."""
        with self._lock:
            stale = time.monotonic() - self._keys_at > JWKS_REFRESH_SECONDS
            keys = self._keys
        if keys is None or stale or refresh:
            response = httpx.get(self.jwks_url(), timeout=5)
            response.raise_for_status()
            keys = KeySet.import_key_set(response.json())
            with self._lock:
                self._keys, self._keys_at = keys, time.monotonic()
        return keys

    def saml_metadata(self) -> str:
        response = httpx.get(f"{self.base_url}/saml/metadata/", timeout=5)
        response.raise_for_status()
        return response.text
