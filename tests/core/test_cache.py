"""The database cache (embedded mode): one statement per write, rows as Django's DatabaseCache
writes them, adds that replace only expired entries, and nothing that ever removes a live entry."""

from __future__ import annotations

import base64
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from klaspoort.core import cache as cache_module
from klaspoort.core.cache import DatabaseCache
from klaspoort.core.ratelimit import Limiter, Rule

pytestmark = pytest.mark.django_db(transaction=True)
TABLE = "klaspoort_cache"


@pytest.fixture
def cache() -> Iterator[DatabaseCache]:
    """A cache with a key prefix of its own, on an empty table (the table outlives the tests)."""
    store = DatabaseCache(TABLE, {"KEY_PREFIX": "cache-test"})
    store.clear()
    yield store
    store.clear()


def django_cache() -> DjangoDatabaseCache:
    return DjangoDatabaseCache(TABLE, {"KEY_PREFIX": "cache-test"})


def rows(store: DatabaseCache) -> dict[str, tuple[str, Any]]:
    """cache key (without the prefix) -> (value column, expires column) as stored."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value, expires FROM {TABLE}")
        return {key.split(":", 2)[2]: (value, expires) for key, value, expires in cursor.fetchall()}


def expired(store: DatabaseCache, *keys: str) -> None:
    """Entries that expired a second ago (timeout 0 would too; this is explicit)."""
    for key in keys:
        store.set(key, f"old {key}", 600)
    past = connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(time.time() - 1, tz=UTC))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET expires = %s WHERE cache_key IN ({', '.join(['%s'] * len(keys))})",
            [past, *(store.make_key(key) for key in keys)],
        )


def statements(run: Callable[[], object]) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        result = run()
    return result, [query["sql"].split()[0] for query in queries.captured_queries]


# --- what is stored ---


def test_rows_are_stored_exactly_as_djangos_database_cache_stores_them(
    cache: DatabaseCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = {"count": 3, "name": "juf Anna", "when": 1.5}
    monkeypatch.setattr(time, "time", lambda: 4_000_000_000.7)  # both compute the same expiry
    cache.set("ours", value, 600)
    django_cache().set("theirs", value, 600)
    cache.add("ours-added", value, 600)
    django_cache().add("theirs-added", value, 600)
    monkeypatch.undo()
    stored = rows(cache)
    encoded = base64.b64encode(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)).decode()
    assert stored["ours"] == stored["theirs"] == stored["ours-added"] == stored["theirs-added"]
    assert stored["ours"][0] == encoded
    # Each reads what the other wrote.
    assert django_cache().get_many(["ours", "theirs"]) == {"ours": value, "theirs": value}
    assert cache.get_many(["ours", "theirs"]) == {"ours": value, "theirs": value}
    assert (cache.has_key("ours"), django_cache().get("ours")) == (True, value)


def test_no_timeout_is_stored_as_djangos_never(cache: DatabaseCache) -> None:
    cache.set("forever", 1, None)
    django_cache().set("theirs", 1, None)
    stored = rows(cache)
    assert stored["forever"][1] == stored["theirs"][1]
    assert cache.add("forever", 2, None) is False
    assert cache.get("forever") == 1


# --- one statement each ---


def test_every_write_is_one_statement(cache: DatabaseCache) -> None:
    cache.set("counter", 1, 600)
    count_ahead = "WITH" if connection.vendor == "postgresql" else "INSERT"
    assert statements(lambda: cache.set("a", 1, 600)) == (None, ["INSERT"])
    assert statements(lambda: cache.set_many({"b": 2, "c": 3}, 600)) == ([], ["INSERT"])
    assert statements(lambda: cache.add("d", 4, 600)) == (True, ["INSERT"])
    assert statements(lambda: cache.add("d", 5, 600)) == (False, ["INSERT"])
    assert statements(lambda: cache.add_many({"e": 5, "f": 6}, 600)) == (["e", "f"], ["INSERT"])
    assert statements(lambda: cache.add_many({"g": 7}, 600, lock="l")) == (["g"], [count_ahead])
    assert statements(lambda: cache.touch("a", 900)) == (True, ["UPDATE"])
    assert statements(lambda: cache.incr("counter", 2)) == (3, ["SELECT", "UPDATE"])
    assert statements(lambda: cache.delete_many(["a", "b"])) == (None, ["DELETE"])
    assert statements(lambda: cache.get_many(["c", "d", "nope"])) == ({"c": 3, "d": 4}, ["SELECT"])
    assert cache.get_many(["a", "b", "e", "f", "g", "counter"]) == {"e": 5, "f": 6, "g": 7, "counter": 3}


def test_a_write_never_counts_the_table(cache: DatabaseCache) -> None:
    cache.set_many({f"filler-{n}": n for n in range(50)}, 600)
    with CaptureQueriesContext(connection) as queries:
        cache.set("x", 1, 600)
        cache.add("y", 2, 600)
        cache.touch("x", 60)
    assert not [q["sql"] for q in queries.captured_queries if "COUNT" in q["sql"].upper()]


# --- add: an expired entry may be replaced, a live one never ---


def test_add_creates_once_and_leaves_a_live_entry_alone(cache: DatabaseCache) -> None:
    assert cache.add("k", "first", 600) is True
    before = rows(cache)["k"]
    assert cache.add("k", "second", 60) is False
    assert cache.get("k") == "first"
    assert rows(cache)["k"] == before  # value and expiry untouched


def test_add_replaces_an_expired_entry(cache: DatabaseCache) -> None:
    expired(cache, "k")
    assert cache.get("k") is None
    assert cache.add("k", "new", 600) is True
    assert cache.get("k") == "new"
    assert rows(cache)["k"][0] == base64.b64encode(pickle.dumps("new", pickle.HIGHEST_PROTOCOL)).decode()


def test_add_many_adds_only_the_keys_without_a_live_entry(cache: DatabaseCache) -> None:
    cache.set("live", "kept", 600)
    expired(cache, "old")
    added = cache.add_many({"live": 1, "old": 2, "new": 3}, 600)
    assert sorted(added) == ["new", "old"]
    assert cache.get_many(["live", "old", "new"]) == {"live": "kept", "old": 2, "new": 3}
    assert cache.add_many({}, 600) == []


def test_add_many_gives_each_key_its_timeout(cache: DatabaseCache) -> None:
    cache.add_many({"short": 1, "long": 2}, 600, timeouts={"short": 1})
    assert cache.get_many(["short", "long"]) == {"short": 1, "long": 2}
    time.sleep(2.1)  # the cache keeps whole seconds
    assert cache.get_many(["short", "long"]) == {"long": 2}


def test_add_many_adds_nothing_while_a_guard_key_is_live(cache: DatabaseCache) -> None:
    cache.set("guard", 1, 600)
    expired(cache, "old-guard")
    assert cache.add_many({"a": 1, "b": 2}, 600, unless=["guard", "missing"]) == []
    assert cache.get_many(["a", "b"]) == {}
    assert sorted(cache.add_many({"a": 1, "b": 2}, 600, unless=["old-guard", "missing"])) == ["a", "b"]


# --- set, touch, incr ---


def test_set_overwrites_value_and_expiry(cache: DatabaseCache) -> None:
    cache.set("k", "one", 600)
    cache.set("k", "two", 1)
    assert cache.get("k") == "two"
    time.sleep(2.1)
    assert cache.get("k") is None
    cache.set_many({"k": "three", "j": None}, 600)
    assert cache.get_many(["k", "j"]) == {"k": "three", "j": None}


def test_touch_renews_a_live_entry_only(cache: DatabaseCache) -> None:
    cache.set("live", 1, 1)
    expired(cache, "old")
    assert cache.touch("live", 600) is True
    assert cache.touch("old", 600) is False
    assert cache.touch("missing", 600) is False
    time.sleep(2.1)
    assert cache.get_many(["live", "old"]) == {"live": 1}


def test_incr_keeps_the_expiry_and_refuses_a_missing_or_expired_entry(cache: DatabaseCache) -> None:
    cache.set("n", 5, 600)
    before = rows(cache)["n"][1]
    assert cache.incr("n", 3) == 8
    assert cache.decr("n", 10) == -2
    assert rows(cache)["n"][1] == before
    expired(cache, "old")
    for key in ("old", "missing"):
        with pytest.raises(ValueError, match="not found"):
            cache.incr(key)
    assert cache.get_many(["n", "old"]) == {"n": -2}


# --- removing: expired entries only ---


def test_filling_the_cache_does_not_reset_a_throttle(cache: DatabaseCache) -> None:
    limiter = Limiter(Rule("cull-test:login", window=900, delay_after=5), cache=cache)
    for _ in range(4):
        limiter.hit("victim@school.example")
    for index in range(300):  # an attacker fills the cache far past any limit
        cache.set(f"filler-{index}", index, 600)
    assert limiter.peek("victim@school.example").count == 4
    assert cache.get_many([f"filler-{index}" for index in range(300)]) == {
        f"filler-{index}": index for index in range(300)
    }


def test_delete_expired_removes_only_expired_entries(cache: DatabaseCache) -> None:
    cache.set_many({"live-1": 1, "live-2": 2}, 600)
    cache.set("forever", 3, None)
    expired(cache, "old-1", "old-2", "old-3")
    assert cache.delete_expired() == 3
    assert sorted(rows(cache)) == ["forever", "live-1", "live-2"]
    assert cache.delete_expired() == 0


def test_get_many_leaves_expired_rows_for_the_sweep(cache: DatabaseCache) -> None:
    expired(cache, "old")
    assert statements(lambda: cache.get_many(["old"])) == ({}, ["SELECT"])
    assert sorted(rows(cache)) == ["old"]


def test_delete_many_takes_a_bounded_number_of_expired_entries_along(
    cache: DatabaseCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "SWEEP", 3)
    cache.set_many({"live": 1, "mine": 2}, 600)
    expired(cache, *(f"old-{n}" for n in range(5)))
    assert statements(lambda: cache.delete_many(["mine"])) == (None, ["DELETE"])
    left = sorted(rows(cache))
    assert [key for key in left if not key.startswith("old-")] == ["live"]
    assert len([key for key in left if key.startswith("old-")]) == 2  # 3 of the 5 went along
    cache.delete_many(["nothing"])
    assert sorted(rows(cache)) == ["live"]


# --- concurrency: separate connections, as separate web workers ---


def _in_threads(count: int, work: Callable[[int], object]) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_of_two_workers_adding_the_same_key_exactly_one_wins(cache: DatabaseCache) -> None:
    keys = [f"race-{n}" for n in range(20)]

    def add_all(worker: int) -> list[bool]:
        store = DatabaseCache(TABLE, {"KEY_PREFIX": "cache-test"})
        return [store.add(key, worker, 600) for key in keys]

    first, second = _in_threads(2, add_all)
    assert isinstance(first, list)
    assert isinstance(second, list)
    assert [a + b for a, b in zip(first, second, strict=True)] == [1] * len(keys)
    stored = cache.get_many(keys)
    assert [stored[key] for key in keys] == [0 if won else 1 for won in first]


def test_of_two_workers_replacing_the_same_expired_key_exactly_one_wins(cache: DatabaseCache) -> None:
    keys = [f"old-{n}" for n in range(20)]
    expired(cache, *keys)

    def add_many(worker: int) -> list[str]:
        store = DatabaseCache(TABLE, {"KEY_PREFIX": "cache-test"})
        return [key for key in keys if store.add_many({key: worker}, 600)]

    first, second = _in_threads(2, add_many)
    assert isinstance(first, list)
    assert isinstance(second, list)
    assert sorted(first + second) == sorted(keys)
    assert not set(first) & set(second)


def test_concurrent_increments_are_never_lost(cache: DatabaseCache) -> None:
    cache.set("n", 0, 600)

    def count(_worker: int) -> None:
        store = DatabaseCache(TABLE, {"KEY_PREFIX": "cache-test"})
        for _ in range(25):
            store.incr("n")

    _in_threads(4, count)
    assert cache.get("n") == 100


def test_add_many_with_a_lock_waits_for_its_holder(cache: DatabaseCache) -> None:
    """The holder of `lock(name)` reads, finds nothing, and writes only later: an `add_many` with
    that lock must take its turn after it, so it finds the holder's entry and adds nothing."""
    holding = threading.Event()
    took: dict[str, float] = {}

    def work(worker: int) -> object:
        store = DatabaseCache(TABLE, {"KEY_PREFIX": "cache-test"})
        if worker == 0:
            with store.lock("the-lock"):
                assert store.get("k") is None
                holding.set()
                time.sleep(0.5)
                store.add("k", "holder", 600)
            return None
        holding.wait(10)
        start = time.monotonic()
        added = store.add_many({"k": "late"}, 600, lock="the-lock")
        took["seconds"] = time.monotonic() - start
        return added

    _holder, added = _in_threads(2, work)
    assert added == []
    assert cache.get("k") == "holder"
    assert took["seconds"] > 0.3
