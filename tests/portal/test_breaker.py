from __future__ import annotations

from django.core.cache import BaseCache

from klaspoort.portal.breaker import (
    CLOSED,
    BreakerPolicy,
    BreakerState,
    BreakerStore,
    after_failure,
    after_success,
)

POLICY = BreakerPolicy(failures=3, open_seconds=30.0)


def test_breaker_opens_after_the_configured_number_of_failures() -> None:
    state = CLOSED
    state = after_failure(state, 100.0, POLICY)
    assert state == BreakerState(failures=1, open_until=0.0)
    state = after_failure(state, 101.0, POLICY)
    assert state == BreakerState(failures=2, open_until=0.0)
    assert not state.is_open(101.0)
    state = after_failure(state, 102.0, POLICY)
    assert state == BreakerState(failures=3, open_until=132.0)
    assert state.is_open(131.9)
    assert not state.is_open(132.0)


def test_failed_probe_reopens_at_once_and_success_closes() -> None:
    tripped = BreakerState(failures=3, open_until=132.0)
    assert after_failure(tripped, 140.0, POLICY) == BreakerState(failures=4, open_until=170.0)
    assert after_success(tripped) == CLOSED


def test_store_round_trip_and_single_probe(shared_cache: BaseCache) -> None:
    store = BreakerStore(shared_cache, POLICY)
    assert store.states(["a", "b"]) == {"a": CLOSED, "b": CLOSED}
    state = CLOSED
    for moment in (100.0, 101.0, 102.0):
        assert store.may_call("a", state, moment, probe_seconds=1.5)
        state = store.record("a", state, ok=False, now=moment)
    assert store.states(["a", "b"]) == {"a": BreakerState(3, 132.0), "b": CLOSED}
    assert not store.may_call("a", state, 120.0, probe_seconds=1.5)
    # After the open period exactly one request probes; the others keep skipping.
    assert store.may_call("a", state, 133.0, probe_seconds=1.5)
    assert not store.may_call("a", state, 133.0, probe_seconds=1.5)
    state = store.record("a", state, ok=True, now=133.5)
    assert state == CLOSED
    assert store.states(["a"]) == {"a": CLOSED}
    assert store.may_call("a", CLOSED, 134.0, probe_seconds=1.5)


def test_failed_probe_lets_the_next_period_probe_again(shared_cache: BaseCache) -> None:
    store = BreakerStore(shared_cache, POLICY)
    state = BreakerState(3, 132.0)
    assert store.may_call("a", state, 133.0, probe_seconds=1.5)
    state = store.record("a", state, ok=False, now=133.0)
    assert state == BreakerState(4, 163.0)
    assert not store.may_call("a", state, 150.0, probe_seconds=1.5)
    assert store.may_call("a", state, 164.0, probe_seconds=1.5)


def test_garbage_in_the_cache_reads_as_closed(shared_cache: BaseCache) -> None:
    shared_cache.set("portal:breaker:a", "nonsense")
    shared_cache.set("portal:breaker:b", {"failures": "x", "open_until": 1})
    assert BreakerStore(shared_cache, POLICY).states(["a", "b"]) == {"a": CLOSED, "b": CLOSED}
