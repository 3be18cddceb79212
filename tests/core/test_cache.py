"""The database cache: past MAX_ENTRIES only expired entries go, never live throttle counters."""

from __future__ import annotations

import time

import pytest

from klaspoort.core.cache import DatabaseCache
from klaspoort.core.ratelimit import Limiter, Rule

pytestmark = pytest.mark.django_db(transaction=True)


def small_cache() -> DatabaseCache:
    return DatabaseCache("klaspoort_cache", {"KEY_PREFIX": "cull-test", "OPTIONS": {"MAX_ENTRIES": 3}})


def test_filling_the_cache_does_not_reset_a_throttle() -> None:
    cache = small_cache()
    limiter = Limiter(Rule("cull-test:login", window=900, delay_after=5), cache=cache)
    for _ in range(4):
        limiter.hit("victim@school.example")
    for index in range(20):  # an attacker fills the cache far past MAX_ENTRIES
        cache.set(f"filler-{index}", index, 600)
    assert limiter.peek("victim@school.example").count == 4
    assert [cache.get(f"filler-{index}") for index in range(20)] == list(range(20))


def test_expired_entries_are_removed_once_the_cache_is_full() -> None:
    cache = small_cache()
    for index in range(3):
        cache.set(f"old-{index}", index, 1)
    time.sleep(2.1)  # the cache keeps whole seconds
    cache.set("live-1", 1, 600)
    cache.set("live-2", 2, 600)  # over MAX_ENTRIES: the expired rows are deleted
    cache.set("live-3", 3, 600)
    keys = {cache.make_key(f"old-{index}") for index in range(3)}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM klaspoort_cache WHERE cache_key IN (%s, %s, %s)",
            sorted(keys),
        )
        assert cursor.fetchone()[0] == 0
    assert [cache.get(f"live-{n}") for n in (1, 2, 3)] == [1, 2, 3]
