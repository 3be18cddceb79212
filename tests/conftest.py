"""Shared fixtures. Services a user's machine may lack skip under `make test`, but fail under CI=true."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Speed is measured in benchmarks, never in tests: on a shared two-core machine Hypothesis' timing
# checks (a deadline per example, "too slow" data generation) only make property tests flaky.
hypothesis_settings.register_profile("klaspoort", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("klaspoort")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("KLASPOORT_CHROMIUM", "/usr/bin/chromium")


def require_service(available: bool, reason: str) -> None:
    """Skip a test whose service is missing; in CI (CI=true) a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    require_service(
        os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK),
        f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package)",
    )
    return CHROMIUM


@pytest.fixture(scope="session")
def xmlsec1_path() -> str:
    path = shutil.which("xmlsec1")
    require_service(path is not None, "xmlsec1 not found (install Debian's 'xmlsec1' package)")
    assert path is not None
    return path


REDIS_TEST_URL = os.environ.get("KLASPOORT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis to test shared state against (KLASPOORT_TEST_REDIS_URL; CI sets it)."""
    import redis

    try:
        with redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=1) as client:
            available = bool(client.ping())
    except redis.RedisError:
        available = False
    require_service(available, f"Redis not reachable at {REDIS_TEST_URL} (set KLASPOORT_TEST_REDIS_URL)")
    return REDIS_TEST_URL


@pytest.fixture
def redis_cache_config(redis_url: str) -> Iterator[dict[str, Any]]:
    """A CACHES entry on the test Redis with a key prefix of its own; its keys are removed afterwards,
    and every connection pool made for it (one per thread that used the cache, live-server threads
    included) is disconnected, so no socket is left for the garbage collector to warn about in a
    later test."""
    import uuid

    import redis

    prefix = f"kptest-{uuid.uuid4().hex[:12]}"
    pools: list[redis.ConnectionPool] = []

    class ClosedAfterTheTest(redis.ConnectionPool):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            pools.append(self)

    yield {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"pool_class": ClosedAfterTheTest},
    }
    with redis.Redis.from_url(redis_url) as client:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    for pool in pools:
        pool.disconnect()


@pytest.fixture(params=["database", "redis"])
def cache_backend(request: pytest.FixtureRequest) -> str:
    """Runs a test on the database cache (embedded mode; the test needs `db`) and again on Redis
    (production), as the default cache. Without Redis the second run skips; under CI it fails."""
    if request.param == "redis":
        config = request.getfixturevalue("redis_cache_config")
        # Through pytest-django's `settings`, so overrides a test makes there are undone in order.
        request.getfixturevalue("settings").CACHES = {"default": config}
    return str(request.param)


class CommittedOutbox(list):  # type: ignore[type-arg]
    """`mail.outbox` in tests. Mails are queued for after commit (`accounts.outbox`), but a test's
    transaction never commits; reading the outbox first runs the mail queue's pending on-commit
    callbacks (and nothing else: the `AfterCommit` hand-offs, also those they add), as the commit
    would have, so tests see the mails sent so far."""

    def _commit_mails(self) -> None:
        from django.db import connection

        from klaspoort.accounts.outbox import AfterCommit

        while pending := [entry for entry in connection.run_on_commit if isinstance(entry[1], AfterCommit)]:
            for entry in pending:
                connection.run_on_commit.remove(entry)
            for entry in pending:
                entry[1]()

    def __len__(self) -> int:
        self._commit_mails()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._commit_mails()
        return super().__getitem__(index)

    def __iter__(self) -> Iterator[Any]:
        self._commit_mails()
        return super().__iter__()

    def clear(self) -> None:
        self._commit_mails()
        super().clear()

    def __reversed__(self) -> Iterator[Any]:
        self._commit_mails()
        return super().__reversed__()

    def __contains__(self, item: object) -> bool:
        self._commit_mails()
        return super().__contains__(item)

    def __eq__(self, other: object) -> bool:
        self._commit_mails()
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _committed_outbox() -> None:
    from django.core import mail

    if not isinstance(getattr(mail, "outbox", None), CommittedOutbox):
        mail.outbox = CommittedOutbox()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Every test starts in the default language: a request that chose English leaves it active in
    the thread, which made later tests (run alone or in another order) see English messages."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_signing_keys_from_another_test() -> Iterator[None]:
    """The OIDC signing keys are cached per process, but each test's database rolls back: a key
    cached by an earlier test (and gone with its transaction) must not sign this test's tokens."""
    from klaspoort.federation.oidc import keys

    keys.clear_key_cache()
    yield
    keys.clear_key_cache()


def pytest_configure(config: pytest.Config) -> None:
    """Compile the catalogues edited since the last run (the .mo files are build output)."""
    from klaspoort.core.i18n.catalogues import PACKAGE_DIR
    from klaspoort.core.i18n.compile import catalogue_files, compile_stale

    compile_stale(catalogue_files(PACKAGE_DIR))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` check a PostgreSQL feature (Dutch stemming, NOWAIT locks); they run in
    the PostgreSQL suite and are deselected, not skipped, when the suite runs on another database."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
