"""Portal fixtures: caches to keep breaker and licence state in (local memory and, if present, Redis)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from tests.conftest import require_service
from tests.portal.world import World, make_world

REDIS_URL = os.environ.get("KLASPOORT_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


def redis_available() -> bool:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request: pytest.FixtureRequest) -> Iterator[BaseCache]:
    """A fresh cache; the Redis one has a unique key prefix so parallel runs never meet."""
    if request.param == "locmem":
        yield LocMemCache(f"portal-{uuid.uuid4()}", {})
        return
    require_service(redis_available(), f"Redis not reachable at {REDIS_URL}")
    from django.core.cache.backends.redis import RedisCache

    # Every key written here expires by itself (breaker states within minutes); never flush the db.
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-portal-{uuid.uuid4()}"})
    yield cache
    for pool in cache._cache._pools.values():
        pool.disconnect()


@pytest.fixture
def portal_settings(settings: Any) -> Any:
    """Short timeouts, loopback publishers allowed, a private in-memory cache per test."""
    settings.PORTAL_LICENCE_TIMEOUT = 0.5
    settings.PORTAL_ALLOW_LOOPBACK_HTTP = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"portal-{uuid.uuid4()}",
        }
    }
    return settings


@pytest.fixture
def world(db: None, portal_settings: Any) -> Iterator[World]:
    built = make_world()
    yield built
    built.stop()
