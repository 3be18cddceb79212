from __future__ import annotations

from collections.abc import Iterator

import pytest

from klaspoort.federation.oidc.keys import clear_key_cache


@pytest.fixture(autouse=True)
def _fresh_signing_keys() -> Iterator[None]:
    """Signing keys are cached per process; each test sees its own database's keys."""
    clear_key_cache()
    yield
    clear_key_cache()
