"""Shared-cache counters: on the database cache (embedded mode) and on Redis (production)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections

from klaspoort.core.cache import DatabaseCache
from klaspoort.core.ratelimit import (
    DistinctCounter,
    Limiter,
    Rule,
    State,
    count_first,
    exclusive,
    peek_many,
    subject_digest,
)

# Marked statically: pytest-django sets up the test database only for tests that declare it.
pytestmark = pytest.mark.django_db

DB_CACHE = {"BACKEND": "klaspoort.core.cache.DatabaseCache", "LOCATION": "klaspoort_cache"}


class FakeClock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def subject() -> str:
    return f"subject-{uuid.uuid4()}"


def test_wait_grows_from_delay_after_and_is_capped() -> None:
    rule = Rule("t", window=60, delay_after=5, base_delay=1, max_delay=60)
    assert [rule.wait_after(count) for count in range(13)] == [
        0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60
    ]  # fmt: skip
    assert rule.wait_after(10_000) == 60


def test_rule_without_delays_never_waits() -> None:
    assert Rule("t", window=60).wait_after(1000) == 0


@pytest.mark.parametrize("name", ["", "Has Space", "x" * 65, "ünïcode"])
def test_rule_names_must_be_cache_safe(name: str) -> None:
    with pytest.raises(ValueError, match="rate limit name"):
        Rule(name, window=60)


def test_subject_digest_is_keyed_and_does_not_contain_the_subject() -> None:
    digest = subject_digest("juf@school.nl")
    assert len(digest) == 32
    assert "juf" not in digest
    assert digest == subject_digest("juf@school.nl")
    assert digest != subject_digest("meester@school.nl")


def test_subject_digest_is_djangos_salted_hmac_and_follows_the_secret_key(settings: Any) -> None:
    from django.utils.crypto import salted_hmac

    expected = salted_hmac("klaspoort.ratelimit", "juf@school.nl", algorithm="sha256").hexdigest()[:32]
    assert subject_digest("juf@school.nl") == expected
    settings.SECRET_KEY = "another secret key for this test only, long enough to be a real one"
    assert subject_digest("juf@school.nl") != expected
    assert (
        subject_digest("juf@school.nl")
        == (salted_hmac("klaspoort.ratelimit", "juf@school.nl", algorithm="sha256").hexdigest()[:32])
    )


def test_hits_count_and_delays_start_at_delay_after(cache_backend: str) -> None:
    clock = FakeClock()
    limiter = Limiter(Rule("t:delay", window=600, delay_after=3, base_delay=1, max_delay=4), clock=clock)
    who = subject()
    assert limiter.peek(who) == State(0, 0.0)
    assert limiter.hit(who) == State(1, 0.0)
    assert limiter.hit(who) == State(2, 0.0)
    assert limiter.hit(who) == State(3, clock.now + 1)
    clock.now += 10
    assert limiter.hit(who) == State(4, clock.now + 2)
    assert limiter.hit(who) == State(5, clock.now + 4)
    assert limiter.hit(who) == State(6, clock.now + 4)
    state = limiter.peek(who)
    assert state == State(6, clock.now + 4)
    assert state.wait(clock.now + 1) == 3
    assert state.wait(clock.now + 5) == 0


def test_subjects_and_rules_are_independent(cache_backend: str) -> None:
    first = Limiter(Rule("t:one", window=600))
    second = Limiter(Rule("t:two", window=600))
    a, b = subject(), subject()
    for _ in range(3):
        first.hit(a)
    assert first.peek(a).count == 3
    assert first.peek(b).count == 0
    assert second.peek(a).count == 0


def test_reset_forgets_count_and_wait(cache_backend: str) -> None:
    limiter = Limiter(Rule("t:reset", window=600, delay_after=1))
    who = subject()
    limiter.hit(who)
    limiter.hit(who)
    limiter.reset(who)
    assert limiter.peek(who) == State(0, 0.0)
    assert limiter.hit(who).count == 1


def test_count_is_forgotten_after_the_window(cache_backend: str) -> None:
    limiter = Limiter(Rule("t:window", window=1, delay_after=1))
    who = subject()
    limiter.hit(who)
    assert limiter.peek(who).count == 1
    time.sleep(1.15)
    assert limiter.peek(who) == State(0, 0.0)
    assert limiter.hit(who).count == 1


def test_distinct_counter_counts_each_member_once(cache_backend: str) -> None:
    accounts = DistinctCounter("t:distinct", window=600)
    address = subject()
    assert accounts.add(address, "a@school.nl") == 1
    assert accounts.add(address, "a@school.nl") == 1
    assert accounts.add(address, "b@school.nl") == 2
    for _ in range(20):
        accounts.add(address, "a@school.nl")
    assert accounts.peek(address) == 2
    assert accounts.peek(subject()) == 0


def test_peek_many_reads_every_counter_in_one_query(
    db: None, django_assert_num_queries: Callable[..., object]
) -> None:
    limiter = Limiter(Rule("t:many", window=600, delay_after=1))
    accounts = DistinctCounter("t:many-distinct", window=600)
    a, b, address = subject(), subject(), subject()
    limiter.hit(a)
    accounts.add(address, "x")
    with django_assert_num_queries(1):  # type: ignore[operator]
        states = peek_many((limiter, a), (limiter, b), (accounts, address))
    assert [state.count for state in states] == [1, 0, 1]
    assert states[0].retry_at > 0


def test_peek_many_refuses_counters_of_two_caches(db: None) -> None:
    one = Limiter(Rule("t:x", window=60), cache=caches["default"])
    other = Limiter(Rule("t:x", window=60), cache=DatabaseCache("klaspoort_cache", {}))
    with pytest.raises(ValueError, match="one cache"):
        peek_many((one, "a"), (other, "a"))
    assert peek_many() == []


def _separate_clients(backend: str, config: dict[str, str]) -> Callable[[], BaseCache]:
    """A new cache client per call: as two web workers each have their own."""
    if backend == "database":
        return lambda: DatabaseCache("klaspoort_cache", {})
    return lambda: RedisCache(config["LOCATION"], {"KEY_PREFIX": config["KEY_PREFIX"]})


def run_at_once(work: Callable[[], None], workers: int) -> list[BaseException]:
    """Run `work` in `workers` threads, each with database connections of its own (closed at its
    end); the exceptions they raised."""
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            work()
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guarded) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend_name", ["database", "redis"])
def test_concurrent_hits_from_separate_clients_are_never_lost(
    backend_name: str, request: pytest.FixtureRequest
) -> None:
    if backend_name == "database":
        config = DB_CACHE
    else:
        config = request.getfixturevalue("redis_cache_config")
    new_client = _separate_clients(backend_name, config)
    rule = Rule("t:race", window=600)
    who = subject()
    workers, hits = 4, 15

    def work() -> None:
        limiter = Limiter(rule, cache=new_client())
        for _ in range(hits):
            limiter.hit(who)

    assert run_at_once(work, workers) == []
    assert Limiter(rule, cache=new_client()).peek(who).count == workers * hits


# --- count_first: the first hit of fresh counters in one statement ---

PER_CLIENT = Rule("t:first-client", window=900, delay_after=5)
PER_ACCOUNT = Rule("t:first-account", window=3600)
CEILING = Rule("t:first-ceiling", window=3600, delay_after=2)


def test_count_first_counts_fresh_counters_in_one_statement(
    db: None, django_assert_num_queries: Callable[..., object]
) -> None:
    client, account = Limiter(PER_CLIENT), Limiter(PER_ACCOUNT)
    who = subject()
    with django_assert_num_queries(1):  # type: ignore[operator]
        states = count_first(("t", who), [(client, f"{who}|net"), (account, who)])
    assert states == (State(1, 0.0), State(1, 0.0))
    assert peek_many((client, f"{who}|net"), (account, who)) == [State(1, 0.0), State(1, 0.0)]
    # Each counter keeps its own window: the hits that follow count on from 1 and add to it.
    assert (client.hit(f"{who}|net"), account.hit(who)) == (State(2, 0.0), State(2, 0.0))


def test_count_first_counts_nothing_when_a_counter_already_has_a_count(db: None) -> None:
    client, account = Limiter(PER_CLIENT), Limiter(PER_ACCOUNT)
    who = subject()
    account.hit(who)
    assert count_first(("t", who), [(client, f"{who}|net"), (account, who)]) is None
    assert peek_many((client, f"{who}|net"), (account, who)) == [State(0, 0.0), State(1, 0.0)]


def test_count_first_counts_nothing_while_a_watched_counter_has_a_wait(db: None) -> None:
    client, ceiling = Limiter(PER_CLIENT), Limiter(CEILING)
    who, device = subject(), subject()
    ceiling.hit(device)
    assert count_first(("t", who), [(client, who)], unless=[(ceiling, device)]) == (State(1, 0.0),)
    ceiling.hit(device)  # the second hit sets a wait
    other = subject()
    assert count_first(("t", other), [(client, other)], unless=[(ceiling, device)]) is None
    assert client.peek(other) == State(0, 0.0)
    assert ceiling.peek(device).count == 2  # only looked at


def test_count_first_leaves_a_rule_that_waits_from_the_first_hit_to_the_lock(db: None) -> None:
    strict = Limiter(Rule("t:first-strict", window=60, delay_after=1))
    who = subject()
    assert count_first(("t", who), [(strict, who)]) is None
    assert strict.peek(who) == State(0, 0.0)


def test_count_first_leaves_redis_to_the_lock(cache_backend: str) -> None:
    limiter = Limiter(PER_ACCOUNT)
    who = subject()
    states = count_first(("t", who), [(limiter, who)])
    expected = (State(1, 0.0),) if cache_backend == "database" else None
    assert (states, limiter.peek(who).count) == (expected, 1 if expected else 0)


class _CameFirst(DatabaseCache):
    """A database cache on which another request created all but the first key just before."""

    def add_many(self, data: Any, timeout: Any = None, version: Any = None, **options: Any) -> list[Any]:
        first, *others = data
        for key in others:
            self.set(key, 7, 600)
        return super().add_many({first: data[first]}, timeout, version, timeouts=options["timeouts"])


def test_count_first_takes_back_what_it_added_when_another_request_came_first(db: None) -> None:
    store = _CameFirst("klaspoort_cache", {})
    client, account = Limiter(PER_CLIENT, cache=store), Limiter(PER_ACCOUNT, cache=store)
    who = subject()
    assert count_first(("t", who), [(client, who), (account, who)]) is None
    assert peek_many((client, who), (account, who)) == [State(0, 0.0), State(7, 0.0)]


@pytest.mark.django_db(transaction=True)
def test_first_hits_counted_at_once_with_the_lock_are_never_lost() -> None:
    """Workers that each count one try (the first one by `count_first`, the others under the lock,
    as the login throttles do) all at once: every try is counted, exactly one counted it first."""
    who = subject()
    workers = 6
    barrier = threading.Barrier(workers)
    firsts: list[bool] = []

    def work() -> None:
        store = DatabaseCache("klaspoort_cache", {})
        client, account = Limiter(PER_CLIENT, cache=store), Limiter(PER_ACCOUNT, cache=store)
        barrier.wait()
        counted = count_first(("t", who), [(client, who), (account, who)])
        firsts.append(counted is not None)
        if counted is None:
            with exclusive(store, "t", who):
                client.hit(who)
                account.hit(who)

    assert run_at_once(work, workers) == []
    assert firsts.count(True) == 1
    store = DatabaseCache("klaspoort_cache", {})
    assert [
        state.count
        for state in peek_many(
            (Limiter(PER_CLIENT, cache=store), who), (Limiter(PER_ACCOUNT, cache=store), who)
        )
    ] == [workers, workers]
