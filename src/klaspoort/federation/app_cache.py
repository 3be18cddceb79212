"""A short per-worker cache of partner-app lookups (OIDC clients by client_id, SAML service
providers by entity ID), read on every sign-in.

Each worker keeps a looked-up app (or its absence) for CACHE_SECONDS. A change saved in this
process is seen at once: `forget_apps` (receiver of post_save/post_delete of PartnerApp and
Partner) empties every cache; other workers see it within CACHE_SECONDS. Consent is never cached:
withdrawal acts at once everywhere (the disclosure path reads it on every sign-in).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

CACHE_SECONDS = 10.0
MAX_ENTRIES = 10_000
T = TypeVar("T")


class AppCache(Generic[T]):
    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, T | None]] = {}
        self._lock = threading.Lock()
        _caches.append(self)

    def get(self, key: str, load: Callable[[], T | None]) -> T | None:
        """The cached value of `key`, else `load()`'s (None included), kept CACHE_SECONDS."""
        moment = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > moment:
            return hit[1]
        value = load()
        with self._lock:
            if len(self._entries) > MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (moment + CACHE_SECONDS, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_caches: list[AppCache[Any]] = []


def forget_apps(**kwargs: Any) -> None:
    """Receiver of post_save/post_delete of PartnerApp and Partner: every cache empties."""
    for cache in _caches:
        cache.clear()
