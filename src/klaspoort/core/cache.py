"""Database cache with one-statement writes and an atomic `incr` (the embedded-mode cache; Redis is
used when REDIS_URL is set).

Django's `DatabaseCache` counts the whole table (`SELECT COUNT(*)`, its cull check) before every
`add`/`set`, then reads and writes the row in a savepoint: five statements per write. Here (SQLite
and PostgreSQL) every write is one statement, and the rows stay Django's (pickle + base64 in
`value`), so Django's `get`/`get_many`/`has_key` read them unchanged:

- `add` / `add_many`: `INSERT … ON CONFLICT (cache_key) DO UPDATE … WHERE expires < now
  RETURNING cache_key`: an expired row is replaced, a live one never; the statement tells which
  keys it wrote. `add_many(…, lock=name)` creates its keys while holding `lock(name)`, so it takes
  its turn with the blocks that hold that lock (on SQLite every write does: one writer at a time).
- `set` / `set_many`: one upsert. `touch`: one UPDATE, of a live row only (as Redis and Django's
  local-memory cache; Django's database cache revived an expired row).
- `incr`: read, then a compare-and-swap UPDATE of the value only (`WHERE value = <read>` and
  still live), repeated when another writer came first. Two workers incrementing at once never lose
  a count, and the expiry is kept — the behaviour of Redis INCR (Django's `incr` is a get-then-set
  that loses counts and resets the expiry, which throttles, `core/ratelimit.py`, cannot have).
- `get_many` leaves expired rows alone (Django deletes them by key, which can delete a row that an
  `add` has just made live again): they are gone with `delete_expired`.

Expired rows are removed by `delete_expired()`: the hourly housekeeping job (`purge-expired`) and,
as a bounded safety net where no job runs (embedded mode runs none by itself), every `delete_many`,
which takes at most `SWEEP` expired rows along. Nothing ever removes a live entry: filling the
cache can never reset other people's throttle counters or SAML replay markers. Hence no
MAX_ENTRIES culling (`_cull`, only reached on other databases, also removes expired rows only).

`lock(name)` holds a lock for the rest of a transaction (throttles decide and count under it,
`core.ratelimit.exclusive`): a PostgreSQL advisory transaction lock; on SQLite the transaction itself,
which starts with BEGIN IMMEDIATE (settings) and so already excludes every other writer.
"""

from __future__ import annotations

import base64
import hashlib
import pickle
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.timezone import now as tz_now

SWEEP = 32  # expired rows a delete_many takes along at most (the safety net; the job takes all)


def lock_number(name: str) -> int:
    """The PostgreSQL advisory lock key of `name` (a signed 64-bit number)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class DatabaseCache(DjangoDatabaseCache):
    # --- helpers ---------------------------------------------------------------------------------

    def _write_connection(self) -> BaseDatabaseWrapper:
        return connections[router.db_for_write(self.cache_model_class)]

    @staticmethod
    def _one_statement(connection: BaseDatabaseWrapper) -> bool:
        """Upserts with RETURNING: PostgreSQL, SQLite ≥ 3.35. Elsewhere Django's writes are used."""
        return connection.vendor in ("postgresql", "sqlite") and bool(
            connection.features.can_return_rows_from_bulk_insert
        )

    def _encode(self, value: Any) -> str:
        """As Django's DatabaseCache stores a value (so its readers decode ours)."""
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    @staticmethod
    def _decode(connection: BaseDatabaseWrapper, value: Any) -> Any:
        return pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode()))  # noqa: S301

    def _expiry(self, connection: BaseDatabaseWrapper, timeout: Any) -> Any:
        """The `expires` column's value for `timeout`, exactly as Django's DatabaseCache writes it."""
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            moment = datetime.max  # noqa: DTZ901 - Django's "never", naive as it writes it
        else:
            moment = datetime.fromtimestamp(seconds, tz=UTC if settings.USE_TZ else None)
        return connection.ops.adapt_datetimefield_value(moment.replace(microsecond=0))

    @staticmethod
    def _now(connection: BaseDatabaseWrapper) -> Any:
        """Now, to compare with `expires` in SQL: a row is expired when expires < now (as get_many)."""
        return connection.ops.adapt_datetimefield_value(tz_now())

    @staticmethod
    def _expires_converter(connection: BaseDatabaseWrapper) -> Any:
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)

        def convert(value: Any) -> Any:
            for converter in converters:
                value = converter(value, expression, connection)
            return value

        return convert

    def _upsert(
        self,
        connection: BaseDatabaseWrapper,
        rows: Iterable[tuple[str, str, Any]],
        *,
        only_expired: bool,
        lock: str | None = None,
        unless: Iterable[str] = (),
    ) -> set[str]:
        """INSERT the (cache_key, value, expires) rows; a key that exists is overwritten (always, or
        `only_expired`: when its row has expired). Nothing is written when one of the cache keys
        `unless` has a live row. Returns the cache keys written. One statement."""
        rows = list(rows)
        unless = list(unless)
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        key, value, expires = quote("cache_key"), quote("value"), quote("expires")
        now = self._now(connection)
        params: list[Any] = []
        prefix = ""
        source = "VALUES " + ", ".join(["(%s, %s, %s)"] * len(rows))
        sources = ""
        if lock is not None and connection.vendor == "postgresql":
            # The lock is taken before any row is written and held until the statement commits (or
            # the surrounding transaction ends), as `lock(name)` holds it.
            prefix = "WITH held AS (SELECT pg_advisory_xact_lock(%s)) "
            params.append(lock_number(lock))
            sources = "held, "
        for row in rows:
            params.extend(row)
        if sources or unless:
            source = f"SELECT v.* FROM {sources}({source}) AS v"  # noqa: S608
            if unless:
                source += (
                    f" WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {key} IN "  # noqa: S608
                    f"({', '.join(['%s'] * len(unless))}) AND {expires} >= %s)"
                )
                params.extend([*unless, now])
        condition = ""
        if only_expired:
            condition = f" WHERE {table}.{expires} < %s"
            params.append(now)
        sql = (
            f"{prefix}INSERT INTO {table} ({key}, {value}, {expires}) {source} "
            f"ON CONFLICT ({key}) DO UPDATE SET {value} = EXCLUDED.{value}, {expires} = EXCLUDED.{expires}"
            f"{condition} RETURNING {key}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0] for row in cursor.fetchall()}

    # --- writes ----------------------------------------------------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        connection = self._write_connection()
        if not self._one_statement(connection):
            return bool(super().add(key, value, timeout, version))
        cache_key = self.make_and_validate_key(key, version=version)
        row = (cache_key, self._encode(value), self._expiry(connection, timeout))
        return bool(self._upsert(connection, [row], only_expired=True))

    def add_many(
        self,
        data: Mapping[Any, Any],
        timeout: Any = DEFAULT_TIMEOUT,
        version: int | None = None,
        *,
        timeouts: Mapping[Any, Any] | None = None,
        lock: str | None = None,
        unless: Iterable[Any] = (),
    ) -> list[Any]:
        """`add` for every key of `data` in one statement; returns the keys that were added (those
        that had no live entry). `timeouts` may give a key a timeout of its own. Nothing is added
        when one of the keys `unless` has a live entry. With `lock`, while holding `lock(lock)`
        (see the module)."""
        if not data:
            return []
        connection = self._write_connection()
        timeouts = timeouts or {}
        key_map = {self.make_and_validate_key(key, version=version): key for key in data}
        unless = list(unless)
        if not self._one_statement(connection):
            with self.lock(lock) if lock is not None else nullcontext():
                if unless and self.get_many(unless, version):
                    return []
                return [
                    key for key in data if super().add(key, data[key], timeouts.get(key, timeout), version)
                ]
        rows = [
            (cache_key, self._encode(data[key]), self._expiry(connection, timeouts.get(key, timeout)))
            for cache_key, key in key_map.items()
        ]
        guard = [self.make_and_validate_key(key, version=version) for key in unless]
        written = self._upsert(connection, rows, only_expired=True, lock=lock, unless=guard)
        return [key for cache_key, key in key_map.items() if cache_key in written]

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self.set_many({key: value}, timeout, version)

    def set_many(
        self, data: Mapping[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        """Every key of `data` written in one statement; returns the keys that failed (none)."""
        if not data:
            return []
        connection = self._write_connection()
        if not self._one_statement(connection):
            return list(super().set_many(dict(data), timeout, version))
        expires = self._expiry(connection, timeout)
        rows = [
            (self.make_and_validate_key(key, version=version), self._encode(value), expires)
            for key, value in data.items()
        ]
        self._upsert(connection, rows, only_expired=False)
        return []

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """A new expiry for a live entry (False when there is none, also when it has expired)."""
        connection = self._write_connection()
        if not self._one_statement(connection):
            return bool(super().touch(key, timeout, version))
        cache_key = self.make_and_validate_key(key, version=version)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(self._table)} SET {quote('expires')} = %s "  # type: ignore[attr-defined]  # noqa: S608
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} >= %s",
                [self._expiry(connection, timeout), cache_key, self._now(connection)],
            )
            return bool(cursor.rowcount)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` to a live integer entry, keeping its expiry (ValueError when there is none)."""
        cache_key = self.make_and_validate_key(key, version=version)
        connection = self._write_connection()
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        convert = self._expires_converter(connection)
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    f"SELECT {quote('value')}, {quote('expires')} FROM {table} "  # noqa: S608
                    f"WHERE {quote('cache_key')} = %s",
                    [cache_key],
                )
                row = cursor.fetchone()
                if row is None or convert(row[1]) < tz_now():
                    raise ValueError(f"Key '{key}' not found")
                new_value = self._decode(connection, row[0]) + delta
                # Compare and swap: only if nobody changed the value since it was read, and the row
                # is still live; otherwise read again. The expiry is left as it is.
                cursor.execute(
                    f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608
                    f"WHERE {quote('cache_key')} = %s AND {quote('value')} = %s AND {quote('expires')} >= %s",
                    [self._encode(new_value), cache_key, row[0], self._now(connection)],
                )
                if cursor.rowcount:
                    return int(new_value)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        """Delete `keys`; the same statement removes up to SWEEP expired rows (the safety net)."""
        cache_keys = [self.make_and_validate_key(key, version=version) for key in keys]
        if not cache_keys:
            return
        connection = self._write_connection()
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]
        key, expires = quote("cache_key"), quote("expires")
        now = self._now(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE {key} IN ({', '.join(['%s'] * len(cache_keys))}) "  # noqa: S608
                f"OR ({expires} < %s AND {key} IN "
                f"(SELECT {key} FROM {table} WHERE {expires} < %s ORDER BY {expires} LIMIT %s))",
                [*cache_keys, now, now, SWEEP],
            )

    def delete_expired(self) -> int:
        """Remove every expired entry (never a live one); returns how many. The housekeeping job's."""
        connection = self._write_connection()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote(self._table)} WHERE {quote('expires')} < %s",  # type: ignore[attr-defined]  # noqa: S608
                [self._now(connection)],
            )
            return int(cursor.rowcount)

    def _cull(self, db: str, cursor: Any, now: Any, num: int) -> None:
        """Past MAX_ENTRIES (only Django's own writes, on other databases, come here) Django's cache
        deletes a share of the *live* entries as well: throttle counters and SAML replay markers
        among them, so whoever fills the cache could reset other people's throttles or replay a
        request. Here only expired entries are ever removed."""
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        cursor.execute(
            f"DELETE FROM {table} WHERE {connection.ops.quote_name('expires')} < %s",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(now)],
        )

    # --- reads -----------------------------------------------------------------------------------

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        """The live entries of `keys`, in one SELECT; expired rows are skipped (not deleted)."""
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not key_map:
            return {}
        connection = connections[router.db_for_read(self.cache_model_class)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('cache_key')}, {quote('value')}, {quote('expires')} "  # noqa: S608
                f"FROM {quote(self._table)} "  # type: ignore[attr-defined]
                f"WHERE {quote('cache_key')} IN ({', '.join(['%s'] * len(key_map))})",
                list(key_map),
            )
            rows = cursor.fetchall()
        convert = self._expires_converter(connection)
        moment = tz_now()
        return {
            key_map[cache_key]: self._decode(connection, value)
            for cache_key, value, expires in rows
            if convert(expires) >= moment
        }

    # --- locks -----------------------------------------------------------------------------------

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold `name` exclusively until the block ends (the block runs in one transaction)."""
        connection = self._write_connection()
        with transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_number(name)])
            elif connection.vendor != "sqlite":
                raise NotImplementedError(f"no cache lock for {connection.vendor}")
            yield
