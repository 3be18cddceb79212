"""One-row INSERTs without the ORM's statement building, for the rows written on every login.

`InsertStatement(model)` makes its SQL once per database vendor; each value goes through its
field's `pre_save` (auto_now_add and the like) and `get_db_prep_save`, as `Model.save()` would,
and the new primary key is set on the instance. It skips `save()` and the `pre_save`/`post_save`
signals, so it refuses, when it is made (at import time), a model with its own `save()` or
`save_base()` or with receivers of those signals; receivers connected later are refused at the
next insert (a dictionary look-up in Django's receiver cache), before anything is written.

It is used only where it measurably matters: the audit event and the session row of every login
(`docs/operations.md` has the figures); every other write goes through the ORM.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

from klaspoort.core.compiled import write_alias

M = TypeVar("M", bound=Model)


class UnsafeInsert(TypeError):
    """The model does something on save that a prepared INSERT would skip."""


def _refuse_skipped_behaviour(model: type[Model]) -> None:
    for method in ("save", "save_base"):
        if getattr(model, method) is not getattr(Model, method):
            raise UnsafeInsert(f"{model.__name__} has its own {method}(): a prepared INSERT would skip it")
    for signal, name in ((pre_save, "pre_save"), (post_save, "post_save")):
        if signal.has_listeners(model):
            raise UnsafeInsert(f"{model.__name__} has {name} receivers: a prepared INSERT would skip them")


class InsertStatement(Generic[M]):
    """One-row INSERTs of `model` (see the module docstring for what it refuses)."""

    def __init__(self, model: type[M]) -> None:
        _refuse_skipped_behaviour(model)
        self.model = model
        pk = model._meta.pk
        # An auto-increment key is left to the database and read back; any other key is a value.
        self.auto_pk = pk if pk is not None and getattr(pk, "db_returning", False) else None
        self.columns = tuple(
            field for field in model._meta.concrete_fields if not (field is self.auto_pk or field.generated)
        )
        self._sql: dict[str, str] = {}

    def _statement(self, connection: BaseDatabaseWrapper) -> str:
        found = self._sql.get(connection.vendor)
        if found is not None:
            return found
        quote = connection.ops.quote_name
        names = ", ".join(quote(field.column) for field in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {quote(self.model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        if self.auto_pk is not None and connection.features.can_return_columns_from_insert:
            returning, _ = connection.ops.return_insert_columns([self.auto_pk])
            sql = f"{sql} {returning}"
        self._sql[connection.vendor] = sql
        return sql

    def insert(self, instance: M, using: str | None = None) -> M:
        """Insert `instance` into the database `using` (by default the router's choice for writes)."""
        _refuse_skipped_behaviour(self.model)
        connection = connections[using or write_alias(self.model)]
        values: list[Any] = [
            field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in self.columns
        ]
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection), values)
            if self.auto_pk is not None:
                if connection.features.can_return_columns_from_insert:
                    pk = cursor.fetchone()[0]
                else:
                    pk = connection.ops.last_insert_id(cursor, self.model._meta.db_table, self.auto_pk.column)
                setattr(instance, self.auto_pk.attname, pk)
        instance._state.adding = False
        instance._state.db = connection.alias
        return instance
