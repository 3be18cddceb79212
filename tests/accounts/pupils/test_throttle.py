from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from klaspoort.accounts.pupils.throttle import DEVICE_RULE, PUPIL_RULE, PupilThrottle

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
