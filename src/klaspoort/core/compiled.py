"""ORM queries compiled once per process and database vendor, then run with new parameters.

For the few queries that run on every login or sign-in, building a QuerySet and compiling it to
SQL costs more than running it. Here the QuerySet is written once, with the ORM and the rule
methods of the models (`StaffPlacement.objects.active_at()` …), with a `Param` wherever a value
changes from call to call. The first call on a database vendor compiles it; every later call only
puts the new values in and runs the SQL. Rows become model instances exactly as the QuerySet makes
them (select_related relations cached, the other fields deferred), so a change to a model or a
rule reaches the fast path by itself, and the property tests (`tests/core/test_compiled.py`,
`tests/*/test_*_fast.py`) check that every compiled query returns what the plain QuerySet returns.

    BY_HANDLE = CompiledQuery(lambda: OidcGrant.objects.filter(handle=Param.of(OidcGrant, "handle")))
    grants = BY_HANDLE.fetch(handle="abc")                   # model instances, as list(queryset)
    EMAILS = CompiledQuery(lambda: Account.objects.values_list("email"), rows=True)   # plain tuples
    CompiledUpdate(lambda: OidcGrant.objects.filter(pk=Param.of(OidcGrant, "pk")), ["revoked_at"])

`key` values (`fetch(key=(2026,), …)`) are handed to the builder and compile a statement of their
own: for what changes rarely (the school year in force) or changes the SQL (the number of values
of an IN).

Databases: reads go to `read_alias(model)`, writes to `write_alias(model)`, both the router's
choice (`DATABASE_ROUTERS`); every compiled statement, `core.inserts` and nothing else picks one.

What this uses of Django beyond its documented API, all in this module (the tests fail when a
Django upgrade changes it): `QuerySet.query.get_compiler(using).as_sql()`, the compiler's
`select`/`klass_info`/`annotation_col_map`/`get_converters()` after `as_sql()`, the
`RelatedPopulator`s of `django.db.models.query.get_related_populators`, and
`Query.chain(UpdateQuery).add_update_values()` for an UPDATE; the same calls `QuerySet` makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models import query as _query
from django.db.models.sql import UpdateQuery

M = TypeVar("M", bound=Model)


def read_alias(model: type[Model]) -> str:
    """The database to read `model` from (the router's choice)."""
    return router.db_for_read(model) or "default"


def write_alias(model: type[Model]) -> str:
    """The database to write `model` to (the router's choice)."""
    return router.db_for_write(model) or "default"


class Param(Expression):
    """A value given at run time, standing where a QuerySet built once has a changing value. The
    value is prepared by `output_field` as the ORM prepares a literal in that place: as a lookup
    value in a filter, as a saved value in an UPDATE."""

    for_save = False

    def __init__(self, name: str, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    @classmethod
    def of(cls, model: type[Model], field: str, name: str | None = None) -> Param:
        """A parameter compared with (or saved into) `model.field`, called `name` (default: `field`)."""
        found = model._meta.pk if field == "pk" else model._meta.get_field(field)
        if not isinstance(found, Field):
            raise TypeError(f"{model.__name__}.{field} is not a concrete field")
        return cls(name or field, found)

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> Param:
        resolved = super().resolve_expression(query, allow_joins, reuse, summarize, for_save)
        assert isinstance(resolved, Param)
        resolved.for_save = for_save
        return resolved

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        return "%s", [self]

    def prepare(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        field = self.output_field
        if self.for_save:
            return field.get_db_prep_save(value, connection)
        return field.get_db_prep_value(value, connection, prepared=False)

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


@dataclass(frozen=True)
class _Sql:
    """One compiled statement: its text, where each run-time value goes, the row converters."""

    text: str
    params: tuple[Any, ...]  # fixed values, and a Param where a value is given at run time
    slots: tuple[tuple[int, Param], ...]
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]

    @classmethod
    def of(cls, compiler: Any, text: str, params: Sequence[Any], columns: Sequence[Any] = ()) -> _Sql:
        params = tuple(params)
        converters = tuple(
            (index, tuple(chain), expression)
            for index, (chain, expression) in compiler.get_converters(columns).items()
        )
        slots = tuple((index, param) for index, param in enumerate(params) if isinstance(param, Param))
        return cls(text, params, slots, converters)

    def bind(self, values: dict[str, Any], connection: BaseDatabaseWrapper) -> list[Any]:
        params = list(self.params)
        for index, param in self.slots:
            try:
                value = values[param.name]
            except KeyError:
                raise TypeError(f"missing value for Param {param.name!r}") from None
            params[index] = param.prepare(value, connection)
        return params

    def convert(self, rows: Iterable[Sequence[Any]], connection: BaseDatabaseWrapper) -> list[list[Any]]:
        converted = []
        for row in rows:
            values = list(row)
            for index, chain, expression in self.converters:
                value = values[index]
                for converter in chain:
                    value = converter(value, expression, connection)
                values[index] = value
            converted.append(values)
        return converted


class _Builder:
    """How rows become instances: the compiler's plan after `as_sql()`, as `ModelIterable` uses it."""

    def __init__(self, compiler: Any) -> None:
        self.select, self.klass_info = compiler.select, compiler.klass_info
        self.annotations = dict(compiler.annotation_col_map or {})
        self.populators: dict[str, list[Any]] = {}
        if self.klass_info is not None:
            fields = self.klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [column[0].target.attname for column in self.select[self.start : self.end]]
            self.model = self.klass_info["model"]

    def build(self, rows: list[list[Any]], alias: str) -> list[Any]:
        populators = self.populators.get(alias)
        if populators is None:
            related = _query.get_related_populators  # type: ignore[attr-defined]
            populators = self.populators[alias] = related(self.klass_info, self.select, alias)
        objects = []
        for row in rows:
            instance = self.model.from_db(alias, self.init_list, row[self.start : self.end])
            for populator in populators:
                populator.populate(row, instance)
            for name, index in self.annotations.items():
                setattr(instance, name, row[index])
            objects.append(instance)
        return objects


class CompiledQuery(Generic[M]):
    """A SELECT of `model` built by `build(*key)` (a QuerySet with `Param`s), compiled once per
    database vendor and key. `fetch` returns model instances as `list(queryset)` would, or with
    `rows=True` the converted rows as tuples (for `values_list` querysets)."""

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M, Any]], *, rows: bool = False) -> None:
        self.model = model
        self._build = build
        self._rows = rows
        self._compiled: dict[tuple[Any, ...], tuple[_Sql, _Builder | None]] = {}

    def queryset(self, key: tuple[Any, ...] = ()) -> QuerySet[M, Any]:
        """The plain QuerySet (with its `Param`s unbound): what the tests compare against."""
        return self._build(*key)

    def _statement(
        self, connection: BaseDatabaseWrapper, key: tuple[Any, ...]
    ) -> tuple[_Sql, _Builder | None]:
        cache_key = (connection.vendor, *key)
        found = self._compiled.get(cache_key)
        if found is None:
            queryset = self._build(*key)
            if queryset.model is not self.model:
                raise TypeError(f"the QuerySet is of {queryset.model.__name__}, not {self.model.__name__}")
            compiler = queryset.query.get_compiler(connection=connection)
            text, params = compiler.as_sql()
            columns = [column[0] for column in compiler.select]
            builder = None if self._rows else _Builder(compiler)
            found = self._compiled[cache_key] = (_Sql.of(compiler, text, params, columns), builder)
        return found

    def sql(self, key: tuple[Any, ...] = (), using: str | None = None) -> str:
        """The compiled text (for tests and benchmarks)."""
        return self._statement(connections[using or read_alias(self.model)], key)[0].text

    def fetch(self, key: tuple[Any, ...] = (), using: str | None = None, **values: Any) -> list[Any]:
        alias = using or read_alias(self.model)
        connection = connections[alias]
        sql, builder = self._statement(connection, key)
        with connection.cursor() as cursor:
            cursor.execute(sql.text, sql.bind(values, connection))
            rows = sql.convert(cursor.fetchall(), connection)
        if builder is None:
            return [tuple(row) for row in rows]
        return builder.build(rows, alias)


class CompiledUpdate(Generic[M]):
    """An UPDATE of the rows of `build(*key)` (a single-table QuerySet of `model` with `Param`s)
    setting `fields`, each to the run-time value of the same name; compiled once per database
    vendor and key. `run` returns the number of rows changed: a compare-and-set when the QuerySet
    states what must still hold."""

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M, Any]], fields: Iterable[str]) -> None:
        self.model = model
        self._build = build
        self.fields = tuple(fields)
        self._compiled: dict[tuple[Any, ...], _Sql] = {}

    def _statement(self, connection: BaseDatabaseWrapper, key: tuple[Any, ...]) -> _Sql:
        cache_key = (connection.vendor, *key)
        found = self._compiled.get(cache_key)
        if found is None:
            query = cast(UpdateQuery, self._build(*key).query.chain(UpdateQuery))
            query.add_update_values({name: Param.of(self.model, name) for name in self.fields})
            if query.count_active_tables() > 1:
                raise ValueError("a CompiledUpdate filters on its own table only")
            compiler = query.get_compiler(connection=connection)
            text, params = compiler.as_sql()
            found = self._compiled[cache_key] = _Sql.of(compiler, text, params)
        return found

    def run(self, key: tuple[Any, ...] = (), using: str | None = None, **values: Any) -> int:
        connection = connections[using or write_alias(self.model)]
        sql = self._statement(connection, key)
        with connection.cursor() as cursor:
            cursor.execute(sql.text, sql.bind(values, connection))
            return int(cursor.rowcount)
