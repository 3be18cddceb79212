"""Model instances from hand-written SELECTs, converted exactly as the ORM converts them.

For the few queries that run on every login or sign-in, building the SQL with the ORM costs more
than running it (0.3 to 1 ms of Python per query with joins, against well under 0.1 ms in the
database). Those queries are written out once, with table and column names taken from the models,
and their rows become model instances here: every column passes the database's and the field's
converters (booleans, UUIDs, dates and JSON on SQLite and PostgreSQL alike) and `Model.from_db`
builds the instance, as a QuerySet would.

    accounts, devices = ModelColumns(Account, "a"), ModelColumns(TotpDevice, "t")
    sql = f"SELECT {accounts.select(connection)}, {devices.select(connection)} FROM ... LEFT OUTER JOIN ..."
    account = accounts.build(row, 0, connection)
    device = devices.build_optional(row, accounts.width, connection)   # None: the outer join found nothing

`SqlText` holds a statement's text, made once per database vendor; `fetch_rows` runs one.
`InsertStatement` does one-row INSERTs. SQL texts and converter lists are kept per database vendor:
they depend on the backend and the settings only, never on the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
Chains = list[tuple[int, list[tuple[Converter, Any]]]]


class SqlText:
    """A statement's text, made by `build(connection)` the first time a database vendor needs it.
    Only table and column names go into the text; every value is a parameter."""

    def __init__(self, build: Callable[[BaseDatabaseWrapper], str]) -> None:
        self._build = build
        self._texts: dict[str, str] = {}

    def text(self, connection: BaseDatabaseWrapper) -> str:
        found = self._texts.get(connection.vendor)
        if found is None:
            found = self._texts[connection.vendor] = self._build(connection)
        return found


def fetch_rows(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


class ModelColumns(Generic[M]):
    """The concrete columns of `model` (all, or only `fields`, always with the primary key) under the
    table alias `alias`, and the way back to instances (the other fields deferred) or plain values."""

    def __init__(self, model: type[M], alias: str, fields: Sequence[str] | None = None) -> None:
        self.model = model
        self.alias = alias
        pk = model._meta.pk
        assert pk is not None
        wanted = None if fields is None else {model._meta.get_field(name) for name in fields} | {pk}
        self.fields = tuple(f for f in model._meta.concrete_fields if wanted is None or f in wanted)
        self.attnames = [field.attname for field in self.fields]
        self.width = len(self.fields)
        self._pk_index = self.attnames.index(pk.attname)
        self._converters: dict[str, Chains] = {}

    def table(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return f"{quote(self.model._meta.db_table)} {quote(self.alias)}"

    def field(self, name: str) -> Field[Any, Any]:
        """The field with a column called `name` ("pk": the primary key)."""
        field = self.model._meta.pk if name == "pk" else self.model._meta.get_field(name)
        if not isinstance(field, Field) or field.column is None:
            raise ValueError(f"{self.model.__name__}.{name} is not a column")
        return field

    def column(self, connection: BaseDatabaseWrapper, name: str) -> str:
        """The qualified column of field `name` (for joins and conditions)."""
        quote = connection.ops.quote_name
        return f"{quote(self.alias)}.{quote(self.field(name).column)}"

    def bare_column(self, connection: BaseDatabaseWrapper, name: str) -> str:
        """The column of field `name` without the alias (for an UPDATE)."""
        return connection.ops.quote_name(self.field(name).column)

    def joined_on(self, connection: BaseDatabaseWrapper, other: ModelColumns[Any], field: str) -> str:
        """` INNER JOIN <this table> ON <its primary key> = <other>.<field>`."""
        key, foreign = self.column(connection, "pk"), other.column(connection, field)
        return f" INNER JOIN {self.table(connection)} ON {key} = {foreign}"

    def assignments(self, connection: BaseDatabaseWrapper, values: dict[str, Any]) -> tuple[str, list[Any]]:
        """`"column" = %s, …` for an UPDATE's SET (bare column names) and its parameters, each value
        prepared by its field as `QuerySet.update()` would."""
        quote = connection.ops.quote_name
        parts, params = [], []
        for name, value in values.items():
            field = self.field(name)
            parts.append(f"{quote(field.column)} = %s")
            params.append(field.get_db_prep_save(value, connection))
        return ", ".join(parts), params

    def param(self, connection: BaseDatabaseWrapper, name: str, value: Any) -> Any:
        """`value` as a query parameter compared with field `name` (a UUID, a date, …), as the ORM
        would pass it."""
        return self.field(name).get_db_prep_value(value, connection)

    def select(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(self.alias)}.{quote(field.column)}" for field in self.fields)

    def _converters_for(self, connection: BaseDatabaseWrapper) -> Chains:
        found = self._converters.get(connection.vendor)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                chain = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
                if chain:
                    found.append((index, [(converter, column) for converter in chain]))
            self._converters[connection.vendor] = found
        return found

    def values(self, row: Sequence[Any], start: int, connection: BaseDatabaseWrapper) -> list[Any]:
        """The converted values in `row[start:start + width]`, in the order of `fields`."""
        values = list(row[start : start + self.width])
        for index, chain in self._converters_for(connection):
            value = values[index]
            for converter, column in chain:
                value = converter(value, column, connection)
            values[index] = value
        return values

    def build(self, row: Sequence[Any], start: int, connection: BaseDatabaseWrapper) -> M:
        """The instance in `row[start:start + width]`."""
        return self.model.from_db(connection.alias, self.attnames, self.values(row, start, connection))

    def build_optional(self, row: Sequence[Any], start: int, connection: BaseDatabaseWrapper) -> M | None:
        """As `build`, or None when the primary key is NULL (nothing matched an outer join)."""
        return None if row[start + self._pk_index] is None else self.build(row, start, connection)


class InsertStatement(Generic[M]):
    """One-row INSERTs of `model` without the ORM's statement building: the SQL is made once per
    database; each value goes through its field's `pre_save` (auto_now_add and the like) and
    `get_db_prep_save`, as `Model.save()` would; the new primary key is set on the instance.

    No `pre_save`/`post_save` signals are sent: use it only for models nothing listens to."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        pk = model._meta.pk
        # An auto-increment key is left to the database and read back; any other key is a value.
        self.auto_pk = pk if pk is not None and getattr(pk, "db_returning", False) else None
        self.columns = tuple(
            field for field in model._meta.concrete_fields if not (field is self.auto_pk or field.generated)
        )
        self._sql = SqlText(self._statement)

    def _statement(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        names = ", ".join(quote(field.column) for field in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {quote(self.model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        if self.auto_pk is not None and connection.features.can_return_columns_from_insert:
            returning, _ = connection.ops.return_insert_columns([self.auto_pk])
            sql = f"{sql} {returning}"
        return sql

    def insert(self, instance: M, using: str | None = None) -> M:
        """Insert `instance` into the database `using` (by default the router's choice for writes)."""
        connection = connections[using or router.db_for_write(self.model)]
        values = [
            field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in self.columns
        ]
        with connection.cursor() as cursor:
            cursor.execute(self._sql.text(connection), values)
            if self.auto_pk is not None:
                if connection.features.can_return_columns_from_insert:
                    pk = cursor.fetchone()[0]
                else:
                    pk = connection.ops.last_insert_id(cursor, self.model._meta.db_table, self.auto_pk.column)
                setattr(instance, self.auto_pk.attname, pk)
        instance._state.adding = False
        instance._state.db = connection.alias
        return instance
