"""Pupil throttling without lockout: growing waits after wrong codes, never a blocked account.

Two counters per attempt (core/ratelimit.py), both keyed by the pupil, so a classmate is never
slowed down — not on the same school address, not even on the same shared iPad:

- (pupil, device): a device is the signed device cookie plus the client address (device.py).
  3 free mistakes, then 1 s, 2 s, 4 s … at most 60 s. A correct code clears it.
- (pupil): over all devices, against someone who throws the cookie away each time.
  8 free mistakes, then 2 s, 4 s … at most 5 minutes. Only time clears it (1 hour after the
  last mistake), so a successful login in between does not hand out fresh free guesses.

There is deliberately no counter per address or per device alone: a whole school shares one
address and a class shares devices.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass

from django.core.cache import BaseCache

from klaspoort.core.ratelimit import Clock, Limiter, Rule, State, peek_many

DEVICE_RULE = Rule("pupil:device", window=3600, delay_after=3, base_delay=1.0, max_delay=60.0)
PUPIL_RULE = Rule("pupil:all", window=3600, delay_after=8, base_delay=2.0, max_delay=300.0)
# Longer ago than this, a mistake has left no counter behind.
MEMORY_SECONDS = max(DEVICE_RULE.window, PUPIL_RULE.window)


@dataclass(frozen=True)
class Verdict:
    """The counters before an attempt. `wait` > 0: refuse the attempt without checking the code."""

    device: State
    pupil: State
    wait: float

    @property
    def wait_seconds(self) -> int:
        return math.ceil(self.wait)


CLEAN = Verdict(State(), State(), 0.0)


class PupilThrottle:
    def __init__(self, cache: str | BaseCache = "default", clock: Clock = time.time) -> None:
        self.clock = clock
        self.on_device = Limiter(DEVICE_RULE, cache=cache, clock=clock)
        self.overall = Limiter(PUPIL_RULE, cache=cache, clock=clock)

    @staticmethod
    def _device_subject(pupil: uuid.UUID, device: str) -> str:
        return f"{pupil}|{device}"

    def check(self, pupil: uuid.UUID, device: str) -> Verdict:
        """Both counters in one cache round trip."""
        on_device, overall = peek_many(
            (self.on_device, self._device_subject(pupil, device)), (self.overall, str(pupil))
        )
        now = self.clock()
        return Verdict(on_device, overall, max(on_device.wait(now), overall.wait(now)))

    def check_since(self, pupil: uuid.UUID, device: str, last_mistake: float | None) -> Verdict:
        """As `check`, without a cache round trip when no counter can exist: `last_mistake` is the
        unix time of the pupil's last wrong code (None: never), known from the credential row.
        So the common, error-free login costs nothing here."""
        if last_mistake is None or last_mistake < self.clock() - MEMORY_SECONDS:
            return CLEAN
        return self.check(pupil, device)

    def record_failure(self, pupil: uuid.UUID, device: str) -> float:
        """Count a wrong code; returns the wait now in force."""
        on_device = self.on_device.hit(self._device_subject(pupil, device))
        overall = self.overall.hit(str(pupil))
        now = self.clock()
        return max(on_device.wait(now), overall.wait(now))

    def record_success(self, pupil: uuid.UUID, device: str, verdict: Verdict) -> None:
        if verdict.device.count:
            self.on_device.reset(self._device_subject(pupil, device))
