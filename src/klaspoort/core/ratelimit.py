"""Counters in the shared cache, with windows and growing delays. Policy lives with the callers.

State is kept in a Django cache (the database cache in embedded mode, Redis when REDIS_URL is set),
never in process memory, so every web worker sees the same counts. Counts change only through
atomic cache operations (`add` creates, `incr` increments), so concurrent requests never lose a hit.

    rule = Rule("login:account-client", window=900, delay_after=5, base_delay=1, max_delay=60)
    limiter = Limiter(rule)
    state = limiter.peek(subject)        # State(count, retry_at); state.wait(now) seconds still to wait
    state = limiter.hit(subject)         # one more event; from the 5th on the next try waits 1, 2, 4 … 60 s
    limiter.reset(subject)               # e.g. after a successful login

    sprayed = DistinctCounter("login:address-accounts", window=3600)
    sprayed.add(address, account_email)  # -> how many different accounts this address failed on
    peek_many((limiter, s1), (sprayed, address))   # several states in one cache round trip

    with exclusive(cache, "login", subject):   # decide and count as one step (parallel requests)
        if limiter.peek(subject).wait(now) == 0:
            limiter.hit(subject)
    limiter.release(subject)             # take back one hit counted ahead (the try turned out fine)

    # the common case in one statement: the first hit of counters that have none yet, taking its
    # turn with `exclusive(cache, "login", subject)`; None: nothing counted, use `exclusive`
    states = count_first(("login", subject), [(limiter, subject)])

A window is sliding: a count is forgotten `window` seconds after its last hit. Subjects (email
addresses, client addresses, device ids) are stored only as keyed hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import BaseCache, caches

Clock = Callable[[], float]
_NAME = re.compile(r"^[a-z0-9][a-z0-9:._-]{0,63}$")


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"rate limit name {name!r}: use 1-64 of a-z 0-9 : . _ -")
    return name


def subject_digest(subject: str) -> str:
    """Keyed hash of a subject: cache keys stay short and safe, and reveal no addresses. The same
    as `salted_hmac("klaspoort.ratelimit", subject, algorithm="sha256")`, with its key derived once
    per SECRET_KEY (a login computes about a dozen of these)."""
    key = _digest_key(settings.SECRET_KEY)
    return hmac.new(key, subject.encode(), hashlib.sha256).hexdigest()[:32]


@lru_cache(maxsize=4)
def _digest_key(secret: str) -> bytes:
    return hashlib.sha256(b"klaspoort.ratelimit" + secret.encode()).digest()


@dataclass(frozen=True)
class Rule:
    """How a counter behaves.

    name        namespace in the cache
    window      seconds after the last hit at which the count is forgotten
    delay_after from this many hits on, the next try must wait: base_delay, then doubling …
    base_delay  … the first wait, in seconds
    max_delay   … up to this cap (a wait never grows beyond it: nobody is locked out)
    """

    name: str
    window: int
    delay_after: int | None = None
    base_delay: float = 1.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        _check_name(self.name)
        if self.window < 1:
            raise ValueError("window must be at least one second")

    def wait_after(self, count: int) -> float:
        """Seconds the next try must wait after `count` hits (0 before `delay_after`)."""
        if self.delay_after is None or count < self.delay_after:
            return 0.0
        exponent = min(count - self.delay_after, 60)
        return float(min(self.max_delay, self.base_delay * 2**exponent))


@dataclass(frozen=True)
class State:
    """A counter as read: `count` hits in the window; tries must wait until unix time `retry_at`."""

    count: int = 0
    retry_at: float = 0.0

    def wait(self, now: float) -> float:
        return max(0.0, self.retry_at - now)


class _Probe(Protocol):
    @property
    def cache(self) -> BaseCache: ...

    def read_keys(self, subject: str) -> list[str]: ...

    def state_from(self, values: dict[str, Any], subject: str) -> State: ...


def _count(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _increment(cache: BaseCache, key: str, window: int) -> int:
    """Atomically add one to `key`, creating it for `window` seconds; the window restarts."""
    if cache.add(key, 1, window):
        return 1
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        if cache.add(key, 1, window):
            return 1
        count = int(cache.incr(key))
    cache.touch(key, window)
    return count


class _UsesCache:
    """`cache` is an alias of settings.CACHES (looked up on use, so settings overrides apply) or a
    cache instance."""

    def __init__(self, cache: str | BaseCache) -> None:
        self._cache = cache

    @property
    def cache(self) -> BaseCache:
        return caches[self._cache] if isinstance(self._cache, str) else self._cache


class Limiter(_UsesCache):
    """Counts hits per subject under one `Rule`."""

    def __init__(self, rule: Rule, *, cache: str | BaseCache = "default", clock: Clock = time.time) -> None:
        super().__init__(cache)
        self.rule = rule
        self.clock = clock

    def _keys(self, subject: str) -> tuple[str, str]:
        base = f"rl:{self.rule.name}:{subject_digest(subject)}"
        return base, f"{base}:t"

    def read_keys(self, subject: str) -> list[str]:
        return list(self._keys(subject))

    def state_from(self, values: dict[str, Any], subject: str) -> State:
        count_key, retry_key = self._keys(subject)
        retry_at = values.get(retry_key)
        return State(
            count=_count(values.get(count_key)),
            retry_at=float(retry_at) if isinstance(retry_at, int | float) else 0.0,
        )

    def peek(self, subject: str) -> State:
        return peek_many((self, subject))[0]

    def hit(self, subject: str) -> State:
        """Record one event; returns the state the next try will see."""
        count_key, retry_key = self._keys(subject)
        count = _increment(self.cache, count_key, self.rule.window)
        wait = self.rule.wait_after(count)
        retry_at = 0.0
        if wait > 0:
            retry_at = self.clock() + wait
            self.cache.set(retry_key, retry_at, self.rule.window)
        return State(count=count, retry_at=retry_at)

    def wait_keys(self, subject: str) -> list[str]:
        """The key that holds a wait of `subject` (present only once a wait was set)."""
        return [self._keys(subject)[1]]

    def reset(self, subject: str) -> None:
        self.cache.delete_many(self._keys(subject))

    def release(self, subject: str) -> None:
        """Take back one hit counted ahead of a try that turned out not to be a mistake, and the
        wait it set. (A try is only let in when no wait is running, so that wait is its own.)"""
        count_key, retry_key = self._keys(subject)
        try:
            count = int(self.cache.incr(count_key, -1))
        except ValueError:  # already forgotten
            return
        if count < 0:
            # Reset meanwhile (a right password of a parallel try): Django's RedisCache checks that
            # the key exists and then increments, so a reset in between makes it again, at -1 and
            # without expiry. Nothing is left to take back.
            self.cache.delete_many([count_key, retry_key])
            return
        self.cache.delete(retry_key)


class DistinctCounter(_UsesCache):
    """How many different members a subject was seen with in a window (e.g. accounts per address).

    Adding the same member again changes nothing; only new members count.
    """

    def __init__(self, name: str, window: int, *, cache: str | BaseCache = "default") -> None:
        super().__init__(cache)
        self.name = _check_name(name)
        self.window = window

    def _count_key(self, subject: str) -> str:
        return f"rl:{self.name}:{subject_digest(subject)}:n"

    def read_keys(self, subject: str) -> list[str]:
        return [self._count_key(subject)]

    def state_from(self, values: dict[str, Any], subject: str) -> State:
        return State(count=_count(values.get(self._count_key(subject))))

    def add(self, subject: str, member: str) -> int:
        """Note `member` for `subject`; returns the number of distinct members in the window."""
        count_key = self._count_key(subject)
        member_key = f"rl:{self.name}:{subject_digest(subject)}:m:{subject_digest(member)}"
        if self.cache.add(member_key, 1, self.window):
            return _increment(self.cache, count_key, self.window)
        self.cache.touch(member_key, self.window)
        return _count(self.cache.get(count_key))

    def peek(self, subject: str) -> int:
        return peek_many((self, subject))[0].count


class Busy(Exception):
    """Another request held a subject's lock for longer than we were willing to wait."""


LOCK_SECONDS = 5
LOCK_PATIENCE = 3.0


def _lock_key(name: str, subject: str) -> str:
    return f"rl:lock:{_check_name(name)}:{subject_digest(subject)}"


@contextmanager
def exclusive(
    cache: BaseCache, name: str, subject: str, *, patience: float = LOCK_PATIENCE
) -> Iterator[None]:
    """Hold the lock of `subject` under `name` (in `cache`) while deciding and counting, so that
    parallel requests for the same subject take their turn: read, decide and count become one step.

    A cache with a `lock(name)` of its own (our database cache: a lock of the database, held for one
    transaction) uses it. Otherwise (Redis) the lock is an atomic `add` (SET NX) that expires after
    LOCK_SECONDS should its holder die. Hold it only for cache operations, never for a password
    check. Raises `Busy` after `patience` seconds without the lock.
    """
    key = _lock_key(name, subject)
    native = getattr(cache, "lock", None)
    if native is not None:
        with native(key):
            yield
        return
    deadline = time.monotonic() + patience
    pause = 0.002
    while not cache.add(key, 1, LOCK_SECONDS):
        if time.monotonic() > deadline:
            raise Busy(name)
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    try:
        yield
    finally:
        cache.delete(key)


def peek_many(*probes: tuple[_Probe, str]) -> list[State]:
    """Read several counters (of one cache) in one round trip: one query on the database cache."""
    if not probes:
        return []
    cache = probes[0][0].cache
    if any(probe.cache is not cache for probe, _ in probes):
        raise ValueError("peek_many reads counters of one cache only")
    keys = [key for probe, subject in probes for key in probe.read_keys(subject)]
    values = cache.get_many(keys)
    return [probe.state_from(values, subject) for probe, subject in probes]


def counts_first(cache: BaseCache) -> bool:
    """Whether `count_first` can count on `cache` (our database cache; not Django's caches)."""
    return getattr(cache, "add_many", None) is not None


def count_first(
    lock: tuple[str, str],
    counters: Sequence[tuple[Limiter, str]],
    *,
    unless: Sequence[tuple[Limiter, str]] = (),
) -> tuple[State, ...] | None:
    """The first hit of each of `counters` (Limiter, subject), counted in one cache statement that
    takes its turn with the holders of `exclusive(cache, *lock)`: the common case of a try counted
    ahead (no earlier failures), without a lock of its own, a read or a transaction.

    Counts only when none of `counters` has a count or a wait, and none of the counters `unless`
    (only looked at) has a wait; returns their states then (count 1 each). Otherwise None, and
    nothing is counted: the caller reads, decides and counts under `exclusive` as usual. Also None
    on a cache without `add_many(…, lock=, unless=)` (Redis: Django's caches have none) and for a
    rule that waits from its first hit on (a hit would have to set that wait too).
    """
    cache = counters[0][0].cache
    if (
        not counts_first(cache)
        or any(limiter.cache is not cache for limiter, _ in (*counters, *unless))
        or any(limiter.rule.wait_after(1) > 0 for limiter, _ in counters)
    ):
        return None
    data: dict[str, int] = {}
    timeouts: dict[str, int] = {}
    guard: list[str] = []
    for limiter, subject in counters:
        count_key, retry_key = limiter.read_keys(subject)
        data[count_key] = 1
        timeouts[count_key] = limiter.rule.window
        guard += [count_key, retry_key]
    for limiter, subject in unless:
        guard += limiter.wait_keys(subject)
    added = cache.add_many(data, timeouts=timeouts, lock=_lock_key(*lock), unless=guard)  # type: ignore[attr-defined]
    if len(added) == len(data):
        return tuple(State(count=1) for _ in counters)
    for key in added:  # another request came first with some of them (PostgreSQL): take these back
        with suppress(ValueError):  # already forgotten
            cache.incr(key, -1)
    return None
