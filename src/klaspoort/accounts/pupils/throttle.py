"""Pupil throttling without lockout: growing waits after wrong codes, never a blocked account.

Two counters per attempt, both keyed by the pupil, so a classmate is never slowed down — not on
the same school address, not even on the same shared iPad:

- (pupil, device): a device is the signed device cookie plus the client address (device.py).
  3 free mistakes, then 1 s, 2 s, 4 s … at most 60 s. A correct code clears it.
- (pupil): over all devices, against someone who throws the cookie away each time.
  8 free mistakes, then 2 s, 4 s … at most 5 minutes. Only time clears it (1 hour after the
  last mistake), so a successful login in between does not hand out fresh free guesses.

There is deliberately no counter per address or per device alone: a whole school shares one
address and a class shares devices. Counters live in the shared Django cache (Redis in
production), so every web worker sees them. The read-modify-write on a failure may undercount
under truly simultaneous failures for one pupil; that only ever errs towards shorter waits.
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import BaseCache
from django.core.cache import cache as default_cache


@dataclass(frozen=True)
class Policy:
    scope: str
    free: int  # mistakes without any wait
    base: float  # first wait, seconds; doubles with every further mistake
    cap: float  # longest wait, seconds
    ttl: int  # the counter is forgotten this long after the last mistake


DEVICE_POLICY = Policy("d", free=3, base=1.0, cap=60.0, ttl=3600)
PUPIL_POLICY = Policy("p", free=8, base=2.0, cap=300.0, ttl=3600)
# Longer ago than this, a mistake has left no counter behind.
MEMORY_SECONDS = max(DEVICE_POLICY.ttl, PUPIL_POLICY.ttl)


def wait_after(failures: int, policy: Policy) -> float:
    """Seconds to wait after `failures` mistakes (pure)."""
    if failures < policy.free:
        return 0.0
    return min(policy.base * 2 ** (failures - policy.free), policy.cap)


@dataclass(frozen=True)
class Counter:
    failures: int = 0
    last: float = 0.0

    def remaining(self, policy: Policy, now: float) -> float:
        return max(0.0, self.last + wait_after(self.failures, policy) - now)


@dataclass(frozen=True)
class Verdict:
    """The state before an attempt. `wait` > 0: refuse the attempt without checking the code."""

    device: Counter
    pupil: Counter
    wait: float

    @property
    def wait_seconds(self) -> int:
        return math.ceil(self.wait)


CLEAN = Verdict(Counter(), Counter(), 0.0)


class PupilThrottle:
    def __init__(self, cache: BaseCache | None = None, clock: Callable[[], float] = time.time) -> None:
        self.cache = cache if cache is not None else default_cache
        self.clock = clock

    @staticmethod
    def _key(policy: Policy, pupil: uuid.UUID, device: str = "") -> str:
        digest = hashlib.sha256(f"{pupil}|{device}".encode()).hexdigest()[:32]
        return f"pupil-throttle:{policy.scope}:{digest}"

    def _keys(self, pupil: uuid.UUID, device: str) -> tuple[str, str]:
        return self._key(DEVICE_POLICY, pupil, device), self._key(PUPIL_POLICY, pupil)

    def check_since(self, pupil: uuid.UUID, device: str, last_mistake: float | None) -> Verdict:
        """As `check`, but without a cache round trip when no counter can exist: `last_mistake` is
        the unix time of the pupil's last wrong code (None: never), known from the credential row.
        So the common, error-free login costs nothing here."""
        if last_mistake is None or last_mistake < self.clock() - MEMORY_SECONDS:
            return CLEAN
        return self.check(pupil, device)

    def check(self, pupil: uuid.UUID, device: str) -> Verdict:
        device_key, pupil_key = self._keys(pupil, device)
        stored = self.cache.get_many([device_key, pupil_key])
        on_device = Counter(*stored.get(device_key, (0, 0.0)))
        overall = Counter(*stored.get(pupil_key, (0, 0.0)))
        now = self.clock()
        wait = max(on_device.remaining(DEVICE_POLICY, now), overall.remaining(PUPIL_POLICY, now))
        return Verdict(on_device, overall, wait)

    def record_failure(self, pupil: uuid.UUID, device: str, verdict: Verdict) -> float:
        """Count a wrong code; returns the wait now in force."""
        device_key, pupil_key = self._keys(pupil, device)
        now = self.clock()
        on_device = Counter(verdict.device.failures + 1, now)
        overall = Counter(verdict.pupil.failures + 1, now)
        self.cache.set(device_key, (on_device.failures, now), timeout=DEVICE_POLICY.ttl)
        self.cache.set(pupil_key, (overall.failures, now), timeout=PUPIL_POLICY.ttl)
        return max(on_device.remaining(DEVICE_POLICY, now), overall.remaining(PUPIL_POLICY, now))

    def record_success(self, pupil: uuid.UUID, device: str, verdict: Verdict) -> None:
        if verdict.device.failures:
            self.cache.delete(self._key(DEVICE_POLICY, pupil, device))
