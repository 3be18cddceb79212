from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from klaspoort.accounts.pupils.throttle import (
    ADDRESS_CEILING,
    DEVICE_CEILING,
    DEVICE_RULE,
    PUPIL_RULE,
    PupilThrottle,
    ceiling_rules,
)

IPAD = "device-ipad@203.0.113.5"
OTHER_PC = "device-pc@203.0.113.5"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_device_waits_grow_and_are_capped() -> None:
    assert [DEVICE_RULE.wait_after(n) for n in range(11)] == [
        0.0, 0.0, 0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0,
    ]  # fmt: skip


def test_pupil_waits_start_later_and_are_capped_at_five_minutes() -> None:
    assert [PUPIL_RULE.wait_after(n) for n in (7, 8, 9, 12, 15, 16, 40)] == [
        0.0, 2.0, 4.0, 32.0, 256.0, 300.0, 300.0,
    ]  # fmt: skip


@pytest.fixture(params=["locmem", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[BaseCache]:
    if request.param == "locmem":
        yield LocMemCache(f"throttle-{uuid.uuid4()}", {})
        return
    config = request.getfixturevalue("redis_cache_config")
    redis_cache = RedisCache(config["LOCATION"], {"KEY_PREFIX": config["KEY_PREFIX"]})
    yield redis_cache
    for pool in redis_cache._cache._pools.values():
        pool.disconnect()


def fail(throttle: PupilThrottle, pupil: uuid.UUID, device: str, times: int, clock: Clock) -> float:
    wait = 0.0
    for _ in range(times):
        clock.now += throttle.check(pupil, device).wait  # an attacker who waits exactly as long as asked
        wait = throttle.settle(pupil, device, throttle.admit(pupil, device), ok=False)
    return wait


def test_three_free_mistakes_then_a_growing_wait_on_the_device(store: BaseCache) -> None:
    clock = Clock()
    throttle, pupil = PupilThrottle(store, clock), uuid.uuid4()
    assert fail(throttle, pupil, IPAD, 2, clock) == 0.0
    assert throttle.check(pupil, IPAD).wait == 0.0
    assert fail(throttle, pupil, IPAD, 1, clock) == 1.0
    verdict = throttle.check(pupil, IPAD)
    assert (verdict.wait, verdict.wait_seconds, verdict.device.count) == (1.0, 1, 3)
    clock.now += 1.0
    assert throttle.check(pupil, IPAD).wait == 0.0
    assert fail(throttle, pupil, IPAD, 1, clock) == 2.0


def test_a_classmate_on_the_same_ipad_and_address_is_never_slowed_down(store: BaseCache) -> None:
    clock = Clock()
    throttle = PupilThrottle(store, clock)
    guesser, classmate = uuid.uuid4(), uuid.uuid4()
    assert fail(throttle, guesser, IPAD, 20, clock) == 300.0
    assert throttle.check(guesser, IPAD).wait == 300.0
    verdict = throttle.check(classmate, IPAD)
    assert (verdict.wait, verdict.device.count, verdict.pupil.count) == (0.0, 0, 0)


def test_the_pupil_counter_follows_the_pupil_to_other_devices(store: BaseCache) -> None:
    clock = Clock()
    throttle, pupil = PupilThrottle(store, clock), uuid.uuid4()
    # Throwing the device cookie away after every try (a fresh "device" each time):
    for attempt in range(10):
        device = f"fresh-{attempt}@203.0.113.5"
        fail(throttle, pupil, device, 1, clock)
    verdict = throttle.check(pupil, OTHER_PC)
    assert (verdict.device.count, verdict.pupil.count, verdict.wait) == (0, 10, 8.0)


def test_success_clears_the_device_counter_but_not_the_pupil_counter(store: BaseCache) -> None:
    clock = Clock()
    throttle, pupil = PupilThrottle(store, clock), uuid.uuid4()
    fail(throttle, pupil, IPAD, 5, clock)
    clock.now += 60
    throttle.settle(pupil, IPAD, throttle.admit(pupil, IPAD), ok=True)
    verdict = throttle.check(pupil, IPAD)
    assert (verdict.device.count, verdict.pupil.count, verdict.wait) == (0, 5, 0.0)


def test_waits_end_by_themselves_no_lockout(store: BaseCache) -> None:
    clock = Clock()
    throttle, pupil = PupilThrottle(store, clock), uuid.uuid4()
    fail(throttle, pupil, IPAD, 30, clock)
    assert throttle.check(pupil, IPAD).wait == 300.0
    clock.now += 300
    assert throttle.check(pupil, IPAD).wait == 0.0


def test_admit_counts_ahead_a_right_code_takes_it_back_a_refusal_counts_nothing(store: BaseCache) -> None:
    clock = Clock()
    throttle, pupil = PupilThrottle(store, clock), uuid.uuid4()
    admitted = throttle.admit(pupil, IPAD)
    assert (admitted.wait, admitted.device.count) == (0.0, 0)
    assert throttle.check(pupil, IPAD).device.count == 1  # in flight: counted as a mistake
    assert throttle.settle(pupil, IPAD, admitted, ok=True) == 0.0
    assert (throttle.check(pupil, IPAD).device.count, throttle.check(pupil, IPAD).pupil.count) == (0, 0)
    fail(throttle, pupil, IPAD, 3, clock)
    before = throttle.check(pupil, IPAD)
    refused = throttle.admit(pupil, IPAD)
    assert (refused.wait, refused.counted) == (1.0, None)
    assert throttle.check(pupil, IPAD) == before  # nothing changed


# --- finding 9 of issue 12: ceilings per device and per address, across pupils ---

HOUR_START = 1_000_800.0  # a clock hour starts here (the ceilings count per clock hour)


def _attack(throttle: PupilThrottle, clock: Clock, devices: Iterator[str], pupils: int) -> tuple[int, int]:
    """A script cycling through `pupils` pupils for one hour, waiting exactly as long as asked and
    never guessing right. Returns (codes checked, tries refused)."""
    school = [uuid.uuid4() for _ in range(pupils)]
    checked = refused = turn = 0
    while clock.now < HOUR_START + 3599:
        pupil, device = school[turn % pupils], next(devices)
        turn += 1
        before = throttle.check(pupil, device)
        verdict = throttle.admit(pupil, device)
        if verdict.wait:
            refused += 1
            assert throttle.check(pupil, device) == before  # a refusal counts nothing
            clock.now += verdict.wait
            continue
        throttle.settle(pupil, device, verdict, ok=False)
        checked += 1
    return checked, refused


def test_the_ceilings_are_what_a_class_and_a_school_need_with_room_to_spare() -> None:
    device_rule, address_rule = ceiling_rules()
    class_per_lesson = 30 * 2 * 4  # 30 pupils, 2 logins in a lesson hour, up to 4 typos each
    school_per_hour = 400 * 2 * 4  # 400 pupils behind one address, all in the same hour
    assert (class_per_lesson, device_rule.delay_after) == (240, DEVICE_CEILING) == (240, 300)
    assert (school_per_hour, address_rule.delay_after) == (3200, ADDRESS_CEILING) == (3200, 3600)
    assert [device_rule.wait_after(n) for n in (299, 300, 301, 305, 306, 1000)] == [
        0.0, 1.0, 2.0, 32.0, 60.0, 60.0,
    ]  # fmt: skip


def test_one_device_cycling_through_a_school_meets_the_device_ceiling(store: BaseCache) -> None:
    clock = Clock()
    clock.now = HOUR_START
    throttle = PupilThrottle(store, clock)
    checked, refused = _attack(throttle, clock, itertools.repeat(IPAD), pupils=400)
    assert 300 <= checked <= 300 + 70  # was about 10,000 an hour; after the ceiling one per minute
    assert refused > 0
    # The ceiling is this device's: another PC in the same school is not slowed down.
    clock.now = HOUR_START + 3599
    other = throttle.check(uuid.uuid4(), OTHER_PC)
    assert (other.wait, other.spread.count, other.address.count) == (0.0, 0, checked)
    # The next clock hour starts with a clean device ceiling (no lockout).
    clock.now = HOUR_START + 3600
    assert throttle.check(uuid.uuid4(), IPAD).wait == 0.0


def test_a_script_throwing_its_cookie_away_meets_the_address_ceiling(store: BaseCache, settings: Any) -> None:
    settings.PUPIL_THROTTLE = {"address_ceiling": 200}  # the default (3,600) behaves the same, later
    clock = Clock()
    clock.now = HOUR_START
    throttle = PupilThrottle(store, clock)
    fresh = (f"fresh-{n}@203.0.113.5" for n in itertools.count())
    checked, refused = _attack(throttle, clock, fresh, pupils=400)
    assert 200 <= checked <= 200 + 70
    assert refused > 0
    clock.now = HOUR_START + 3599
    elsewhere = throttle.check(uuid.uuid4(), "device-home@198.51.100.7")  # another address
    assert (elsewhere.wait, elsewhere.address.count) == (0.0, 0)


def test_a_class_sharing_one_ipad_never_meets_the_ceiling(store: BaseCache) -> None:
    clock = Clock()
    clock.now = HOUR_START
    throttle = PupilThrottle(store, clock)
    group = [uuid.uuid4() for _ in range(30)]
    for _login in range(2):
        for pupil in group:
            for _typo in range(4):
                clock.now += throttle.check(pupil, IPAD).wait
                verdict = throttle.admit(pupil, IPAD)
                assert verdict.wait == 0.0
                throttle.settle(pupil, IPAD, verdict, ok=False)
            clock.now += throttle.check(pupil, IPAD).wait
            verdict = throttle.admit(pupil, IPAD)
            assert verdict.wait == 0.0
            assert throttle.settle(pupil, IPAD, verdict, ok=True) == 0.0
    assert clock.now < HOUR_START + 3600
    last = throttle.check(uuid.uuid4(), IPAD)
    assert (last.wait, last.spread.count, last.address.count) == (0.0, 240, 240)  # right codes: not counted
