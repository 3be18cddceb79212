"""Database cache with an atomic `incr` (the embedded-mode cache; Redis is used when REDIS_URL is set).

Django's `DatabaseCache.incr` is a plain get-then-set: two workers incrementing at once lose a
count, and the set gives the entry the default timeout, so a counter's window is lost. Throttles
(`core/ratelimit.py`) need both to hold, so `incr` here reads the row under a lock (SELECT … FOR
UPDATE where the database has it; SQLite serialises writers with BEGIN IMMEDIATE) and writes only
the value, keeping the expiry — the same behaviour as Redis INCR.

`lock(name)` holds a lock for the rest of a transaction (throttles decide and count under it,
`core.ratelimit.exclusive`): a PostgreSQL advisory transaction lock; on SQLite the transaction itself,
which starts with BEGIN IMMEDIATE (settings) and so already excludes every other writer.

Culling (past MAX_ENTRIES) removes expired entries only, never live ones (see `_cull`).
"""

from __future__ import annotations

import base64
import hashlib
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)  # type: ignore[attr-defined]
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')}, {quote_name('expires')} FROM {table} "  # noqa: S608
                f"WHERE {quote_name('cache_key')} = %s{lock}",
                [cache_key],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value, expires = row
            for converter in converters:
                expires = converter(expires, expression, connection)
            if expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            current = pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode()))  # noqa: S301
            new_value = current + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote_name('value')} = %s WHERE {quote_name('cache_key')} = %s",  # noqa: S608
                [encoded, cache_key],
            )
        return int(new_value)

    def _cull(self, db: str, cursor: Any, now: Any, num: int) -> None:
        """Past MAX_ENTRIES Django's cache deletes a share of the *live* entries as well: throttle
        counters and SAML replay markers among them, so whoever fills the cache could reset other
        people's throttles or replay a request. Here only expired entries are ever removed."""
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        cursor.execute(
            f"DELETE FROM {table} WHERE {connection.ops.quote_name('expires')} < %s",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(now)],
        )

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold `name` exclusively until the block ends (the block runs in one transaction)."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.vendor == "postgresql":
                number = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
            elif connection.vendor != "sqlite":
                raise NotImplementedError(f"no cache lock for {connection.vendor}")
            yield
