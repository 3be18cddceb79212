"""Append-only tables, enforced by the database: a trigger refuses every UPDATE of a row.

The audit trail, consent history and disclosure records are only ever inserted. A `save()` override
could not hold that (QuerySet.update() never calls it, and the prepared INSERT of `core.inserts`
must not skip one), so the database refuses the UPDATE itself, whoever sends it. Deleting single
rows is refused by the models' `delete()`; a trigger on DELETE would also stop the test runner's
flush on SQLite.

    operations = [migrations.RunPython(*refuse_updates("audit_auditevent"))]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION klaspoort_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME;
END
$$"""


def _statements(vendor: str, table: str) -> tuple[list[str], list[str]]:
    trigger = f"{table}_append_only"
    if vendor == "sqlite":
        return (
            [
                f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            ],
            [f"DROP TRIGGER IF EXISTS {trigger}"],
        )
    if vendor == "postgresql":
        return (
            [
                _PG_FUNCTION,
                f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION klaspoort_refuse_update()",
            ],
            [f"DROP TRIGGER IF EXISTS {trigger} ON {table}"],
        )
    raise NotImplementedError(f"append-only tables on {vendor} (klaspoort runs on SQLite and PostgreSQL)")


def refuse_updates(table: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """The forward and backward functions of a `RunPython` that adds (removes) the trigger."""

    def run(index: int) -> Callable[..., None]:
        def apply(apps: Any, schema_editor: Any) -> None:
            for statement in _statements(schema_editor.connection.vendor, table)[index]:
                schema_editor.execute(statement, params=None)

        return apply

    return run(0), run(1)
