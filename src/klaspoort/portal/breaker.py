"""Circuit breaker per publisher, kept in the shared cache so every web worker sees it.

After `failures` failed licence calls in a row a publisher is skipped for `open_seconds`; then one
request (a probe, guarded by `cache.add`) may try again: success closes the breaker, failure opens it
for another period. The state transitions are pure; `BreakerStore` is the cache edge. Updates are
read-modify-write without a lock: under a race a failure may be counted once too few, which only
delays opening by one call.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import BaseCache

KEY_PREFIX = "portal:breaker:"
PROBE_PREFIX = "portal:probe:"


@dataclass(frozen=True)
class BreakerPolicy:
    failures: int = 3
    open_seconds: float = 30.0


@dataclass(frozen=True)
class BreakerState:
    failures: int = 0
    open_until: float = 0.0

    def is_open(self, now: float) -> bool:
        return now < self.open_until

    def tripped(self, policy: BreakerPolicy) -> bool:
        """Enough failures that the next call after the open period is a probe."""
        return self.failures >= policy.failures


CLOSED = BreakerState()


def after_failure(state: BreakerState, now: float, policy: BreakerPolicy) -> BreakerState:
    failures = state.failures + 1
    if failures >= policy.failures:
        return BreakerState(failures=failures, open_until=now + policy.open_seconds)
    return BreakerState(failures=failures, open_until=0.0)


def after_success(state: BreakerState) -> BreakerState:
    return CLOSED


def state_key(publisher: str) -> str:
    return KEY_PREFIX + publisher


class BreakerStore:
    """Reads and writes breaker states in a Django cache."""

    def __init__(self, cache: BaseCache, policy: BreakerPolicy) -> None:
        self.cache = cache
        self.policy = policy

    @staticmethod
    def decode(raw: Any) -> BreakerState:
        if isinstance(raw, dict):
            try:
                return BreakerState(failures=int(raw["failures"]), open_until=float(raw["open_until"]))
            except (KeyError, TypeError, ValueError):
                return CLOSED
        return CLOSED

    def states(self, publishers: Iterable[str]) -> dict[str, BreakerState]:
        keys = {state_key(publisher): publisher for publisher in publishers}
        found = self.cache.get_many(list(keys))
        return {publisher: self.decode(found.get(key)) for key, publisher in keys.items()}

    def may_call(self, publisher: str, state: BreakerState, now: float, probe_seconds: float) -> bool:
        """Closed: yes. Open: no. Tripped and past the open period: only the request that wins the probe."""
        if state.is_open(now):
            return False
        if not state.tripped(self.policy):
            return True
        return bool(self.cache.add(PROBE_PREFIX + publisher, 1, timeout=math.ceil(probe_seconds) + 1))

    def record(self, publisher: str, state: BreakerState, ok: bool, now: float) -> BreakerState:
        if ok:
            if state != CLOSED:
                self.cache.delete_many([state_key(publisher), PROBE_PREFIX + publisher])
            return CLOSED
        new = after_failure(state, now, self.policy)
        # Keep the record a little longer than the open period so a probe can still see "tripped".
        ttl = max(60, math.ceil(self.policy.open_seconds * 4))
        self.cache.set(state_key(publisher), {"failures": new.failures, "open_until": new.open_until}, ttl)
        if new.is_open(now):
            self.cache.delete(PROBE_PREFIX + publisher)
        return new
