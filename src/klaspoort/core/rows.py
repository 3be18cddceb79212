"""Model instances from hand-written SELECTs, converted exactly as the ORM converts them.

For the few queries that run on every login or sign-in, building the SQL with the ORM costs more
than running it (0.3 to 1 ms of Python per query with joins, against well under 0.1 ms in the
database). Those queries are written out once, with table and column names taken from the models,
and their rows become model instances here: every column passes the database's and the field's
converters (booleans, UUIDs, dates and JSON on SQLite and PostgreSQL alike) and `Model.from_db`
builds the instance, as a QuerySet would.

    cols = ModelColumns(Account, "a")
    sql = f"SELECT {cols.select(connection)} FROM {cols.table(connection)} ..."
    account = cols.build(row, 0, connection)
    device = devices.build_optional(row, cols.width, connection)   # None when a LEFT JOIN found nothing
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
Chains = list[tuple[int, list[tuple[Converter, Any]]]]


class ModelColumns(Generic[M]):
    """All concrete columns of `model` under the table alias `alias`, and the way back to instances."""

    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = tuple(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.width = len(self.fields)
        self._pk_index = self.attnames.index(model._meta.pk.attname)
        self._converters: dict[str, Chains] = {}

    def table(self, connection: BaseDatabaseWrapper) -> str:
        quote = connection.ops.quote_name
        return f"{quote(self.model._meta.db_table)} {quote(self.alias)}"

    def column(self, connection: BaseDatabaseWrapper, name: str) -> str:
        """The qualified column of field `name` (for joins and conditions)."""
        field = self.model._meta.get_field(name)
        if not isinstance(field, Field) or field.column is None:
            raise ValueError(f"{self.model.__name__}.{name} is not a column")
        quote = connection.ops.quote_name
        return f"{quote(self.alias)}.{quote(field.column)}"

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

    def build(self, row: Sequence[Any], start: int, connection: BaseDatabaseWrapper) -> M:
        """The instance in `row[start:start + width]`."""
        values = list(row[start : start + self.width])
        for index, chain in self._converters_for(connection):
            value = values[index]
            for converter, column in chain:
                value = converter(value, column, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.attnames, values)

    def build_optional(self, row: Sequence[Any], start: int, connection: BaseDatabaseWrapper) -> M | None:
        """As `build`, or None when the primary key is NULL (nothing matched an outer join)."""
        return None if row[start + self._pk_index] is None else self.build(row, start, connection)
