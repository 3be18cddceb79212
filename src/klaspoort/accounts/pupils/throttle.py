"""Pupil throttling without lockout: growing waits after wrong codes, never a blocked account.

Two counters per attempt (core/ratelimit.py), both keyed by the pupil, so a classmate is never
slowed down — not on the same school address, not even on the same shared iPad:

- (pupil, device): a device is the signed device cookie plus the client address (device.py).
  3 free mistakes, then 1 s, 2 s, 4 s … at most 60 s. A correct code clears it.
- (pupil): over all devices, against someone who throws the cookie away each time.
  8 free mistakes, then 2 s, 4 s … at most 5 minutes. Only time clears it (1 hour after the
  last mistake), so a successful login in between does not hand out fresh free guesses.

Two ceilings across pupils (finding 9 of issue 12: one device cycling through a group's pupils got
77 guesses checked in 30 s, about 10,000 an hour across a school). They count wrong codes in the
current clock hour, of every pupil together, and are set far above what a class needs, so only a
script meets them (numbers and reasoning: docs/security/pupil-codes.md):

- per device (cookie + address, as above): 300 wrong codes an hour. A class of 30 sharing one
  iPad, each pupil logging in twice in a lesson with up to 4 typos each time, makes 240.
- per client address (IPv6 by its /64): 3,600 wrong codes an hour. A school of 400 pupils behind
  one address, every pupil logging in twice in the same hour with 4 typos each time, makes 3,200;
  against a script that throws its device cookie away.

Over a ceiling every try from that device (or address) waits 1 s, 2 s, 4 s … at most 60 s (no
lockout), until the hour is over. Settings.PUPIL_THROTTLE can raise them (a very large school).

Parallel guesses: `admit` decides and counts the attempt ahead (as a mistake) in one step under the
pupil's lock, before the code is checked; `settle` takes the count back when the code was right.
So guesses sent at once get no further than guesses sent one after another. The ceilings are
counted after the check, only for wrong codes (a right one costs nothing extra): guesses for many
different pupils sent at once can overshoot a ceiling by the number in flight.
"""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import BaseCache

from klaspoort.accounts.throttle import network_of
from klaspoort.core.ratelimit import (
    Busy,
    Clock,
    Limiter,
    Rule,
    State,
    count_first,
    counts_first,
    exclusive,
    peek_many,
)

DEVICE_RULE = Rule("pupil:device", window=3600, delay_after=3, base_delay=1.0, max_delay=60.0)
PUPIL_RULE = Rule("pupil:all", window=3600, delay_after=8, base_delay=2.0, max_delay=300.0)
CEILING_HOUR = 3600
DEVICE_CEILING = 300  # wrong codes per device per hour, across pupils (a class needs 240)
ADDRESS_CEILING = 3600  # wrong codes per client address per hour, across pupils (a school of 400: 3,200)


def _ceiling_rule(name: str, ceiling: int) -> Rule:
    return Rule(name, window=CEILING_HOUR, delay_after=ceiling, base_delay=1.0, max_delay=60.0)


def ceiling_rules() -> tuple[Rule, Rule]:
    """(per device, per address), with settings.PUPIL_THROTTLE's "device_ceiling"/"address_ceiling"."""
    overrides = getattr(settings, "PUPIL_THROTTLE", {})
    return (
        _ceiling_rule("pupil:device-ceiling", int(overrides.get("device_ceiling", DEVICE_CEILING))),
        _ceiling_rule("pupil:address-ceiling", int(overrides.get("address_ceiling", ADDRESS_CEILING))),
    )


def address_of(device: str) -> str:
    """The client address a device key (`<cookie id>@<address>`, device.py) was seen from."""
    return network_of(device.rpartition("@")[2])


@dataclass(frozen=True)
class Verdict:
    """The counters before an attempt. `wait` > 0: refuse the attempt without checking the code."""

    device: State
    pupil: State
    wait: float
    # the ceilings across pupils: this device's and this address's wrong codes this hour
    spread: State = field(default=State(), compare=True)
    address: State = field(default=State(), compare=True)
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
        device_rule, address_rule = ceiling_rules()
        self.device_ceiling = Limiter(device_rule, cache=cache, clock=clock)
        self.address_ceiling = Limiter(address_rule, cache=cache, clock=clock)

    @staticmethod
    def _device_subject(pupil: uuid.UUID, device: str) -> str:
        return f"{pupil}|{device}"

    def _hour_subjects(self, device: str) -> tuple[str, str]:
        """The ceilings' subjects: this device and this address, in the current clock hour."""
        hour = int(self.clock() // CEILING_HOUR)
        return f"{device}|{hour}", f"{address_of(device)}|{hour}"

    def check(self, pupil: uuid.UUID, device: str) -> Verdict:
        """The four counters in one cache round trip."""
        device_hour, address_hour = self._hour_subjects(device)
        on_device, overall, spread, address = peek_many(
            (self.on_device, self._device_subject(pupil, device)),
            (self.overall, str(pupil)),
            (self.device_ceiling, device_hour),
            (self.address_ceiling, address_hour),
        )
        now = self.clock()
        wait = max(on_device.wait(now), overall.wait(now), spread.wait(now), address.wait(now))
        return Verdict(on_device, overall, wait, spread=spread, address=address)

    def admit(self, pupil: uuid.UUID, device: str) -> Verdict:
        """`check`, and when no wait runs, count this attempt ahead: one step under the pupil's lock.
        A verdict with `wait` > 0 counted nothing; otherwise call `settle` after the code check.

        The common case, a pupil without mistakes in the window and no wait on the ceilings, is
        counted first by one statement that takes its turn with the pupil's lock (`count_first`);
        otherwise (on the database cache) the counters are read, and a wait in force is refused as
        read, without the lock. On Redis: read, decide and count under the lock, as always."""
        device_subject = self._device_subject(pupil, device)
        device_hour, address_hour = self._hour_subjects(device)
        counted = count_first(
            ("pupil", str(pupil)),
            [(self.on_device, device_subject), (self.overall, str(pupil))],
            unless=[(self.device_ceiling, device_hour), (self.address_ceiling, address_hour)],
        )
        if counted is not None:
            return replace(CLEAN, counted=(counted[0], counted[1]))
        if counts_first(self.on_device.cache):  # read first there: a wait is refused without the lock
            verdict = self.check(pupil, device)
            if verdict.wait > 0:
                return verdict
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
        device_hour, address_hour = self._hour_subjects(device)
        ceilings = (self.device_ceiling.hit(device_hour), self.address_ceiling.hit(address_hour))
        now = self.clock()
        return max(state.wait(now) for state in (*verdict.counted, *ceilings))
