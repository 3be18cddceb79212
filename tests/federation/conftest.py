from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from klaspoort.federation.oidc import keys
from klaspoort.federation.oidc.client import forget_clients

# Making an RSA key costs up to a few hundred ms; tests draw from a small pool instead.
_POOL = {alg: [keys._generate(alg) for _ in range(3)] for alg in ("ES256", "RS256")}
_NEXT = {alg: itertools.cycle(pool) for alg, pool in _POOL.items()}


@pytest.fixture(autouse=True)
def _fresh_signing_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Signing keys are cached per process; each test sees its own database's keys."""
    monkeypatch.setattr(keys, "_generate", lambda alg: next(_NEXT[alg]))
    keys.clear_key_cache()
    forget_clients()
    yield
    keys.clear_key_cache()
    forget_clients()
