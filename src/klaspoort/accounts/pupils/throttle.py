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

Parallel guesses: `admit` decides and counts the attempt ahead (as a mistake) in one step under the
pupil's lock, before the code is checked; `settle` takes the count back when the code was right.
So guesses sent at once get no further than guesses sent one after another.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass, field, replace

from django.core.cache import BaseCache

from klaspoort.core.ratelimit import Busy, Clock, Limiter, Rule, State, exclusive, peek_many

DEVICE_RULE = Rule("pupil:device", window=3600, delay_after=3, base_delay=1.0, max_delay=60.0)
PUPIL_RULE = Rule("pupil:all", window=3600, delay_after=8, base_delay=2.0, max_delay=300.0)


@dataclass(frozen=True)
class Verdict:
    """The counters before an attempt. `wait` > 0: refuse the attempt without checking the code."""

    device: State
    pupil: State
    wait: float
    # set by `admit`: the (device, pupil) counts with this attempt counted ahead
    counted: tuple[State, State] | None = field(default=None, compare=False)

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

    def admit(self, pupil: uuid.UUID, device: str) -> Verdict:
        """`check`, and when no wait runs, count this attempt ahead: one step under the pupil's lock.
        A verdict with `wait` > 0 counted nothing; otherwise call `settle` after the code check."""
        try:
            with exclusive(self.on_device.cache, "pupil", str(pupil)):
                verdict = self.check(pupil, device)
                if verdict.wait > 0:
                    return verdict
                counted = (
                    self.on_device.hit(self._device_subject(pupil, device)),
                    self.overall.hit(str(pupil)),
                )
        except Busy:
            return replace(CLEAN, wait=1.0)
        return replace(verdict, counted=counted)

    def settle(self, pupil: uuid.UUID, device: str, verdict: Verdict, *, ok: bool) -> float:
        """After an admitted attempt's code was checked. Right: the count is taken back and this
        device's mistakes are cleared. Wrong: it stays counted. Returns the wait now in force."""
        assert verdict.counted is not None, "settle() follows admit()"
        device_subject = self._device_subject(pupil, device)
        if ok:
            if not verdict.device.count and not verdict.pupil.count:  # no mistakes before: one delete
                self.on_device.cache.delete_many(
                    self.on_device.read_keys(device_subject) + self.overall.read_keys(str(pupil))
                )
            else:
                self.on_device.reset(device_subject)
                self.overall.release(str(pupil))
            return 0.0
        now = self.clock()
        return max(state.wait(now) for state in verdict.counted)
